package disputes_test

import (
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// TestRefusals: bad input and changes nobody may make are refused with
// their kind and the field at fault, and write nothing.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	d := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "security_implications", Title: "Is it remote?"}))
	pending := must(w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "It is remote."))
	long := strings.Repeat("x", disputes.MaxText+1)
	other := w.open("Another case")
	open := func(nd disputes.NewDispute) func() error {
		return func() error { _, err := w.svc.Create(w.ctx, w.memberA, w.c.ID, nd); return err }
	}
	table := []struct {
		name  string
		kind  errs.Kind
		field string
		do    func() error
	}{
		{"unknown topic", errs.Invalid, "topic", open(disputes.NewDispute{Topic: "weather", Title: "Rain"})},
		{"no topic", errs.Invalid, "topic", open(disputes.NewDispute{Title: "Rain"})},
		{"empty title", errs.Invalid, "title", open(disputes.NewDispute{Topic: "timing", Title: "  "})},
		{"two-line title", errs.Invalid, "title", open(disputes.NewDispute{Topic: "timing", Title: "a\nb"})},
		{"oversized title", errs.Invalid, "title", open(disputes.NewDispute{Topic: "timing", Title: strings.Repeat("t", disputes.MaxTitle+1)})},
		{"oversized position", errs.Invalid, "position", open(disputes.NewDispute{Topic: "timing", Title: "T", Position: long})},
		{"unknown visibility", errs.Invalid, "visibility", open(disputes.NewDispute{Topic: "timing", Title: "T", Visibility: "public"})},
		{"a date on another topic", errs.Invalid, "until", open(disputes.NewDispute{Topic: "timing", Title: "T", Until: "2026-07-01T12:00", Zone: "UTC"})},
		{"an extension without a date", errs.Invalid, "until", open(disputes.NewDispute{Topic: "extension", Title: "T"})},
		{"an extension without a zone", errs.Invalid, "zone", open(disputes.NewDispute{Topic: "extension", Title: "T", Until: "2026-07-01T12:00"})},
		{"an extension into the past", errs.Invalid, "until", open(disputes.NewDispute{Topic: "extension", Title: "T", Until: "2026-04-01T12:00", Zone: "UTC"})},
		{"an extension beyond a year", errs.Invalid, "until", open(disputes.NewDispute{Topic: "extension", Title: "T", Until: "2027-06-01T12:00", Zone: "UTC"})},
		{"with a participant not in the case", errs.Invalid, "with", open(disputes.NewDispute{Topic: "timing", Title: "T", With: []int64{9999}})},
		{"with itself", errs.Invalid, "with", open(disputes.NewDispute{Topic: "timing", Title: "T", With: []int64{w.pid["Acme"]}})},
		{"as another vendor", errs.Forbidden, "", open(disputes.NewDispute{Topic: "timing", Title: "T", As: w.pid["Bolt"]})},
		{"by an outsider", errs.NotFound, "", func() error {
			_, err := w.svc.Create(w.ctx, w.outside, w.c.ID, disputes.NewDispute{Topic: "timing", Title: "T"})
			return err
		}},
		{"staff without naming the opener", errs.Invalid, "as", func() error {
			_, err := w.svc.Create(w.ctx, w.admin, w.c.ID, disputes.NewDispute{Topic: "timing", Title: "T"})
			return err
		}},
		{"an empty position", errs.Invalid, "text", func() error {
			_, err := w.svc.StatePosition(w.ctx, w.memberA, w.c.ID, d.ID, disputes.Position{Text: " \n"})
			return err
		}},
		{"an oversized post", errs.Invalid, "body", func() error {
			_, err := w.svc.Post(w.ctx, w.memberA, w.c.ID, d.ID, 0, long)
			return err
		}},
		{"an empty proposal", errs.Invalid, "proposal", func() error {
			_, err := w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "")
			return err
		}},
		{"a proposal by a party", errs.Forbidden, "", func() error {
			_, err := w.svc.Propose(w.ctx, w.memberA, w.c.ID, d.ID, "Mine")
			return err
		}},
		{"a proposal by staff not mediating", errs.Forbidden, "", func() error {
			_, err := w.svc.Propose(w.ctx, w.desk, w.c.ID, d.ID, "Staff's")
			return err
		}},
		{"a proposal by someone who does not see the dispute", errs.NotFound, "", func() error {
			_, err := w.svc.Propose(w.ctx, w.memberB, w.c.ID, d.ID, "Bolt's")
			return err
		}},
		{"a post by staff not mediating", errs.Forbidden, "", func() error {
			_, err := w.svc.Post(w.ctx, w.desk, w.c.ID, d.ID, 0, "Hello")
			return err
		}},
		{"a post for another party", errs.Forbidden, "", func() error {
			_, err := w.svc.Post(w.ctx, w.memberA, w.c.ID, d.ID, w.pid["Bolt"], "Hello")
			return err
		}},
		{"a position for the mediator by a party", errs.Forbidden, "", func() error {
			_, err := w.svc.StatePosition(w.ctx, w.memberA, w.c.ID, d.ID, disputes.Position{As: w.pid["CERT"], Text: "CERT says"})
			return err
		}},
		{"an answer to a proposal of another dispute", errs.NotFound, "", func() error {
			_, err := w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, pending.ID+100, disputes.Reply{Accept: true})
			return err
		}},
		{"an oversized comment", errs.Invalid, "comment", func() error {
			_, err := w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, pending.ID, disputes.Reply{Accept: true, Comment: long})
			return err
		}},
		{"a dispute of another case", errs.NotFound, "", func() error {
			_, err := w.svc.Post(w.ctx, w.staff, other.ID, d.ID, 0, "Hello")
			return err
		}},
		{"closing unresolved without reasons", errs.Invalid, "reasons", func() error {
			_, err := w.svc.Close(w.ctx, w.cory, w.c.ID, d.ID, "")
			return err
		}},
		{"a decision on another topic", errs.Conflict, "", func() error {
			_, err := w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Denied, Reasons: "No"})
			return err
		}},
	}
	for _, c := range table {
		w.refused(c.name, c.kind, c.field, c.do)
	}
	if det := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, d.ID)); det.Status != disputes.StatusOpen || len(det.Messages) != 0 || len(det.Resolutions) != 1 {
		t.Errorf("the refusals changed the dispute: %+v", det)
	}
}

// TestClosedCase: a case whose coordinators closed their reports takes no
// new disputes; one without a coordinator has nobody to mediate.
func TestClosedCase(t *testing.T) {
	w := newWorld(t)
	bare := must(w.cases.Create(w.ctx, w.admin, cases.NewCase{Title: "Without a coordinator"}))
	acme := w.participants(w.c)["Acme"]
	must(w.cases.AddParticipants(w.ctx, w.admin, bare.ID, []cases.NewParticipant{{OrgID: w.orgOf(acme), Roles: []cases.Role{cases.RoleVendor}}}))
	w.refused("a dispute nobody can mediate", errs.Conflict, "", func() error {
		_, err := w.svc.Create(w.ctx, w.memberA, bare.ID, disputes.NewDispute{Topic: "timing", Title: "Who mediates?"})
		return err
	})
	c := w.open("Closed soon")
	lead := w.participants(c)["CERT"]
	if _, err := w.cases.StepRM(w.ctx, w.staff, c.ID, lead, protocol.RMClose, ""); err != nil {
		t.Fatal(err)
	}
	w.refused("a dispute on a closed case", errs.Conflict, "", func() error {
		_, err := w.svc.Create(w.ctx, w.staff, c.ID, disputes.NewDispute{Topic: "timing", Title: "Too late", As: lead})
		return err
	})
	w.refused("a hand-over on a closed case", errs.Conflict, "", func() error {
		_, err := w.svc.HandOver(w.ctx, w.staff, c.ID, lead+1000, "why")
		return err
	})
}
