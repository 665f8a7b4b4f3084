package org

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// MaxNames bounds one ByNames lookup (a pasted list of vendors).
const MaxNames = 20000

// ByNames finds organisations by name, compared without case and spacing
// as names are unique, in the order given. Names it does not know are
// returned in missing, in order; duplicates are looked up once.
func (s *Service) ByNames(ctx context.Context, p auth.Principal, names []string) (found []Org, missing []string, err error) {
	if err := CanView(p); err != nil {
		return nil, nil, err
	}
	if len(names) > MaxNames {
		return nil, nil, errs.Field("names", "at most %d names at once", MaxNames)
	}
	keys := make([]string, 0, len(names))
	seen := map[string]bool{}
	for _, n := range names {
		if k := nameKey(n); k != "" && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	byKey := make(map[string]Org, len(keys))
	for from := 0; from < len(keys); from += 500 {
		if err := s.lookupKeys(ctx, keys[from:min(from+500, len(keys))], byKey); err != nil {
			return nil, nil, err
		}
	}
	for _, k := range keys {
		if o, ok := byKey[k]; ok {
			found = append(found, o)
		} else {
			missing = append(missing, k)
		}
	}
	return found, missing, nil
}

func (s *Service) lookupKeys(ctx context.Context, keys []string, into map[string]Org) error {
	ph := make([]string, len(keys))
	args := make([]any, len(keys))
	for i, k := range keys {
		ph[i], args[i] = fmt.Sprintf("$%d", i+1), k
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE name_key IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return err
		}
		into[nameKey(o.Name)] = o
	}
	return rows.Err()
}
