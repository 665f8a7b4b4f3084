package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

// Role is what a participant does in a case.
type Role string

// The roles of participants. One participant can hold several.
const (
	RoleVendor      Role = "vendor"      // fixes the vulnerability; often a PSIRT
	RoleReporter    Role = "reporter"    // told others about it
	RoleCoordinator Role = "coordinator" // relays and brokers
	RoleDeployer    Role = "deployer"    // applies fixes; includes service providers
	RoleOther       Role = "other"       // users, integrators, governments, ISACs...
)

// AllRoles returns the roles in their canonical order.
func AllRoles() []Role {
	return []Role{RoleVendor, RoleReporter, RoleCoordinator, RoleDeployer, RoleOther}
}

// Roles is a set of roles, in canonical order without repeats.
type Roles []Role

// newRoles checks rs and returns them as a set; field names the input.
func newRoles(field string, rs []Role) (Roles, error) {
	var out Roles
	for _, r := range AllRoles() {
		for _, x := range rs {
			if x == r {
				out = append(out, r)
				break
			}
		}
	}
	for _, x := range rs {
		if !out.Has(x) {
			return nil, errs.Field(field, "has an unknown role %q: use vendor, reporter, coordinator, deployer or other", string(x))
		}
	}
	if len(out) == 0 {
		return nil, errs.Field(field, "name at least one role")
	}
	return out, nil
}

// parseRoles reads the stored comma list.
func parseRoles(s string) Roles {
	var out Roles
	for r := range strings.SplitSeq(s, ",") {
		if r != "" {
			out = append(out, Role(r))
		}
	}
	return out
}

// Has reports whether x is in the set.
func (r Roles) Has(x Role) bool {
	for _, y := range r {
		if y == x {
			return true
		}
	}
	return false
}

// String returns the set as a comma list, e.g. "vendor,reporter".
func (r Roles) String() string {
	parts := make([]string, len(r))
	for i, x := range r {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

// vfd reports whether a participant with these roles has its own V, F and
// D: vendors and deployers.
func (r Roles) vfd() bool { return r.Has(RoleVendor) || r.Has(RoleDeployer) }

// Participant is an organisation, or a person without one, taking part in
// a case, with its protocol states and the tracking of contact with it.
// Zero times mean "not yet".
type Participant struct {
	ID      int64
	CaseID  int64
	OrgID   int64  // 0 when the participant is a person
	UserID  int64  // 0 when the participant is an organisation
	Name    string // the organisation's or the person's name
	Roles   Roles
	RM      protocol.RMState
	Consent protocol.ConsentState
	// HasVFD is set for vendors and deployers, which have their own V, F
	// and D; VFD holds those bits (see protocol.CSState).
	HasVFD           bool
	VFD              protocol.CSState
	AddedAt          time.Time
	AddedBy          int64 // 0 when the system added it
	FirstContactAt   time.Time
	LastContactAt    time.Time
	ContactAttempts  int
	DeliveryFailures int
	FirstViewAt      time.Time
	FirstResponseAt  time.Time
	StatementAt      time.Time
	Version          int
	UpdatedAt        time.Time
	LastResponseAt   time.Time
	// EscalationStage is how far a silent vendor went along the case's
	// schedule (0 notified, 1 reminded, 2 alternate contacts, 3 flagged);
	// UnresponsiveAt is when it was flagged, zero when it is not.
	EscalationStage int
	UnresponsiveAt  time.Time
}

// NewParticipant names who joins a case: an organisation, or a person
// without one (an individual reporter), never both.
type NewParticipant struct {
	OrgID  int64
	UserID int64
	Roles  []Role
}

// MaxBulk bounds the participants one AddParticipants call adds.
const MaxBulk = 20000

// insertBatch is how many rows one statement writes or names. SQLite
// (modernc) looks up $N parameters in a list, in time quadratic in their
// number: 100 rows of 6 parameters was fastest for 10,000 participants.
const insertBatch = 100

// AddParticipants adds participants to a case in one transaction: all or
// none. Organisations or people already in the case, or named twice, are a
// conflict; unknown ones invalid, naming the entry. Vendors and deployers
// join in RM Start, reporters in Accepted (their earlier states are
// private), others in Start. If an embargo is proposed or in force, each
// newcomer is invited to it. Each vendor gets a JobVendorNotice.
func (s *Service) AddParticipants(ctx context.Context, p auth.Principal, caseID int64, list []NewParticipant) ([]Participant, error) {
	parts, err := checkNew(list)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := access(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := CanManage(p, a); err != nil {
			return err
		}
		return s.addParticipants(ctx, tx, now, p.Actor(), caseID, parts, false)
	})
	if err != nil {
		return nil, err
	}
	return parts, nil
}

// checkNew validates the request's shape and roles.
func checkNew(list []NewParticipant) ([]Participant, error) {
	switch {
	case len(list) == 0:
		return nil, errs.Field("participants", "name at least one participant")
	case len(list) > MaxBulk:
		return nil, errs.Field("participants", "add at most %d participants at once", MaxBulk)
	}
	parts := make([]Participant, len(list))
	for i, np := range list {
		field := fmt.Sprintf("participants[%d]", i)
		if (np.OrgID > 0) == (np.UserID > 0) || np.OrgID < 0 || np.UserID < 0 {
			return nil, errs.Field(field, "name an organisation (org_id) or a person (user_id), not both")
		}
		roles, err := newRoles(field+".roles", np.Roles)
		if err != nil {
			return nil, err
		}
		parts[i] = Participant{OrgID: np.OrgID, UserID: np.UserID, Roles: roles}
	}
	return parts, nil
}

// addParticipants adds parts (checked by checkNew) to case caseID in tx and
// fills in their names, states and IDs. lead makes them join in Accepted:
// the coordinator that opens the case has taken it on.
func (s *Service) addParticipants(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, caseID int64, parts []Participant, lead bool) error {
	cr, err := s.lockCase(ctx, tx, caseID)
	if err != nil {
		return err
	}
	if err := lookupNames(ctx, tx, parts); err != nil {
		return err
	}
	if err := checkDuplicates(ctx, tx, caseID, parts); err != nil {
		return err
	}
	msgs, err := joinStates(cr, parts, lead)
	if err != nil {
		return err
	}
	for i := range parts {
		parts[i].CaseID, parts[i].AddedAt, parts[i].AddedBy, parts[i].Version, parts[i].UpdatedAt = caseID, at, actor.ID, 1, at
	}
	if err := insertParticipants(ctx, tx, caseID, at, actor.ID, parts); err != nil {
		return err
	}
	added := make([]entry, 0, len(parts))
	var notices []jobs.Item
	for i, pt := range parts {
		e := entry{Participant: pt.ID, Name: pt.Name, OrgID: pt.OrgID, UserID: pt.UserID, Roles: pt.Roles.String(), To: pt.RM.String()}
		e.setMessage(msgs[i])
		added = append(added, e)
		if pt.Roles.Has(RoleVendor) {
			notices = append(notices, jobs.Item{Payload: VendorNotice{CaseID: caseID, ParticipantID: pt.ID},
				Options: jobs.Options{DedupeKey: fmt.Sprintf("%s:%d:%d", JobVendorNotice, caseID, pt.ID)}})
		}
	}
	if err := recordAll(ctx, tx, at, actor, "case.participant_added", caseID, added); err != nil {
		return err
	}
	return jobs.EnqueueAll(ctx, tx, at, JobVendorNotice, notices)
}

// joinStates gives each newcomer its protocol states through the model:
// added in Start (Accepted for a reporter) and, while an embargo is
// proposed or in force, invited to it. Each newcomer is checked in a model
// of the case without the other participants, which is exact: joining and
// being invited depend only on the newcomer and the case's EM state. It
// returns the message each newcomer's invitation carries (zero if none).
func joinStates(cr caseRow, parts []Participant, lead bool) ([]protocol.MessageType, error) {
	base, err := protocol.Restore(protocol.Snapshot{EM: cr.em, Global: cr.global})
	if err != nil {
		return nil, err
	}
	const id = "new"
	msgs := make([]protocol.MessageType, len(parts))
	for i := range parts {
		pt := &parts[i]
		rm := protocol.RMStart
		if lead || pt.Roles.Has(RoleReporter) {
			rm = protocol.RMAccepted
		}
		c, err := base.AddParticipant(id, rm, pt.Roles.vfd())
		if err != nil {
			return nil, err
		}
		if cr.em == protocol.EMProposed || cr.em.Active() {
			var changes []protocol.Change
			if c, changes, err = c.StepConsent(id, protocol.ConsentInvite); err != nil {
				return nil, stepError(err)
			}
			msgs[i] = changes[0].Message
		}
		state, _ := c.Participant(id)
		pt.RM, pt.Consent, pt.HasVFD = state.RM, state.Consent, state.Vendor
	}
	return msgs, nil
}

// lookupNames fills in the names of the organisations and people in parts,
// refusing unknown ones.
func lookupNames(ctx context.Context, tx *sql.Tx, parts []Participant) error {
	orgs, users := map[int64]string{}, map[int64]string{}
	var orgIDs, userIDs []int64
	for _, pt := range parts {
		if pt.OrgID != 0 {
			orgIDs = append(orgIDs, pt.OrgID)
		} else {
			userIDs = append(userIDs, pt.UserID)
		}
	}
	if err := names(ctx, tx, `SELECT id, name FROM organisations WHERE id IN `, orgIDs, orgs); err != nil {
		return err
	}
	if err := names(ctx, tx, `SELECT id, name FROM users WHERE id IN `, userIDs, users); err != nil {
		return err
	}
	for i := range parts {
		pt := &parts[i]
		var ok bool
		if pt.OrgID != 0 {
			if pt.Name, ok = orgs[pt.OrgID]; !ok {
				return errs.Field(fmt.Sprintf("participants[%d].org_id", i), "there is no organisation with ID %d", pt.OrgID)
			}
		} else if pt.Name, ok = users[pt.UserID]; !ok {
			return errs.Field(fmt.Sprintf("participants[%d].user_id", i), "there is no user with ID %d", pt.UserID)
		}
	}
	return nil
}

// names runs query (ending in "IN ") over ids in chunks and fills m with
// each row's id and name.
func names(ctx context.Context, tx *sql.Tx, query string, ids []int64, m map[int64]string) error {
	for _, chunk := range chunks(ids, insertBatch) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := tx.QueryContext(ctx, query+"("+placeholders(1, len(chunk))+")", args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			m[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// who identifies a participant by organisation or person.
type who struct{ org, user int64 }

// checkDuplicates refuses organisations and people named twice or already
// in the case.
func checkDuplicates(ctx context.Context, tx *sql.Tx, caseID int64, parts []Participant) error {
	seen := make(map[who]bool, len(parts))
	var orgIDs, userIDs []int64
	for i, pt := range parts {
		k := who{pt.OrgID, pt.UserID}
		if seen[k] {
			return &errs.Error{Kind: errs.Conflict, Field: whoField(i, pt), Message: pt.Name + " is listed twice"}
		}
		seen[k] = true
		if pt.OrgID != 0 {
			orgIDs = append(orgIDs, pt.OrgID)
		} else {
			userIDs = append(userIDs, pt.UserID)
		}
	}
	existing := map[who]bool{}
	for col, ids := range map[string][]int64{"org_id": orgIDs, "user_id": userIDs} {
		for _, chunk := range chunks(ids, insertBatch) {
			args := []any{caseID}
			for _, id := range chunk {
				args = append(args, id)
			}
			rows, err := tx.QueryContext(ctx, `SELECT COALESCE(org_id, 0), COALESCE(user_id, 0) FROM case_participants
				WHERE case_id = $1 AND `+col+` IN (`+placeholders(2, len(chunk))+`)`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k who
				if err := rows.Scan(&k.org, &k.user); err != nil {
					rows.Close()
					return err
				}
				existing[k] = true
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
	}
	for i, pt := range parts {
		if existing[who{pt.OrgID, pt.UserID}] {
			return &errs.Error{Kind: errs.Conflict, Field: whoField(i, pt), Message: pt.Name + " is already a participant in this case"}
		}
	}
	return nil
}

func whoField(i int, pt Participant) string {
	if pt.OrgID != 0 {
		return fmt.Sprintf("participants[%d].org_id", i)
	}
	return fmt.Sprintf("participants[%d].user_id", i)
}

// insertParticipants writes parts with multi-row INSERTs and sets their IDs.
func insertParticipants(ctx context.Context, tx *sql.Tx, caseID int64, at time.Time, addedBy int64, parts []Participant) error {
	for start := 0; start < len(parts); start += insertBatch {
		batch := parts[start:min(start+insertBatch, len(parts))]
		args := []any{caseID, at, nullID(addedBy)}
		var values strings.Builder
		index := make(map[who]int, len(batch))
		for i, pt := range batch {
			if i > 0 {
				values.WriteString(", ")
			}
			values.WriteString("($1, $2, $3, $2, $2, " + placeholders(len(args)+1, 6) + ")")
			args = append(args, nullID(pt.OrgID), nullID(pt.UserID), pt.Roles.String(), pt.RM.String(), consentText(pt.Consent), vfdText(pt.HasVFD, pt.VFD))
			index[who{pt.OrgID, pt.UserID}] = i
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO case_participants (case_id, added_at, added_by, updated_at, consent_at,
			org_id, user_id, roles, rm_state, consent_state, vfd_state) VALUES `+values.String()+` RETURNING id, COALESCE(org_id, 0), COALESCE(user_id, 0)`, args...)
		if err != nil {
			return fmt.Errorf("insert participants: %w", err)
		}
		for rows.Next() {
			var id int64
			var k who
			if err := rows.Scan(&id, &k.org, &k.user); err != nil {
				rows.Close()
				return err
			}
			batch[index[k]].ID = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
