package disputes

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// NewDispute is what Create needs.
type NewDispute struct {
	Topic Topic
	Title string
	// As is the participant that opens the dispute: 0 for the one
	// participant the principal acts for. Those who manage the case may
	// name any participant (opening it on a party's behalf).
	As int64
	// With are the participants disputed with; empty means the mediator
	// (the coordinator) alone.
	With []int64
	// Position is the opener's position, optional; Visibility who reads it.
	Position   string
	Visibility Visibility
	// Until and Zone are the end an extension request asks for (see
	// ParseWhen); only for TopicExtension, and required there.
	Until string
	Zone  string
}

// newRow is a checked NewDispute.
type newRow struct {
	NewDispute
	until time.Time
	zone  string
}

func (nd NewDispute) check(now time.Time) (newRow, error) {
	r := newRow{NewDispute: nd}
	var err error
	if r.Topic, err = ParseTopic(string(nd.Topic)); err != nil {
		return r, err
	}
	if r.Title, err = checkTitle(nd.Title); err != nil {
		return r, err
	}
	if r.Position, err = checkText("position", nd.Position, false); err != nil {
		return r, err
	}
	if r.Visibility, err = ParseVisibility(string(nd.Visibility)); err != nil {
		return r, err
	}
	if r.Topic != TopicExtension {
		if nd.Until != "" || nd.Zone != "" {
			return r, errs.Field("until", "is only for extension requests (topic extension)")
		}
		return r, nil
	}
	r.until, r.zone, err = ParseWhen(nd.Until, nd.Zone, now)
	return r, err
}

// Create opens a dispute in case caseID: the opener and the participants
// it disputes with become its parties, and the case's mediator mediates
// it. A closed case takes no new disputes; a case without a coordinator
// has nobody to mediate.
func (s *Service) Create(ctx context.Context, p auth.Principal, caseID int64, nd NewDispute) (Dispute, error) {
	now := s.clock()
	r, err := nd.check(now)
	if err != nil {
		return Dispute{}, err
	}
	var d Dispute
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		as, err := opener(w.Access, r.As)
		if err != nil {
			return err
		}
		if err := CanOpen(p, w.Access, as); err != nil {
			return err
		}
		if w.Closed {
			return conflict("case %s is closed: it takes no new disputes", w.Case.Key)
		}
		mediator, err := mediatorOf(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if mediator == 0 {
			return conflict("case %s has no coordinator to mediate: add a coordinator participant first", w.Case.Key)
		}
		parties, names, err := chooseParties(ctx, tx, p, w, as, mediator, r.With)
		if err != nil {
			return err
		}
		d, err = insert(ctx, tx, now, p, w.Case, r, as, mediator, parties)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("%s opened by %s", label(d), names[as].Name)
		if d.Topic == TopicExtension {
			text += ", asking for " + whenWords(d.RequestedUntil, d.RequestedZone)
		}
		if err := note(ctx, tx, now, p.Actor(), d, parties, "dispute.opened", text); err != nil {
			return err
		}
		return enqueue(ctx, tx, now, Event{DisputeID: d.ID, CaseID: caseID, What: "opened", By: as})
	})
	return d, err
}

// opener is the participant a dispute is opened as.
func opener(a cases.Access, as int64) (int64, error) {
	switch {
	case as != 0:
		return as, nil
	case len(a.Participants) == 1:
		return a.Participants[0], nil
	case len(a.Participants) == 0:
		return 0, errs.Field("as", "name the participant that opens the dispute: you take part in the case as none")
	}
	return 0, errs.Field("as", "you act for several participants of the case: name the one that opens the dispute")
}

// chooseParties checks the opener and the participants it disputes with
// and returns the parties (the opener first) with their names. A
// participant the principal may not see is as unknown as one not in the
// case.
func chooseParties(ctx context.Context, tx *sql.Tx, p auth.Principal, w cases.Within, as, mediator int64, with []int64) ([]int64, map[int64]cases.Participant, error) {
	with = unique(with)
	if len(with) == 0 {
		with = []int64{mediator}
	}
	if len(with) > 50 {
		return nil, nil, errs.Field("with", "name at most 50 participants")
	}
	named, err := cases.ParticipantsIn(ctx, tx, w.Case.ID, append([]int64{as}, with...)...)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := named[as]; !ok {
		return nil, nil, errs.Field("as", "there is no participant %d in this case", as)
	}
	for _, id := range with {
		pt, ok := named[id]
		if !ok || !cases.SeesParticipant(p, w.Access, id, pt.Roles) {
			return nil, nil, errs.Field("with", "there is no participant %d in this case", id)
		}
		if id == as {
			return nil, nil, errs.Field("with", "name the participants you dispute with, not the one you open the dispute as")
		}
	}
	return append([]int64{as}, with...), named, nil
}

// insert writes the dispute and its parties.
func insert(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, c cases.Case, r newRow, as, mediator int64, parties []int64) (Dispute, error) {
	d := Dispute{CaseID: c.ID, CaseKey: c.Key, CaseTitle: c.Title, Topic: r.Topic, Title: r.Title, Status: StatusOpen,
		OpenedBy: as, OpenedByUser: p.UserID, Mediator: mediator, RequestedUntil: r.until, RequestedZone: r.zone,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	err := tx.QueryRowContext(ctx, `INSERT INTO disputes (case_id, topic, title, opened_by_participant, opened_by_user,
		mediator_participant, requested_until, requested_zone, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
		RETURNING id`, c.ID, string(d.Topic), d.Title, as, nullID(p.UserID), mediator, nullIfZero(r.until), r.zone, now).Scan(&d.ID)
	if err != nil {
		return d, err
	}
	for _, id := range parties {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dispute_parties (dispute_id, participant_id) VALUES ($1, $2)`, d.ID, id); err != nil {
			return d, err
		}
	}
	if r.Position == "" {
		return d, nil
	}
	return d, writePosition(ctx, tx, now, p, d.ID, as, r.Position, r.Visibility)
}

// writePosition sets a party's position.
func writePosition(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, id, party int64, text string, v Visibility) error {
	_, err := tx.ExecContext(ctx, `UPDATE dispute_parties SET position = $1, position_visibility = $2, position_by = $3, position_at = $4
		WHERE dispute_id = $5 AND participant_id = $6`, text, string(v), p.Actor().Name, now, id, party)
	return err
}
