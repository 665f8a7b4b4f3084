package status

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Filter narrows List.
type Filter struct {
	Vendor        int64    // a vendor participant; 0 for any
	Vulnerability int64    // a vulnerability of the case; 0 for any
	Status        Status   // "" for any
	Approval      Approval // "" for any
	Page          store.Page
}

// List returns a page of the statements of case caseID that p may read
// (CanRead), in order of ID.
func (s *Service) List(ctx context.Context, p auth.Principal, caseID int64, f Filter) ([]Statement, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	where, args, err := f.where(caseID)
	if err != nil {
		return nil, err
	}
	where, args = readable(p, a, where, args)
	args = append(args, f.Page.After, f.Page.Size())
	n := len(args)
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+statementColumns+statementFrom+` WHERE `+strings.Join(where, " AND ")+
		` AND s.id > $`+strconv.Itoa(n-1)+` ORDER BY s.id LIMIT $`+strconv.Itoa(n), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			return nil, err
		}
		if CanRead(p, a, st.Participant, st.Shared) {
			out = append(out, st)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.name(ctx, s.db.Read(), caseID, out)
}

// where is the filter as SQL conditions on vendor_statements s.
func (f Filter) where(caseID int64) ([]string, []any, error) {
	where, args := []string{"s.case_id = $1"}, []any{caseID}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if f.Vendor != 0 {
		add("s.participant_id =", f.Vendor)
	}
	if f.Vulnerability != 0 {
		add("s.vulnerability_id =", f.Vulnerability)
	}
	if f.Status != "" {
		st, err := ParseStatus(string(f.Status))
		if err != nil {
			return nil, nil, err
		}
		add("s.status =", string(st))
	}
	switch f.Approval {
	case "":
	case Draft:
		where = append(where, "s.approved_at IS NULL")
	case Approved:
		where = append(where, "s.approved_at IS NOT NULL")
	default:
		return nil, nil, errs.Field("approval", "must be draft or approved")
	}
	return where, args, nil
}

// readable narrows where to the statements p may read: all of them for
// those who manage the case, else the own vendors' and, unless the
// embargo restricts p, the shared ones (CanRead as SQL).
func readable(p auth.Principal, a cases.Access, where []string, args []any) ([]string, []any) {
	if cases.Manages(p, a) {
		return where, args
	}
	own := "s.participant_id IN (" + placeholders(len(args)+1, len(a.Participants)) + ")"
	for _, id := range a.Participants {
		args = append(args, id)
	}
	if len(a.Participants) == 0 {
		own = "1 = 0"
	}
	if a.Restricted || len(a.Participants) == 0 {
		return append(where, own), args
	}
	args = append(args, true)
	return append(where, "("+own+" OR s.shared = $"+strconv.Itoa(len(args))+")"), args
}

// Get returns statement id of case caseID, if p may read it.
func (s *Service) Get(ctx context.Context, p auth.Principal, caseID, id int64) (Statement, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return Statement{}, err
	}
	st, err := getStatement(ctx, s.db.Read(), caseID, id)
	if err != nil {
		return Statement{}, err
	}
	if !CanRead(p, a, st.Participant, st.Shared) {
		return Statement{}, notFound()
	}
	list := []Statement{st}
	err = s.name(ctx, s.db.Read(), caseID, list)
	return list[0], err
}

// Vendors returns the vendor participants of case caseID whose statements
// p reads, by name: what a list may be narrowed to.
func (s *Service) Vendors(ctx context.Context, p auth.Principal, caseID int64) ([]cases.Participant, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	where, args := readable(p, a, []string{"s.case_id = $1"}, []any{caseID})
	rows, err := s.db.Read().QueryContext(ctx, `SELECT DISTINCT s.participant_id FROM vendor_statements s WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return nil, err
	}
	return participants(ctx, s.db.Read(), caseID, ids)
}

// Mine returns the vendor participants of case caseID that p states the
// status of (CanState), by name: whom a form offers.
func (s *Service) Mine(ctx context.Context, p auth.Principal, caseID int64) ([]cases.Participant, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil || len(a.Participants) == 0 {
		return nil, err
	}
	all, err := participants(ctx, s.db.Read(), caseID, a.Participants)
	var out []cases.Participant
	for _, pt := range all {
		if CanState(p, a, pt.ID, pt.Roles) == nil {
			out = append(out, pt)
		}
	}
	return out, err
}

// participants reads participants ids of the case, by name.
func participants(ctx context.Context, q store.Querier, caseID int64, ids []int64) ([]cases.Participant, error) {
	named, err := cases.ParticipantsIn(ctx, q, caseID, ids...)
	if err != nil {
		return nil, err
	}
	out := make([]cases.Participant, 0, len(named))
	for _, pt := range named {
		out = append(out, pt)
	}
	slices.SortFunc(out, func(a, b cases.Participant) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// name fills in the vendors' names of list.
func (s *Service) name(ctx context.Context, q store.Querier, caseID int64, list []Statement) error {
	var ids []int64
	for _, st := range list {
		if !slices.Contains(ids, st.Participant) {
			ids = append(ids, st.Participant)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	named, err := cases.ParticipantsIn(ctx, q, caseID, ids...)
	for i := range list {
		list[i].Vendor = named[list[i].Participant].Name
	}
	return err
}

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}
