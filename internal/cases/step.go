package cases

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

const maxReason = 2000

// StepRM applies RM event e (validate, invalidate, accept, defer, close) to
// a participant's report state. Closing while an embargo is in force needs
// override, a reason; receiving happens through SendReport.
func (s *Service) StepRM(ctx context.Context, p auth.Principal, caseID, participantID int64, e protocol.RMEvent, override string) (Participant, error) {
	if e > protocol.RMClose {
		return Participant{}, errs.Field("event", "must be one of the RM events r, v, i, a, d, c")
	}
	override = strings.TrimSpace(override)
	if utf8.RuneCountInString(override) > maxReason {
		return Participant{}, errs.Field("override", "must be at most %d characters long", maxReason)
	}
	var out Participant
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanStepRM(p, a, participantID); err != nil {
			return err
		}
		m, err := s.loadModel(ctx, tx, caseID, participantID)
		if err != nil {
			return err
		}
		_, err = m.step(ctx, tx, now, p.Actor(), override, func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.StepRM(pkey(participantID), e, override)
		})
		if err != nil {
			return err
		}
		out, err = getParticipant(ctx, tx, caseID, participantID)
		return err
	})
	return out, err
}

// SendReport records that participant from sent the report to participant
// to (RS): from must be in Accepted, to in Start, and while an embargo is
// in force to must have accepted it. to moves to Received.
func (s *Service) SendReport(ctx context.Context, p auth.Principal, caseID, from, to int64) (Participant, error) {
	if from == to {
		return Participant{}, errs.Field("to", "must be another participant than the sender")
	}
	var out Participant
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanManage(p, a); err != nil {
			return err
		}
		m, err := s.loadModel(ctx, tx, caseID, from, to)
		if err != nil {
			return err
		}
		_, err = m.step(ctx, tx, now, p.Actor(), "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.Submit(pkey(from), pkey(to))
		})
		if err != nil {
			return err
		}
		out, err = getParticipant(ctx, tx, caseID, to)
		return err
	})
	return out, err
}

// StepConsent applies a consent event: the coordinators invite a
// participant (again) to the terms; accepting or declining is an answer to
// the current terms (AnswerEmbargo).
func (s *Service) StepConsent(ctx context.Context, p auth.Principal, caseID, participantID int64, e protocol.ConsentEvent) (Participant, error) {
	if e != protocol.ConsentInvite && e != protocol.ConsentAccept && e != protocol.ConsentDecline {
		return Participant{}, errs.Field("event", "must be invite, accept or decline")
	}
	if e != protocol.ConsentInvite { // an answer to the terms: recorded as one
		if _, err := s.AnswerEmbargo(ctx, p, caseID, participantID, 0, e == protocol.ConsentAccept, ""); err != nil {
			return Participant{}, err
		}
		return s.participant(ctx, caseID, participantID)
	}
	var out Participant
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanStepConsent(p, a, participantID, e); err != nil {
			return err
		}
		m, err := s.loadModel(ctx, tx, caseID, participantID)
		if err != nil {
			return err
		}
		_, err = m.step(ctx, tx, now, p.Actor(), "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.StepConsent(pkey(participantID), e)
		})
		if err != nil {
			return err
		}
		out, err = getParticipant(ctx, tx, caseID, participantID)
		return err
	})
	return out, err
}

// RecordCS records CS event e as it happened. A vendor event (V, F, D)
// names in e.Vendor the participant ID (in decimal) of the vendor or
// deployer; a case-wide one (P, X, A) none. What e presupposes and what the
// model then forces is recorded too, in order (protocol.CaseState.Plan),
// each step journaled; the changes are returned. Recording an event that
// has happened already is a conflict.
func (s *Service) RecordCS(ctx context.Context, p auth.Principal, caseID int64, e protocol.CaseEvent) ([]protocol.Change, error) {
	vendor, err := checkCaseEvent(e)
	if err != nil {
		return nil, err
	}
	var out []protocol.Change
	err = s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanRecordCS(p, a, vendor, e.Event); err != nil {
			return err
		}
		var m *model
		var err error
		if vendor != 0 {
			m, err = s.loadVendors(ctx, tx, caseID, vendor)
		} else {
			m, err = s.loadModel(ctx, tx, caseID)
		}
		if err != nil {
			return err
		}
		if part := m.parts[vendor]; vendor != 0 && !part.roles.vfd() {
			return errs.Field("vendor", "%s is not a vendor or deployer in this case", part.name)
		}
		out, err = m.step(ctx, tx, now, p.Actor(), "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.Record(protocol.CaseEvent{Event: e.Event, Vendor: e.Vendor})
		})
		return err
	})
	return out, err
}

// checkCaseEvent checks e's shape and returns its vendor's participant ID.
func checkCaseEvent(e protocol.CaseEvent) (int64, error) {
	if e.Event > protocol.Attacks {
		return 0, errs.Field("event", "must be one of the CS events V, F, D, P, X, A")
	}
	if e.Event.CaseWide() {
		if e.Vendor != "" {
			return 0, errs.Field("vendor", "must be empty: %s belongs to the whole case", e.Event)
		}
		return 0, nil
	}
	id, err := strconv.ParseInt(e.Vendor, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field("vendor", "must name the vendor or deployer participant of %s", e.Event)
	}
	return id, nil
}

// change runs fn in one transaction with p's access to the case and the
// time of the change.
func (s *Service) change(ctx context.Context, p auth.Principal, caseID int64, fn func(tx *sql.Tx, a Access, now time.Time) error) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := access(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		return fn(tx, a, now)
	})
}

// aware records V for participant id if it is a vendor or deployer
// without it (with whatever the model then forces).
func (m *model) aware(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, id int64) error {
	sp := m.before.Participants[pkey(id)]
	if !sp.Vendor || sp.VFD.Has(protocol.VendorAware) {
		return nil
	}
	_, err := m.step(ctx, tx, at, actor, "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
		return c.Record(protocol.CaseEvent{Event: protocol.VendorAware, Vendor: pkey(id)})
	})
	return err
}

func checkChannel(channel string) (string, error) {
	channel = strings.TrimSpace(channel)
	if channel == "" || len(channel) > 50 || strings.ContainsAny(channel, "\r\n") {
		return "", errs.Field("channel", "must name how the participant was contacted, e.g. email")
	}
	return channel, nil
}

// MarkNotified records that participant participantID was told about the
// case at at through channel (the JobVendorNotice handler calls it after a
// delivery): one more contact attempt, the first and last contact times,
// and V for a vendor or deployer that lacked it. The system is the actor.
func (s *Service) MarkNotified(ctx context.Context, caseID, participantID int64, at time.Time, channel string) error {
	channel, err := checkChannel(channel)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.loadVendors(ctx, tx, caseID, participantID)
		if err != nil {
			return err
		}
		first, err := neverContacted(ctx, tx, caseID, participantID)
		if err != nil {
			return err
		}
		if err := contact(ctx, tx, now, caseID, participantID, at, false); err != nil {
			return err
		}
		if first && m.parts[participantID].roles.Has(RoleVendor) {
			d := deadlines.Deadline{CaseID: caseID, ParticipantID: participantID, Kind: deadlines.VendorResponse,
				DueAt: at.UTC().Add(VendorResponseWithin), Zone: "UTC"}
			if _, err := deadlines.Set(ctx, tx, now, d); err != nil {
				return err
			}
		}
		e := entry{Participant: participantID, Name: m.parts[participantID].name, Channel: channel}
		if err := record(ctx, tx, now, journal.System, "case.contacted", caseID, e); err != nil {
			return err
		}
		return m.aware(ctx, tx, now, journal.System, participantID)
	})
}

// MarkDeliveryFailed records a failed attempt to tell participant
// participantID about the case at at through channel: one more contact
// attempt and delivery failure. It changes no protocol state.
func (s *Service) MarkDeliveryFailed(ctx context.Context, caseID, participantID int64, at time.Time, channel, reason string) error {
	channel, err := checkChannel(channel)
	if err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > maxReason {
		reason = strings.ToValidUTF8(reason[:maxReason], "")
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		pt, err := getParticipant(ctx, tx, caseID, participantID)
		if err != nil {
			return err
		}
		if err := contact(ctx, tx, now, caseID, participantID, at, true); err != nil {
			return err
		}
		e := entry{Participant: participantID, Name: pt.Name, Channel: channel, Reason: reason}
		return record(ctx, tx, now, journal.System, "case.delivery_failed", caseID, e)
	})
}

// contact counts an attempt to reach a participant made at at.
func contact(ctx context.Context, tx *sql.Tx, now time.Time, caseID, id int64, at time.Time, failed bool) error {
	at = at.UTC().Truncate(time.Microsecond)
	failures := 0
	if failed {
		failures = 1
	}
	_, err := tx.ExecContext(ctx, `UPDATE case_participants SET contact_attempts = contact_attempts + 1,
		delivery_failures = delivery_failures + $1,
		first_contact_at = CASE WHEN first_contact_at IS NULL OR first_contact_at > $2 THEN $2 ELSE first_contact_at END,
		last_contact_at = CASE WHEN last_contact_at IS NULL OR last_contact_at < $2 THEN $2 ELSE last_contact_at END,
		version = version + 1, updated_at = $3 WHERE case_id = $4 AND id = $5`, failures, at, now, caseID, id)
	return err
}

// MarkViewed records that p looked at the case: the first time a member of
// a participant does, its first view time is set and, for a vendor or
// deployer, V recorded if it was missing. Later views write nothing.
func (s *Service) MarkViewed(ctx context.Context, p auth.Principal, caseID int64) error {
	a, err := access(ctx, s.db.Read(), p, caseID)
	if err != nil {
		return err
	}
	if err := CanView(p, a); err != nil || len(a.Participants) == 0 {
		return err
	}
	unseen, err := unviewed(ctx, s.db.Read(), caseID, a.Participants)
	if err != nil || len(unseen) == 0 {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		m, err := s.loadVendors(ctx, tx, caseID, unseen...)
		if err != nil {
			return err
		}
		for _, id := range unseen {
			res, err := tx.ExecContext(ctx, `UPDATE case_participants SET first_view_at = $1, version = version + 1, updated_at = $1
				WHERE case_id = $2 AND id = $3 AND first_view_at IS NULL`, now, caseID, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // someone else was first
			}
			if err := record(ctx, tx, now, p.Actor(), "case.viewed", caseID, entry{Participant: id, Name: m.parts[id].name}); err != nil {
				return err
			}
			if err := m.aware(ctx, tx, now, p.Actor(), id); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) participant(ctx context.Context, caseID, id int64) (Participant, error) {
	return getParticipant(ctx, s.db.Read(), caseID, id)
}

// neverContacted reports whether no contact with the participant has
// succeeded yet and it has not answered: the first notice starts its
// response clock.
func neverContacted(ctx context.Context, tx *sql.Tx, caseID, id int64) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT contact_attempts - delivery_failures FROM case_participants
		WHERE case_id = $1 AND id = $2 AND first_response_at IS NULL`, caseID, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n == 0, err
}
