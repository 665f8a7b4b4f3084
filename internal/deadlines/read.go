package deadlines

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Viewer is how a reader takes part in a case, as far as deadlines go.
// The transports build it from cases.Access: those who manage the case see
// every deadline (All); the others the case-wide ones and those of the
// participants they act for.
type Viewer struct {
	All          bool
	Participants []int64
}

// Sees reports whether v may see d.
func (v Viewer) Sees(d Deadline) bool {
	return v.All || d.ParticipantID == 0 || slices.Contains(v.Participants, d.ParticipantID)
}

// Involved is one case a user takes part in and how, as the caller read it
// (cases.Service.Involvement): this package reads no case tables.
type Involved struct {
	CaseID int64
	Viewer Viewer
}

// MaxList bounds one list of deadlines; DefaultList is its usual size.
const (
	MaxList     = 1000
	DefaultList = 200
)

func listSize(n int) int {
	switch {
	case n <= 0:
		return DefaultList
	case n > MaxList:
		return MaxList
	}
	return n
}

// Lookup returns a deadline without a permission check, for system work
// such as the reminder job; never call it on behalf of a request.
func (s *Service) Lookup(ctx context.Context, id int64) (Deadline, error) {
	d, err := scan(s.db.Read().QueryRowContext(ctx, `SELECT `+columns+` FROM deadlines WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, errs.E(errs.NotFound, "no such deadline")
	}
	return d, err
}

// ForCase returns a page of the open deadlines of case caseID that v
// sees, soonest first (overdue ones lead). page.After is the ID of the
// last deadline of the previous page. The caller has checked that the
// reader may see the case.
func (s *Service) ForCase(ctx context.Context, caseID int64, v Viewer, page store.Page) ([]Deadline, error) {
	args := []any{caseID}
	where := []string{"case_id = $1", "status = 'open'"}
	if !v.All {
		cond := "participant_id = 0"
		if len(v.Participants) > 0 {
			cond += " OR participant_id IN (" + placeholders(len(args)+1, len(v.Participants)) + ")"
			for _, id := range v.Participants {
				args = append(args, id)
			}
		}
		where = append(where, "("+cond+")")
	}
	if page.After > 0 {
		args = append(args, page.After)
		n := "$" + itoa(int64(len(args)))
		where = append(where, "(due_at, id) > ((SELECT due_at FROM deadlines WHERE id = "+n+"), "+n+")")
	}
	args = append(args, page.Size())
	return scanAll(s.db.Read().QueryContext(ctx, `SELECT `+columns+` FROM deadlines WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at, id LIMIT $`+itoa(int64(len(args))), args...))
}

// ForUser returns the open deadlines of the cases in, as each case's
// Viewer sees them, soonest first, at most limit (DefaultList when 0,
// never more than MaxList).
func (s *Service) ForUser(ctx context.Context, in []Involved, limit int) ([]Deadline, error) {
	limit = listSize(limit)
	var whole, caseWide, own []int64
	for _, c := range in {
		if c.Viewer.All {
			whole = append(whole, c.CaseID)
			continue
		}
		caseWide = append(caseWide, c.CaseID)
		own = append(own, c.Viewer.Participants...)
	}
	found := map[int64]Deadline{}
	for _, q := range []struct {
		cond string
		ids  []int64
	}{
		{"case_id IN", whole},
		{"participant_id = 0 AND case_id IN", caseWide},
		{"participant_id IN", own},
	} {
		for _, ids := range chunks(q.ids, lookupRows) {
			args := make([]any, 0, len(ids)+1)
			for _, id := range ids {
				args = append(args, id)
			}
			args = append(args, limit)
			list, err := scanAll(s.db.Read().QueryContext(ctx, `SELECT `+columns+` FROM deadlines WHERE status = 'open' AND `+
				q.cond+` (`+placeholders(1, len(ids))+`) ORDER BY due_at, id LIMIT $`+itoa(int64(len(args))), args...))
			if err != nil {
				return nil, err
			}
			for _, d := range list {
				found[d.ID] = d
			}
		}
	}
	return soonest(found, limit), nil
}

// soonest orders found by due date and keeps the first limit.
func soonest(found map[int64]Deadline, limit int) []Deadline {
	out := make([]Deadline, 0, len(found))
	for _, d := range found {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b Deadline) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out[:min(len(out), limit)]
}
