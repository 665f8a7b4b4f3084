package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

// How the protocol states are stored:
//   - cases.em_state: the EM state's letter (N P A R X);
//   - cases.cs_global: the case-wide P, X and A in the six-letter form of
//     protocol.CSState.String (v, f and d always lower case, e.g. "vfdPxa");
//   - case_participants.rm_state: the RM state's letter (S R I V A D C);
//   - case_participants.consent_state: none, invited, signatory, declined,
//     lapsed;
//   - case_participants.vfd_state: a vendor's or deployer's own V, F and D
//     as three letters ("vfd" ... "VFD"), NULL for other participants.

func consentText(c protocol.ConsentState) string {
	switch c {
	case protocol.ConsentInvited:
		return "invited"
	case protocol.ConsentSignatory:
		return "signatory"
	case protocol.ConsentDeclined:
		return "declined"
	case protocol.ConsentLapsed:
		return "lapsed"
	}
	return "none"
}

func parseConsent(s string) (protocol.ConsentState, error) {
	for _, c := range []protocol.ConsentState{protocol.ConsentNone, protocol.ConsentInvited, protocol.ConsentSignatory,
		protocol.ConsentDeclined, protocol.ConsentLapsed} {
		if consentText(c) == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown consent state %q", s)
}

func vfdText(has bool, vfd protocol.CSState) sql.NullString {
	if !has {
		return sql.NullString{}
	}
	return sql.NullString{String: vfd.String()[:3], Valid: true}
}

func parseVFD(s sql.NullString) (bool, protocol.CSState, error) {
	if !s.Valid {
		return false, 0, nil
	}
	st, err := protocol.ParseCSState(s.String + "pxa")
	return true, st, err
}

// caseRow is the protocol part of a case's row.
type caseRow struct {
	em     protocol.EMState
	global protocol.CSState
}

// lockCase reads case id's states and, on PostgreSQL, locks its row until
// tx ends, so that changes to one case take turns.
func (s *Service) lockCase(ctx context.Context, tx *sql.Tx, id int64) (caseRow, error) {
	var em, global string
	err := tx.QueryRowContext(ctx, `SELECT em_state, cs_global FROM cases WHERE id = $1`+s.forUpdate(), id).Scan(&em, &global)
	if errors.Is(err, sql.ErrNoRows) {
		return caseRow{}, notFound()
	}
	if err != nil {
		return caseRow{}, err
	}
	var cr caseRow
	if cr.em, err = protocol.ParseEMState(em); err != nil {
		return cr, err
	}
	cr.global, err = protocol.ParseCSState(global)
	return cr, err
}

// model is a case's protocol model as restored from its rows, with what
// the journal needs to name the participants.
type model struct {
	caseID int64
	before protocol.Snapshot // as stored
	c      protocol.Case
	parts  map[int64]partInfo
	// silence is how long an embargo invitation may go unanswered: when
	// an answer is due.
	silence time.Duration
}

type partInfo struct {
	name  string
	roles Roles
}

// pkey is a participant's ID in the model: its row ID in decimal.
func pkey(id int64) string { return strconv.FormatInt(id, 10) }

func parsePkey(k string) int64 {
	id, _ := strconv.ParseInt(k, 10, 64)
	return id
}

// loadModel locks case caseID and restores its model with all its
// participants or, if only is not empty, with just those (enough for steps
// that concern one participant and the EM state: RM, consent, submission).
func (s *Service) loadModel(ctx context.Context, tx *sql.Tx, caseID int64, only ...int64) (*model, error) {
	cr, err := s.lockCase(ctx, tx, caseID)
	if err != nil {
		return nil, err
	}
	m := &model{caseID: caseID, parts: map[int64]partInfo{}, silence: s.cfg.SilenceAfter,
		before: protocol.Snapshot{EM: cr.em, Global: cr.global, Participants: map[string]protocol.StoredParticipant{}}}
	query := `SELECT p.id, COALESCE(o.name, u.name, ''), p.roles, p.rm_state, p.consent_state, p.vfd_state
		FROM case_participants p LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id
		WHERE p.case_id = $1`
	args := []any{caseID}
	if len(only) > 0 {
		query += ` AND p.id IN (` + placeholders(2, len(only)) + `)`
		for _, id := range only {
			args = append(args, id)
		}
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		if err := m.scan(rows); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range only {
		if _, ok := m.parts[id]; !ok {
			return nil, errs.E(errs.NotFound, "no participant %d in this case", id)
		}
	}
	if m.c, err = protocol.Restore(m.before); err != nil {
		return nil, fmt.Errorf("case %d: %w", caseID, err)
	}
	return m, nil
}

// loadVendors restores what vendor events (V, F, D) of the participants
// ids need: those participants alone, unless P or X holds, when the model
// may force V on every vendor (protocol.CaseState.Owed) and all are loaded.
func (s *Service) loadVendors(ctx context.Context, tx *sql.Tx, caseID int64, ids ...int64) (*model, error) {
	m, err := s.loadModel(ctx, tx, caseID, ids...)
	if err != nil || !m.before.Global.Has(protocol.PublicAware) && !m.before.Global.Has(protocol.ExploitPublic) {
		return m, err
	}
	return s.loadModel(ctx, tx, caseID)
}

func (m *model) scan(rows *sql.Rows) error {
	var id int64
	var name, roles, rm, consent string
	var vfd sql.NullString
	if err := rows.Scan(&id, &name, &roles, &rm, &consent, &vfd); err != nil {
		return err
	}
	var sp protocol.StoredParticipant
	var err error
	if sp.RM, err = protocol.ParseRMState(rm); err != nil {
		return err
	}
	if sp.Consent, err = parseConsent(consent); err != nil {
		return err
	}
	if sp.Vendor, sp.VFD, err = parseVFD(vfd); err != nil {
		return err
	}
	m.before.Participants[pkey(id)] = sp
	m.parts[id] = partInfo{name: name, roles: parseRoles(roles)}
	return nil
}

// participantStates groups rows by the states they are to be given.
type participantStates struct {
	rm, consent string
	vfd         sql.NullString
}

// save writes back the rows whose states differ between the model as
// stored and next, and makes next the stored state.
func (m *model) save(ctx context.Context, tx *sql.Tx, at time.Time, next protocol.Case) error {
	after := next.Snapshot()
	if after.EM != m.before.EM || after.Global != m.before.Global {
		_, err := tx.ExecContext(ctx, `UPDATE cases SET em_state = $1, cs_global = $2, version = version + 1, updated_at = $3 WHERE id = $4`,
			after.EM.String(), after.Global.String(), at, m.caseID)
		if err != nil {
			return err
		}
	}
	groups := map[participantStates][]int64{}
	for k, sp := range after.Participants {
		if m.before.Participants[k] == sp {
			continue
		}
		st := participantStates{sp.RM.String(), consentText(sp.Consent), vfdText(sp.Vendor, sp.VFD)}
		groups[st] = append(groups[st], parsePkey(k))
	}
	for st, ids := range groups {
		slices.Sort(ids)
		for _, chunk := range chunks(ids, insertBatch) {
			args := []any{st.rm, st.consent, st.vfd, at, m.caseID}
			for _, id := range chunk {
				args = append(args, id)
			}
			_, err := tx.ExecContext(ctx, `UPDATE case_participants SET rm_state = $1,
				consent_at = CASE WHEN consent_state = $2 THEN consent_at ELSE $4 END, consent_state = $2, vfd_state = $3,
				version = version + 1, updated_at = $4 WHERE case_id = $5 AND id IN (`+placeholders(6, len(chunk))+`)`, args...)
			if err != nil {
				return err
			}
		}
	}
	m.before, m.c = after, next
	return nil
}

// journal appends an entry for each change: one per RM, CS and EM change
// and per consent change of a participant's own; the consent changes an EM
// change causes are counted in its entry. reason goes with a requested RM
// change (the override of closing during an embargo). An EM entry counts
// the participants by the consent state the EM change left them in.
func (m *model) journal(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, changes []protocol.Change, reason string) error {
	var entries []entry
	consent := map[int]map[string]string{} // per EM entry: participant -> consent after it
	for _, ch := range changes {
		if n := len(entries); ch.Machine == protocol.Consent && ch.Implied && n > 0 && entries[n-1].Machine == string(protocol.EM) {
			if consent[n-1] == nil {
				consent[n-1] = map[string]string{}
			}
			consent[n-1][ch.Participant] = ch.To
			continue
		}
		e := entry{Machine: string(ch.Machine), From: ch.From, Event: ch.Event, To: ch.To, Implied: ch.Implied}
		e.setMessage(ch.Message)
		if ch.Participant != "" {
			e.Participant = parsePkey(ch.Participant)
			e.Name = m.parts[e.Participant].name
		}
		if ch.Machine == protocol.RM && !ch.Implied {
			e.Reason = reason
		}
		entries = append(entries, e)
	}
	for i, e := range entries {
		for _, to := range consent[i] {
			if e.Consent == nil {
				e.Consent = map[string]int{}
			}
			e.Consent[to]++
		}
		if err := record(ctx, tx, at, actor, "case."+strings.ToLower(e.Machine), m.caseID, e); err != nil {
			return err
		}
	}
	return markResponses(ctx, tx, at, m.caseID, changes)
}

// markResponses sets first_response_at for the participants that answered
// in changes: a judgement of the report (valid, invalid, accept, defer),
// an answer to an embargo invitation, or a fix ready or deployed, whoever
// recorded it. Receiving, closing and becoming aware are no answers.
func markResponses(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64, changes []protocol.Change) error {
	for _, ch := range changes {
		if ch.Participant == "" || ch.Implied || !isResponse(ch) {
			continue
		}
		// Any answer clears the unresponsive flag; the schedule's reminders
		// stay taken.
		_, err := tx.ExecContext(ctx, `UPDATE case_participants SET first_response_at = COALESCE(first_response_at, $1),
			last_response_at = $1, unresponsive_at = NULL,
			escalation_stage = CASE WHEN escalation_stage = 3 THEN 2 ELSE escalation_stage END
			WHERE case_id = $2 AND id = $3`, at, caseID, parsePkey(ch.Participant))
		if err != nil {
			return err
		}
		if _, err := deadlines.Meet(ctx, tx, at, caseID, parsePkey(ch.Participant), deadlines.VendorResponse); err != nil {
			return err
		}
	}
	return nil
}

func isResponse(ch protocol.Change) bool {
	switch ch.Machine {
	case protocol.RM:
		return ch.Event != protocol.RMReceive.String() && ch.Event != protocol.RMClose.String()
	case protocol.Consent:
		return ch.Event == protocol.ConsentAccept.String() || ch.Event == protocol.ConsentDecline.String()
	case protocol.CS:
		return ch.Event == protocol.FixReady.String() || ch.Event == protocol.FixDeployed.String()
	}
	return false
}

// step runs op on m inside tx: the model's rules decide, the differing
// rows are written back and every change is journaled.
func (m *model) step(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, reason string,
	op func(protocol.Case) (protocol.Case, []protocol.Change, error)) ([]protocol.Change, error) {
	next, changes, err := op(m.c)
	if err != nil {
		return nil, stepError(err)
	}
	if err := m.save(ctx, tx, at, next); err != nil {
		return nil, err
	}
	if err := settle(ctx, tx, at, m.caseID, changes); err != nil {
		return nil, err
	}
	if err := announce(ctx, tx, at, m.caseID, changes, next.EM()); err != nil {
		return nil, err
	}
	if err := oblige(ctx, tx, at, m.caseID, changes, m.silence); err != nil {
		return nil, err
	}
	return changes, m.journal(ctx, tx, at, actor, changes, reason)
}
