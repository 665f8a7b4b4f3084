package threads

import (
	"slices"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Permission checks are pure functions of the principal and its Standing
// in a thread, so that they can be tested as tables and read in one place.

// Standing is how a principal stands to one thread.
type Standing struct {
	// Acts are the case's participants the principal acts for
	// (cases.Access.Participants).
	Acts []int64
	// Manages is set for those who manage the case (cases.Manages).
	Manages bool
	// Restricted is cases.Access.Restricted: an embargo is in force that
	// none of the principal's participants has accepted.
	Restricted bool
	// Audience and Members are the thread's.
	Audience Audience
	Members  []int64
}

// standing is p's Standing in t, given its access to t's case.
func standing(p auth.Principal, a cases.Access, t Thread) Standing {
	return Standing{Acts: a.Participants, Manages: cases.Manages(p, a), Restricted: a.Restricted, Audience: t.Audience, Members: t.Members}
}

// Listed reports whether the principal acts for one of the listed
// participants.
func (s Standing) Listed() bool {
	for _, id := range s.Acts {
		if slices.Contains(s.Members, id) {
			return true
		}
	}
	return false
}

func notFound() error { return errs.E(errs.NotFound, "no such thread in this case") }

// CanSee: those who manage the case see every thread; a participant's
// members see the threads that list it, and those with the whole case
// unless an embargo they have not accepted binds them. To anyone else a
// thread does not exist (not found).
func CanSee(p auth.Principal, s Standing) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if s.Manages || s.Listed() {
		return nil
	}
	if s.Audience == AudienceCase && len(s.Acts) > 0 && !s.Restricted {
		return nil
	}
	return notFound()
}

// CanPost: everyone who sees a thread writes in it.
func CanPost(p auth.Principal, s Standing) error {
	if err := CanSee(p, s); err != nil {
		return err
	}
	return auth.Writable(p)
}

// CanEdit: the author of a post, alone, edits it.
func CanEdit(p auth.Principal, s Standing, authorUser int64) error {
	if err := CanPost(p, s); err != nil {
		return err
	}
	if authorUser == 0 || authorUser != p.UserID {
		return errs.E(errs.Forbidden, "you edit only your own posts")
	}
	return nil
}

// CanPin: those who manage the case pin and unpin posts.
func CanPin(p auth.Principal, s Standing) error {
	if err := CanPost(p, s); err != nil {
		return err
	}
	if !s.Manages {
		return errs.E(errs.Forbidden, "only the case's coordinators pin posts")
	}
	return nil
}

// Start is a new thread as CanStart judges it.
type Start struct {
	Audience Audience
	// As is the participant that starts it (ID 0: staff acting for none).
	As Named
	// Others is set when the thread lists participants besides As and the
	// coordinators.
	Others bool
	// VendorsInviteVendors is the case's setting.
	VendorsInviteVendors bool
}

// CanStart: those who manage the case start threads with any audience; a
// participant's members start one with the coordinators as it, and a
// vendor's with other vendors too when the case allows it and no embargo
// they have not accepted binds them.
func CanStart(p auth.Principal, a cases.Access, st Start) error {
	if err := cases.CanView(p, a); err != nil {
		return err
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	if cases.Manages(p, a) {
		return nil
	}
	if st.As.ID == 0 || !a.Acts(st.As.ID) {
		return errs.E(errs.Forbidden, "start a thread as a participant you act for")
	}
	if st.Audience == AudienceCase {
		return &errs.Error{Kind: errs.Forbidden, Field: "audience", Message: "only the case's coordinators start threads with the whole case"}
	}
	if !st.Others {
		return nil
	}
	if st.As.Vendor && !st.VendorsInviteVendors {
		return &errs.Error{Kind: errs.Forbidden, Field: "with", Message: "in this case vendors start threads with the coordinators only"}
	}
	if !st.As.Vendor || a.Restricted {
		return &errs.Error{Kind: errs.Forbidden, Field: "with", Message: "you start threads with the coordinators only"}
	}
	return nil
}

// Invitable: whom a thread started as as may list. Those who manage the
// case list any participant; a vendor lists the other vendors when the
// case allows it (vendors is the setting) and no embargo binds it; nobody
// else lists anyone (the coordinators are in every thread anyway).
func Invitable(p auth.Principal, a cases.Access, as Named, vendors bool, pt Named) bool {
	if cases.Manages(p, a) {
		return true
	}
	return vendors && as.Vendor && !a.Restricted && pt.Vendor && pt.ID != as.ID && a.Acts(as.ID)
}

// CanSetSettings: those who manage the case change its thread settings.
func CanSetSettings(p auth.Principal, a cases.Access) error { return cases.CanManage(p, a) }
