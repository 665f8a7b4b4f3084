package threads_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/threads"
)

// In these tables the case has participants 1 (the coordinator), 2 and 3
// (vendors) and 4 (a reporter); the listed thread lists 2.
var (
	anon     = auth.Principal{}
	admin    = auth.Principal{UserID: 1, Admin: true}
	staff    = auth.Principal{UserID: 2, Staff: true}
	user     = auth.Principal{UserID: 3}
	readOnly = auth.Principal{UserID: 3, Scope: auth.ScopeRead}

	coordinator = cases.Access{Participants: []int64{1}, Coordinator: true}
	vendorA     = cases.Access{Participants: []int64{2}}
	vendorB     = cases.Access{Participants: []int64{3}}
	boundA      = cases.Access{Participants: []int64{2}, Restricted: true}
	boundB      = cases.Access{Participants: []int64{3}, Restricted: true}
	reporter    = cases.Access{Participants: []int64{4}}
	nobody      = cases.Access{}
)

func stand(p auth.Principal, a cases.Access, audience threads.Audience) threads.Standing {
	s := threads.Standing{Acts: a.Participants, Manages: cases.Manages(p, a), Restricted: a.Restricted, Audience: audience}
	if audience == threads.AudienceListed {
		s.Members = []int64{2}
	}
	return s
}

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.KindOf(err)
}

func TestCanSeeAndPost(t *testing.T) {
	const no, unauth, forbidden = errs.NotFound, errs.Unauthenticated, errs.Forbidden
	table := []struct {
		name               string
		p                  auth.Principal
		a                  cases.Access
		audience           threads.Audience
		see, post, pin     errs.Kind
		editOwn, editOther errs.Kind
	}{
		{"anonymous", anon, nobody, threads.AudienceCase, unauth, unauth, unauth, unauth, unauth},
		{"admin, whole case", admin, nobody, threads.AudienceCase, "", "", "", "", forbidden},
		{"staff, listed", staff, nobody, threads.AudienceListed, "", "", "", "", forbidden},
		{"coordinator, listed", user, coordinator, threads.AudienceListed, "", "", "", "", forbidden},
		{"listed vendor", user, vendorA, threads.AudienceListed, "", "", forbidden, "", forbidden},
		{"listed vendor bound by the embargo", user, boundA, threads.AudienceListed, "", "", forbidden, "", forbidden},
		{"vendor not listed", user, vendorB, threads.AudienceListed, no, no, no, no, no},
		{"vendor, whole case", user, vendorB, threads.AudienceCase, "", "", forbidden, "", forbidden},
		{"vendor bound by the embargo, whole case", user, boundB, threads.AudienceCase, no, no, no, no, no},
		{"reporter, whole case", user, reporter, threads.AudienceCase, "", "", forbidden, "", forbidden},
		{"outsider, whole case", user, nobody, threads.AudienceCase, no, no, no, no, no},
		{"read-only token of a listed vendor", readOnly, vendorA, threads.AudienceListed, "", forbidden, forbidden, forbidden, forbidden},
	}
	for _, c := range table {
		s := stand(c.p, c.a, c.audience)
		if got := kindOf(threads.CanSee(c.p, s)); got != c.see {
			t.Errorf("%s: see %q, want %q", c.name, got, c.see)
		}
		if got := kindOf(threads.CanPost(c.p, s)); got != c.post {
			t.Errorf("%s: post %q, want %q", c.name, got, c.post)
		}
		if got := kindOf(threads.CanPin(c.p, s)); got != c.pin {
			t.Errorf("%s: pin %q, want %q", c.name, got, c.pin)
		}
		if got := kindOf(threads.CanEdit(c.p, s, c.p.UserID)); got != c.editOwn {
			t.Errorf("%s: edit own %q, want %q", c.name, got, c.editOwn)
		}
		if got := kindOf(threads.CanEdit(c.p, s, 99)); got != c.editOther {
			t.Errorf("%s: edit another's %q, want %q", c.name, got, c.editOther)
		}
	}
}

func TestCanStart(t *testing.T) {
	const forbidden = errs.Forbidden
	coord := threads.Named{ID: 1, Coordinator: true}
	a, b, rep := threads.Named{ID: 2, Vendor: true}, threads.Named{ID: 3, Vendor: true}, threads.Named{ID: 4}
	table := []struct {
		name     string
		p        auth.Principal
		a        cases.Access
		st       threads.Start
		want     errs.Kind
		field    string
		invitesB bool // Invitable(b) with the start's As and setting
	}{
		{"coordinator, whole case", user, coordinator, threads.Start{Audience: threads.AudienceCase, As: coord}, "", "", true},
		{"staff as none, listing others", staff, nobody, threads.Start{Audience: threads.AudienceListed, Others: true}, "", "", true},
		{"vendor with the coordinators", user, vendorA, threads.Start{Audience: threads.AudienceListed, As: a}, "", "", false},
		{"vendor, whole case", user, vendorA, threads.Start{Audience: threads.AudienceCase, As: a}, forbidden, "audience", false},
		{"vendor with a vendor, setting off", user, vendorA, threads.Start{Audience: threads.AudienceListed, As: a, Others: true}, forbidden, "with", false},
		{"vendor with a vendor, setting on", user, vendorA, threads.Start{Audience: threads.AudienceListed, As: a, Others: true, VendorsInviteVendors: true}, "", "", true},
		{"bound vendor with a vendor, setting on", user, boundA, threads.Start{Audience: threads.AudienceListed, As: a, Others: true, VendorsInviteVendors: true}, forbidden, "with", false},
		{"bound vendor with the coordinators", user, boundA, threads.Start{Audience: threads.AudienceListed, As: a}, "", "", false},
		{"reporter with a vendor, setting on", user, reporter, threads.Start{Audience: threads.AudienceListed, As: rep, Others: true, VendorsInviteVendors: true}, forbidden, "with", false},
		{"as a participant not acted for", user, vendorA, threads.Start{Audience: threads.AudienceListed, As: b}, forbidden, "", false},
		{"outsider", user, nobody, threads.Start{Audience: threads.AudienceListed}, errs.NotFound, "", false},
		{"anonymous", anon, nobody, threads.Start{Audience: threads.AudienceListed}, errs.Unauthenticated, "", false},
		{"read-only token", readOnly, vendorA, threads.Start{Audience: threads.AudienceListed, As: a}, forbidden, "", false},
	}
	for _, c := range table {
		err := threads.CanStart(c.p, c.a, c.st)
		if kindOf(err) != c.want || (c.field != "" && errs.FieldOf(err) != c.field) {
			t.Errorf("%s: %v (%s/%s), want %s/%s", c.name, err, kindOf(err), errs.FieldOf(err), c.want, c.field)
		}
		if got := threads.Invitable(c.p, c.a, c.st.As, c.st.VendorsInviteVendors, b); got != c.invitesB {
			t.Errorf("%s: invites vendor B %v, want %v", c.name, got, c.invitesB)
		}
	}
	if threads.Invitable(user, vendorA, a, true, a) || threads.Invitable(user, vendorA, a, true, rep) {
		t.Error("a vendor invites itself or a reporter")
	}
}
