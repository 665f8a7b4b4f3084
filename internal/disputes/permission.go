package disputes

import (
	"slices"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Permission checks are pure functions of the principal and its Standing in
// a dispute, so that they can be tested as tables and read in one place.

// Standing is how a principal stands to one dispute.
type Standing struct {
	// Acts are the case's participants the principal acts for
	// (cases.Access.Participants).
	Acts []int64
	// Parties are the dispute's parties, Mediator its mediating
	// participant, Opener the participant that opened it.
	Parties  []int64
	Mediator int64
	Opener   int64
}

// standing is p's Standing in d, given its access to d's case.
func standing(a cases.Access, d Dispute, parties []int64) Standing {
	return Standing{Acts: a.Participants, Parties: parties, Mediator: d.Mediator, Opener: d.OpenedBy}
}

// PartiesActed are the parties the principal acts for.
func (s Standing) PartiesActed() []int64 {
	var out []int64
	for _, id := range s.Parties {
		if slices.Contains(s.Acts, id) {
			out = append(out, id)
		}
	}
	return out
}

func (s Standing) acts(id int64) bool { return id != 0 && slices.Contains(s.Acts, id) }

func (s Standing) party(id int64) bool { return slices.Contains(s.Parties, id) }

func staff(p auth.Principal) bool { return p.Admin || p.Staff }

// mediates: members of the mediating participant, and administrators.
func mediates(p auth.Principal, s Standing) bool { return p.Admin || s.acts(s.Mediator) }

func notFound() error { return errs.E(errs.NotFound, "no such dispute in this case") }

// Mediates reports whether p mediates the dispute (CanMediate without the
// write check), for transports that offer the mediator's forms.
func Mediates(p auth.Principal, s Standing) bool { return !p.Anonymous() && mediates(p, s) }

// CanSee: administrators and coordinator staff, the parties and the
// mediator see a dispute. To the case's other participants it does not
// exist (not found).
func CanSee(p auth.Principal, s Standing) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if staff(p) || mediates(p, s) || len(s.PartiesActed()) > 0 {
		return nil
	}
	return notFound()
}

func canChange(p auth.Principal, s Standing) error {
	if err := CanSee(p, s); err != nil {
		return err
	}
	return auth.Writable(p)
}

// CanOpen: a participant of the case opens a dispute as itself; those who
// manage the case open one as any participant (on behalf of a party that
// asked them). as is the participant that opens it.
func CanOpen(p auth.Principal, a cases.Access, as int64) error {
	if err := cases.CanView(p, a); err != nil {
		return err
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	if cases.Manages(p, a) || a.Acts(as) {
		return nil
	}
	return errs.E(errs.Forbidden, "open a dispute as a participant you act for")
}

// CanState: the members of a party state its position and answer
// proposals for it.
func CanState(p auth.Principal, s Standing, party int64) error {
	if err := canChange(p, s); err != nil {
		return err
	}
	if s.party(party) && s.acts(party) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the members of a party speak for it")
}

// CanPost: the parties and the mediator write in the mediation thread;
// staff who are neither only read it.
func CanPost(p auth.Principal, s Standing) error {
	if err := canChange(p, s); err != nil {
		return err
	}
	if mediates(p, s) || len(s.PartiesActed()) > 0 {
		return nil
	}
	return errs.E(errs.Forbidden, "only the parties and the mediator write in the mediation thread")
}

// CanMediate: the mediator (members of the mediating participant, and
// administrators) proposes resolutions, answers extension requests and
// closes a dispute unresolved.
func CanMediate(p auth.Principal, s Standing) error {
	if err := canChange(p, s); err != nil {
		return err
	}
	if mediates(p, s) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the mediator of the dispute does this")
}

// CanWithdraw: the members of the participant that opened a dispute
// withdraw it.
func CanWithdraw(p auth.Principal, s Standing) error {
	if err := canChange(p, s); err != nil {
		return err
	}
	if s.acts(s.Opener) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the participant that opened the dispute withdraws it")
}

// CanHandOver: those who manage the case hand its disputes to another
// coordinator participant.
func CanHandOver(p auth.Principal, a cases.Access) error { return cases.CanManage(p, a) }

// SeesPosition: a position for the parties is read by everyone who sees
// the dispute; one for the coordinator only by its author's participant,
// the mediator and administrators (not by staff who do not mediate: a case
// handed to a neutral coordinator keeps the positions from the first one).
func SeesPosition(p auth.Principal, s Standing, author int64, v Visibility) bool {
	if CanSee(p, s) != nil {
		return false
	}
	return v == VisibleToParties || mediates(p, s) || s.acts(author)
}
