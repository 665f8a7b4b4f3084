package disputes

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// Position is a party's statement of its position.
type Position struct {
	As         int64 // the party; 0 for the one party the principal acts for
	Text       string
	Visibility Visibility
}

// StatePosition sets (or restates) a party's position in an open dispute.
func (s *Service) StatePosition(ctx context.Context, p auth.Principal, caseID, id int64, in Position) (Party, error) {
	text, err := checkText("text", in.Text, true)
	if err != nil {
		return Party{}, err
	}
	v, err := ParseVisibility(string(in.Visibility))
	if err != nil {
		return Party{}, err
	}
	var out Party
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		as, err := o.as(in.As)
		if err != nil {
			return err
		}
		if err := CanState(p, o.st, as); err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		if err := writePosition(ctx, o.tx, o.now, p, id, as, text, v); err != nil {
			return err
		}
		if err := o.touch(ctx); err != nil {
			return err
		}
		// The journal keeps every version of a position: restating one
		// overwrites the row.
		if err := o.journal(ctx, "dispute.position", map[string]any{"participant_id": as, "visibility": v, "text": text}); err != nil {
			return err
		}
		out = Party{Participant: as, Position: text, Visibility: v, By: p.Actor().Name, At: o.now}
		return o.notify(ctx, "position", as)
	})
	return out, err
}

// Post adds a message to the mediation thread of an open dispute, written
// by a party (As, or the one party the principal acts for) or, when the
// principal acts for no party, by the mediator.
func (s *Service) Post(ctx context.Context, p auth.Principal, caseID, id int64, as int64, body string) (Message, error) {
	body, err := checkText("body", body, true)
	if err != nil {
		return Message{}, err
	}
	var m Message
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanPost(p, o.st); err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		m = Message{DisputeID: id, Author: p.Actor().Name, Body: body, CreatedAt: o.now}
		if err := o.author(&m, as); err != nil {
			return err
		}
		err := o.tx.QueryRowContext(ctx, `INSERT INTO dispute_messages (dispute_id, author, author_user, participant_id, mediator, body, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, m.Author, nullID(p.UserID), nullID(m.Participant), m.Mediator, body, o.now).Scan(&m.ID)
		if err != nil {
			return err
		}
		if err := o.touch(ctx); err != nil {
			return err
		}
		if err := o.journal(ctx, "dispute.message", map[string]any{"message_id": m.ID, "participant_id": m.Participant}); err != nil {
			return err
		}
		return o.notify(ctx, "message", m.Participant)
	})
	return m, err
}

// author decides whom a message is written for: the party as or, without
// as, the one party other than the mediator that p acts for; the mediator
// when as names it or p acts for no other party.
func (o *op) author(m *Message, as int64) error {
	if as == 0 {
		var acted []int64
		for _, id := range o.st.PartiesActed() {
			if id != o.d.Mediator {
				acted = append(acted, id)
			}
		}
		switch len(acted) {
		case 0:
			as = o.d.Mediator
		case 1:
			as = acted[0]
		default:
			return errs.Field("as", "you act for several parties: name the one you write for")
		}
	}
	if as == o.d.Mediator {
		if err := CanMediate(o.p, o.st); err != nil {
			return err
		}
		m.Participant, m.Mediator = o.mediatorBy(), true
		return nil
	}
	if err := CanState(o.p, o.st, as); err != nil {
		return err
	}
	m.Participant = as
	return nil
}
