package org

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// VendorList is a saved, reusable set of organisations (and of other
// lists) that coordinators add to a case at once.
type VendorList struct {
	ID          int64
	Name        string
	Description string
	Orgs        []Org        // the organisations named directly, by name
	Sublists    []VendorList // the lists nested in it (without their entries)
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// ListFields are what a list is made of: orgs and sublists by ID.
type ListFields struct {
	Name        string
	Description string
	Orgs        []int64
	Sublists    []int64
}

// MaxListEntries bounds a list's own entries; nesting reaches further.
const MaxListEntries = 20000

// CanUseLists: administrators and coordinator staff keep vendor lists.
func CanUseLists(p auth.Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if !p.Admin && !p.Staff {
		return errs.E(errs.Forbidden, "vendor lists are for coordinator staff")
	}
	return nil
}

func (f ListFields) check() (ListFields, error) {
	f.Name, f.Description = strings.TrimSpace(f.Name), strings.TrimSpace(f.Description)
	switch {
	case f.Name == "" || utf8.RuneCountInString(f.Name) > 200:
		return f, errs.Field("name", "is required and at most 200 characters long")
	case utf8.RuneCountInString(f.Description) > 2000:
		return f, errs.Field("description", "must be at most 2000 characters long")
	case len(f.Orgs)+len(f.Sublists) > MaxListEntries:
		return f, errs.Field("orgs", "a list holds at most %d entries; nest lists for more", MaxListEntries)
	}
	slices.Sort(f.Orgs)
	slices.Sort(f.Sublists)
	f.Orgs, f.Sublists = slices.Compact(f.Orgs), slices.Compact(f.Sublists)
	return f, nil
}

// SaveList creates a list (id 0) or replaces a list's name and entries
// (version: the version read). Nesting a list that contains this one,
// however deep, is refused.
func (s *Service) SaveList(ctx context.Context, p auth.Principal, id int64, version int, f ListFields) (VendorList, error) {
	if err := CanUseLists(p); err != nil {
		return VendorList{}, err
	}
	if err := auth.Writable(p); err != nil {
		return VendorList{}, err
	}
	f, err := f.check()
	if err != nil {
		return VendorList{}, err
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if id, err = saveListRow(ctx, tx, now, p, id, version, f); err != nil {
			return err
		}
		if err := checkEntries(ctx, tx, id, f); err != nil {
			return err
		}
		if err := writeEntries(ctx, tx, id, f); err != nil {
			return err
		}
		_, err := journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "vendor_list.saved", ObjectType: "vendor_list",
			ObjectID: itoa(int(id)), Data: map[string]any{"name": f.Name, "orgs": len(f.Orgs), "sublists": f.Sublists}})
		return err
	})
	if err != nil {
		return VendorList{}, err
	}
	return s.List1(ctx, p, id)
}

func saveListRow(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, id int64, version int, f ListFields) (int64, error) {
	var other int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM vendor_lists WHERE name_key = $1`, nameKey(f.Name)).Scan(&other)
	if err == nil && other != id {
		return 0, &errs.Error{Kind: errs.Conflict, Field: "name", Message: "a vendor list with this name exists already"}
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if id == 0 {
		err = tx.QueryRowContext(ctx, `INSERT INTO vendor_lists (name, name_key, description, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, f.Name, nameKey(f.Name), f.Description, nullUser(p.UserID), now).Scan(&id)
		return id, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE vendor_lists SET name = $1, name_key = $2, description = $3, version = version + 1, updated_at = $4
		WHERE id = $5 AND version = $6`, f.Name, nameKey(f.Name), f.Description, now, id, version)
	if n, err := rowsAffected(res, err); err != nil || n == 0 {
		if err == nil {
			err = staleOrMissing(ctx, tx, id)
		}
		return 0, err
	}
	return id, nil
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func staleOrMissing(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM vendor_lists WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.NotFound, "no such vendor list")
	}
	return errs.E(errs.Conflict, "the vendor list changed meanwhile: reload and try again")
}

// checkEntries refuses unknown organisations and lists, and a sublist
// from which list id can be reached (a cycle).
func checkEntries(ctx context.Context, tx *sql.Tx, id int64, f ListFields) error {
	for _, table := range []struct {
		ids   []int64
		query string
		field string
	}{{f.Orgs, `SELECT COUNT(*) FROM organisations WHERE id IN (`, "orgs"}, {f.Sublists, `SELECT COUNT(*) FROM vendor_lists WHERE id IN (`, "sublists"}} {
		for _, chunk := range chunked(table.ids, 500) {
			var n int
			if err := tx.QueryRowContext(ctx, table.query+placeholders(1, len(chunk))+`)`, anys(chunk)...).Scan(&n); err != nil {
				return err
			}
			if n != len(chunk) {
				return errs.Field(table.field, "names an unknown entry")
			}
		}
	}
	for _, sub := range f.Sublists {
		reach, err := reachable(ctx, tx, sub)
		if err != nil {
			return err
		}
		if sub == id || slices.Contains(reach, id) {
			return errs.Field("sublists", "would nest the list in itself")
		}
	}
	return nil
}

// reachable returns the lists nested in list id, however deep.
func reachable(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	seen := map[int64]bool{id: true}
	frontier, out := []int64{id}, []int64{}
	for len(frontier) > 0 {
		rows, err := q.QueryContext(ctx, `SELECT sublist_id FROM vendor_list_entries WHERE sublist_id IS NOT NULL AND list_id IN (`+
			placeholders(1, len(frontier))+`)`, anys(frontier)...)
		if err != nil {
			return nil, err
		}
		frontier = frontier[:0]
		for rows.Next() {
			var sub int64
			if err := rows.Scan(&sub); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[sub] {
				seen[sub] = true
				frontier, out = append(frontier, sub), append(out, sub)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func writeEntries(ctx context.Context, tx *sql.Tx, id int64, f ListFields) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM vendor_list_entries WHERE list_id = $1`, id); err != nil {
		return err
	}
	for _, set := range []struct {
		ids    []int64
		column string
	}{{f.Orgs, "org_id"}, {f.Sublists, "sublist_id"}} {
		for _, chunk := range chunked(set.ids, 100) {
			values := make([]string, len(chunk))
			args := []any{id}
			for i, x := range chunk {
				values[i] = "($1, $" + itoa(i+2) + ")"
				args = append(args, x)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO vendor_list_entries (list_id, `+set.column+`) VALUES `+strings.Join(values, ", "), args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// List1 returns one list with its direct entries.
func (s *Service) List1(ctx context.Context, p auth.Principal, id int64) (VendorList, error) {
	if err := CanUseLists(p); err != nil {
		return VendorList{}, err
	}
	q := s.db.Read()
	l, err := scanList(q.QueryRowContext(ctx, `SELECT id, name, description, version, created_at, updated_at FROM vendor_lists WHERE id = $1`, id))
	if err != nil {
		return l, err
	}
	rows, err := q.QueryContext(ctx, `SELECT `+prefixed("o.")+` FROM vendor_list_entries e JOIN organisations o ON o.id = e.org_id
		WHERE e.list_id = $1 ORDER BY o.name_key`, id)
	if err != nil {
		return l, err
	}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			rows.Close()
			return l, err
		}
		l.Orgs = append(l.Orgs, o)
	}
	rows.Close()
	if l.Sublists, err = lists(ctx, q, `SELECT v.id, v.name, v.description, v.version, v.created_at, v.updated_at
		FROM vendor_list_entries e JOIN vendor_lists v ON v.id = e.sublist_id WHERE e.list_id = $1 ORDER BY v.name_key`, id); err != nil {
		return l, err
	}
	return l, nil
}

// Lists returns every vendor list, by name, without entries.
func (s *Service) Lists(ctx context.Context, p auth.Principal) ([]VendorList, error) {
	if err := CanUseLists(p); err != nil {
		return nil, err
	}
	return lists(ctx, s.db.Read(), `SELECT id, name, description, version, created_at, updated_at FROM vendor_lists ORDER BY name_key`)
}

func lists(ctx context.Context, q store.Querier, query string, args ...any) ([]VendorList, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []VendorList{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func scanList(row interface{ Scan(...any) error }) (VendorList, error) {
	var l VendorList
	err := row.Scan(&l.ID, &l.Name, &l.Description, &l.Version, &l.CreatedAt, &l.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, errs.E(errs.NotFound, "no such vendor list")
	}
	l.CreatedAt, l.UpdatedAt = l.CreatedAt.UTC(), l.UpdatedAt.UTC()
	return l, err
}

// Expand returns the IDs of every organisation in list id and the lists
// nested in it, each once.
func (s *Service) Expand(ctx context.Context, p auth.Principal, id int64) ([]int64, error) {
	if err := CanUseLists(p); err != nil {
		return nil, err
	}
	q := s.db.Read()
	if _, err := scanList(q.QueryRowContext(ctx, `SELECT id, name, description, version, created_at, updated_at FROM vendor_lists WHERE id = $1`, id)); err != nil {
		return nil, err
	}
	all, err := reachable(ctx, q, id)
	if err != nil {
		return nil, err
	}
	all = append(all, id)
	seen := map[int64]bool{}
	var out []int64
	for _, chunk := range chunked(all, 500) {
		rows, err := q.QueryContext(ctx, `SELECT org_id FROM vendor_list_entries WHERE org_id IS NOT NULL AND list_id IN (`+
			placeholders(1, len(chunk))+`)`, anys(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var o int64
			if err := rows.Scan(&o); err != nil {
				rows.Close()
				return nil, err
			}
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return out, nil
}

// DeleteList removes a list; lists nesting it lose that entry.
func (s *Service) DeleteList(ctx context.Context, p auth.Principal, id int64) error {
	if err := CanUseLists(p); err != nil {
		return err
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM vendor_lists WHERE id = $1`, id)
		if n, _ := rowsAffected(res, err); err == nil && n == 0 {
			return errs.E(errs.NotFound, "no such vendor list")
		}
		if err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "vendor_list.deleted", ObjectType: "vendor_list", ObjectID: itoa(int(id))})
		return err
	})
}

func nullUser(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "$" + itoa(from+i)
	}
	return strings.Join(parts, ", ")
}

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func chunked(ids []int64, size int) [][]int64 {
	var out [][]int64
	for len(ids) > size {
		out, ids = append(out, ids[:size]), ids[size:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
