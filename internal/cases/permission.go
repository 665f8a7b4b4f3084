package cases

import (
	"context"
	"maps"
	"slices"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Permission checks are pure functions of the principal and its Access to
// a case, so that they can be tested as tables and read in one place.

// Access is how a principal takes part in one case.
type Access struct {
	// Participants are the case's participants the principal acts for: its
	// organisations' and its own as a person.
	Participants []int64
	// Coordinator is set when one of them holds the coordinator role.
	Coordinator bool
	// Restricted is set while an embargo is in force that none of them has
	// accepted (nor been shown the details by the coordinators): they see
	// the case's summary and the embargo, not its details.
	Restricted bool
}

// Acts reports whether the principal acts for participant id.
func (a Access) Acts(id int64) bool { return slices.Contains(a.Participants, id) }

func staff(p auth.Principal) bool { return p.Admin || p.Staff }

// manages reports whether p manages the case: administrators, coordinator
// staff and members of the case's coordinator participants.
func manages(p auth.Principal, a Access) bool { return staff(p) || a.Coordinator }

func notFound() error { return errs.E(errs.NotFound, "no such case") }

// CanCreate: administrators and coordinator staff open cases.
func CanCreate(p auth.Principal) error {
	if err := auth.Writable(p); err != nil {
		return err
	}
	if !staff(p) {
		return errs.E(errs.Forbidden, "only coordinator staff and administrators open cases")
	}
	return nil
}

// CanView: administrators and staff see every case, others the cases they
// take part in. To anyone else a case does not exist (not found, never
// forbidden, so that its existence is not revealed).
func CanView(p auth.Principal, a Access) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if staff(p) || len(a.Participants) > 0 {
		return nil
	}
	return notFound()
}

// canChange is CanView followed by the write check every change makes.
func canChange(p auth.Principal, a Access) error {
	if err := CanView(p, a); err != nil {
		return err
	}
	return auth.Writable(p)
}

// CanManage: administrators, staff and the case's coordinators change the
// case as a whole: its vulnerabilities, participants, embargo and
// case-wide events.
func CanManage(p auth.Principal, a Access) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if !manages(p, a) {
		return errs.E(errs.Forbidden, "only the case's coordinators change this")
	}
	return nil
}

// CanStepRM: those who manage the case step any participant's report
// state; a participant's members step their own.
func CanStepRM(p auth.Principal, a Access, participant int64) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if !manages(p, a) && !a.Acts(participant) {
		return errs.E(errs.Forbidden, "you change only your own participant's report state")
	}
	return nil
}

// CanStepConsent: those who manage the case invite, accept and decline for
// any participant; a participant's members accept or decline for their own.
func CanStepConsent(p auth.Principal, a Access, participant int64, e protocol.ConsentEvent) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if manages(p, a) {
		return nil
	}
	if a.Acts(participant) && (e == protocol.ConsentAccept || e == protocol.ConsentDecline) {
		return nil
	}
	return errs.E(errs.Forbidden, "you accept or decline the embargo only for your own participant")
}

// CanRecordCS: those who manage the case record every CS event; a vendor's
// members record its own F and D (vendor is the participant the event
// belongs to, 0 for P, X and A).
func CanRecordCS(p auth.Principal, a Access, vendor int64, e protocol.CSEvent) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if manages(p, a) {
		return nil
	}
	if vendor != 0 && a.Acts(vendor) && (e == protocol.FixReady || e == protocol.FixDeployed) {
		return nil
	}
	return errs.E(errs.Forbidden, "you record only your own fix being ready or deployed")
}

// SeesParticipant: those who manage the case see every participant; the
// others see the coordinators and the participants they act for, not the
// other vendors.
func SeesParticipant(p auth.Principal, a Access, participant int64, roles Roles) bool {
	return manages(p, a) || roles.Has(RoleCoordinator) || a.Acts(participant)
}

// SeesEntry: those who manage the case see its whole timeline; the others
// see the entries about the case itself (participant 0) and about the
// participants they see (SeesParticipant; roles are the participant's).
func SeesEntry(p auth.Principal, a Access, participant int64, roles Roles) bool {
	return participant == 0 || SeesParticipant(p, a, participant, roles)
}

// access finds the participants of case caseID that p acts for.
func access(ctx context.Context, q store.Querier, p auth.Principal, caseID int64) (Access, error) {
	var a Access
	if p.Anonymous() {
		return a, nil
	}
	cond, args := actsFor(p, 2)
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.roles, p.consent_state, p.details_shared, c.em_state
		FROM case_participants p JOIN cases c ON c.id = p.case_id WHERE p.case_id = $1 AND (`+cond+`) ORDER BY p.id`,
		append([]any{caseID}, args...)...)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	bound := false // one of p's participants may see the details
	for rows.Next() {
		var id int64
		var roles, consent, em string
		var shared bool
		if err := rows.Scan(&id, &roles, &consent, &shared, &em); err != nil {
			return a, err
		}
		a.Participants = append(a.Participants, id)
		if parseRoles(roles).Has(RoleCoordinator) {
			a.Coordinator = true
		}
		if seesDetails(parseRoles(roles), consent, em, shared) {
			bound = true
		}
	}
	a.Restricted = len(a.Participants) > 0 && !bound && !manages(p, a)
	return a, rows.Err()
}

// actsFor returns the condition on case_participants' user_id and org_id
// that selects the rows p acts for, with its parameters numbered from n.
func actsFor(p auth.Principal, n int) (string, []any) {
	args := []any{p.UserID}
	cond := "user_id = $" + itoa(n)
	if len(p.Orgs) > 0 {
		orgs := slices.Sorted(maps.Keys(p.Orgs))
		cond += " OR org_id IN (" + placeholders(n+1, len(orgs)) + ")"
		for _, o := range orgs {
			args = append(args, o)
		}
	}
	return cond, args
}

// seesDetails reports whether a participant with roles, consent state and
// details_shared flag sees a case's details while its EM state is em: an
// embargo in force withholds them until the participant accepts it (or the
// coordinators share them); a reporter knows what it reported, so the
// embargo binds it but withholds nothing from it.
func seesDetails(roles Roles, consent, em string, shared bool) bool {
	embargoed := em == protocol.EMActive.String() || em == protocol.EMRevise.String()
	return !embargoed || shared || consent == "signatory" || consent == "lapsed" || roles.Has(RoleReporter)
}
