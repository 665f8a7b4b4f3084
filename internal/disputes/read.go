package disputes

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// OpenFilter narrows Open.
type OpenFilter struct {
	Topic Topic // "" for any
	// Mine keeps the disputes the principal is a party to or mediates; for
	// anyone but administrators and staff that is every one they see.
	Mine bool
	Page store.Page
}

// Open returns a page of the open disputes across cases, oldest first:
// every one to administrators and staff, to others those they are a party
// to or mediate. Each comes with its parties' and mediator's names (no
// positions); Age tells how long it has been open.
func (s *Service) Open(ctx context.Context, p auth.Principal, f OpenFilter) ([]Detail, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	args := []any{f.Page.After}
	where := []string{"d.status = 'open'", "d.id > $1"}
	if f.Topic != "" {
		t, err := ParseTopic(string(f.Topic))
		if err != nil {
			return nil, err
		}
		args = append(args, string(t))
		where = append(where, "d.topic = $"+strconv.Itoa(len(args)))
	}
	if !staff(p) || f.Mine {
		cond, more := actsFor(p, len(args)+1)
		args = append(args, more...)
		where = append(where, `(d.mediator_participant IN (SELECT cp.id FROM case_participants cp WHERE `+cond+`)
			OR d.id IN (SELECT dp.dispute_id FROM dispute_parties dp JOIN case_participants cp ON cp.id = dp.participant_id WHERE `+cond+`))`)
	}
	args = append(args, f.Page.Size())
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `SELECT `+disputeColumns+disputeFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY d.id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	list, err := scanDisputes(rows)
	if err != nil {
		return nil, err
	}
	return s.summaries(ctx, q, p, list, nil)
}

// actsFor is the condition on case_participants cp that selects the rows p
// acts for (its organisations' and its own), with parameters from n.
func actsFor(p auth.Principal, n int) (string, []any) {
	args := []any{p.UserID}
	cond := "(cp.user_id = $" + strconv.Itoa(n)
	orgs := slices.Sorted(maps.Keys(p.Orgs))
	if len(orgs) > 0 {
		cond += " OR cp.org_id IN (" + placeholders(n+1, len(orgs)) + ")"
		for _, o := range orgs {
			args = append(args, o)
		}
	}
	return cond + ")", args
}

// List returns the disputes of case caseID that p sees, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal, caseID int64) ([]Detail, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `SELECT `+disputeColumns+disputeFrom+` WHERE d.case_id = $1 ORDER BY d.id DESC LIMIT $2`, caseID, store.MaxPageSize)
	if err != nil {
		return nil, err
	}
	list, err := scanDisputes(rows)
	if err != nil {
		return nil, err
	}
	return s.summaries(ctx, q, p, list, &a)
}

func scanDisputes(rows interface {
	Next() bool
	Scan(...any) error
	Close() error
	Err() error
}) ([]Dispute, error) {
	defer rows.Close()
	var out []Dispute
	for rows.Next() {
		d, err := scanDispute(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// summaries names the parties and mediators of list and keeps the
// disputes p sees. a is p's access to the one case of list, or nil to
// look it up per case.
func (s *Service) summaries(ctx context.Context, q store.Querier, p auth.Principal, list []Dispute, a *cases.Access) ([]Detail, error) {
	ids := make([]int64, len(list))
	for i, d := range list {
		ids[i] = d.ID
	}
	parties, err := partiesOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	access := map[int64]cases.Access{}
	out := []Detail{}
	for _, d := range list {
		acc, ok := access[d.CaseID]
		switch {
		case a != nil:
			acc = *a
		case !ok:
			acc, err = s.cases.Access(ctx, p, d.CaseID)
			if err != nil && !errs.Is(err, errs.NotFound) {
				return nil, err
			}
			access[d.CaseID] = acc
		}
		st := standing(acc, d, parties[d.ID])
		if CanSee(p, st) != nil {
			continue
		}
		det := Detail{Dispute: d, Standing: st}
		if err := det.name(ctx, q); err != nil {
			return nil, err
		}
		out = append(out, det)
	}
	return out, nil
}

// name fills in the names of the parties, the opener and the mediator.
func (det *Detail) name(ctx context.Context, q store.Querier) error {
	named, err := cases.ParticipantsIn(ctx, q, det.CaseID, append([]int64{det.Mediator, det.OpenedBy}, det.Standing.Parties...)...)
	if err != nil {
		return err
	}
	det.MediatorName, det.OpenerName = named[det.Mediator].Name, named[det.OpenedBy].Name
	if len(det.Parties) == 0 {
		for _, id := range det.Standing.Parties {
			det.Parties = append(det.Parties, Party{Participant: id})
		}
	}
	for i := range det.Parties {
		det.Parties[i].Name = named[det.Parties[i].Participant].Name
	}
	// The opener comes first, the others in order of ID.
	rank := func(pt Party) int {
		if pt.Participant == det.OpenedBy {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(det.Parties, func(a, b Party) int { return cmp.Compare(rank(a), rank(b)) })
	return nil
}

// Get returns dispute id of case caseID with what p may see of it: the
// parties with the positions p may read, the thread and the resolutions.
func (s *Service) Get(ctx context.Context, p auth.Principal, caseID, id int64) (Detail, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return Detail{}, err
	}
	q := s.db.Read()
	d, err := getDispute(ctx, q, caseID, id)
	if err != nil {
		return Detail{}, err
	}
	ids, err := partyIDs(ctx, q, id)
	if err != nil {
		return Detail{}, err
	}
	det := Detail{Dispute: d, Standing: standing(a, d, ids)}
	if err := CanSee(p, det.Standing); err != nil {
		return Detail{}, err
	}
	if det.Parties, err = positions(ctx, q, p, det.Standing, id); err != nil {
		return Detail{}, err
	}
	if err := det.name(ctx, q); err != nil {
		return Detail{}, err
	}
	if det.Messages, err = messages(ctx, q, id); err != nil {
		return Detail{}, err
	}
	if det.Resolutions, err = resolutions(ctx, q, id); err != nil {
		return Detail{}, err
	}
	det.nameAll()
	return det, nil
}

// nameAll names the authors of messages and answers from the parties'
// and the mediator's names.
func (det *Detail) nameAll() {
	names := map[int64]string{det.Mediator: det.MediatorName}
	for _, pt := range det.Parties {
		names[pt.Participant] = pt.Name
	}
	for i := range det.Messages {
		det.Messages[i].Name = names[det.Messages[i].Participant]
	}
	for i := range det.Resolutions {
		for j := range det.Resolutions[i].Answers {
			det.Resolutions[i].Answers[j].Name = names[det.Resolutions[i].Answers[j].Participant]
		}
	}
}

// Recipients returns dispute id and the participants its notices go to:
// the parties and the mediator. It is read without a principal, for the
// job that sends the notices, and never for a request.
func (s *Service) Recipients(ctx context.Context, id int64) (Dispute, []int64, error) {
	q := s.db.Read()
	d, err := scanDispute(q.QueryRowContext(ctx, `SELECT `+disputeColumns+disputeFrom+` WHERE d.id = $1`, id))
	if err != nil {
		return d, nil, err
	}
	ids, err := partyIDs(ctx, q, id)
	return d, unique(append(ids, d.Mediator)), err
}
