package threads_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
)

// TestEmbargoedNewcomer: while an embargo binds a vendor that has not
// accepted it, threads with the whole case do not exist for it (nor their
// notices or mentions), but a thread that lists it does.
func TestEmbargoedNewcomer(t *testing.T) {
	w := newWorld(t)
	c := w.open("Embargoed", "Acme")
	if _, err := w.cases.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, cases.Terms{EndsAt: w.now.Add(45 * 24 * time.Hour), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	pid := w.participants(c)
	if _, err := w.cases.AnswerEmbargo(w.ctx, w.memberA, c.ID, pid["Acme"], 0, true, ""); err != nil {
		t.Fatal(err)
	}
	w.add(c, "Bolt")
	pid = w.participants(c)
	all := must(w.svc.Start(w.ctx, w.staff, c.ID, threads.NewThread{Title: "Everyone", Body: "Hi @Bolt and @Acme", Audience: threads.AudienceCase}))
	must(w.svc.Start(w.ctx, w.staff, c.ID, threads.NewThread{Title: "Bolt only", Body: "Please accept the embargo.", With: []int64{pid["Bolt"]}}))
	if got := w.titles(w.memberB, c); !slices.Equal(got, []string{"Bolt only"}) {
		t.Errorf("the newcomer lists %v", got)
	}
	if got := w.titles(w.memberA, c); !slices.Equal(got, []string{"Everyone"}) {
		t.Errorf("the signatory lists %v", got)
	}
	if _, err := w.svc.Get(w.ctx, w.memberB, c.ID, all.ID, store.Page{}); !errs.Is(err, errs.NotFound) {
		t.Errorf("the newcomer reads the thread with the whole case: %v", err)
	}
	det := must(w.svc.Get(w.ctx, w.staff, c.ID, all.ID, store.Page{}))
	if names := mentionNames(det.Posts[0].Mentions); !slices.Equal(names, []string{"Acme"}) {
		t.Errorf("mentions %v: Bolt is bound by the embargo", names)
	}
	n := must(w.svc.Notice(w.ctx, threads.Event{ThreadID: all.ID, CaseID: c.ID, PostID: det.Posts[0].ID, By: pid["CERT"], Started: true}))
	if !slices.Equal(n.To, []int64{pid["Acme"]}) {
		t.Errorf("the notice goes to %v, want Acme alone", n.To)
	}
	if tl := w.timeline(w.memberB, c); strings.Contains(tl, "Everyone") || !strings.Contains(tl, "Bolt only") {
		t.Errorf("the newcomer's timeline:\n%s", tl)
	}
	// The newcomer may write to the coordinators, but not to other vendors.
	must(w.svc.SetSettings(w.ctx, w.staff, c.ID, threads.Settings{VendorsInviteVendors: true}))
	must(w.svc.Start(w.ctx, w.memberB, c.ID, threads.NewThread{Title: "Question", Body: "When does it end?"}))
	w.refused("a newcomer invites a vendor", errs.Forbidden, "with", func() error {
		_, err := w.svc.Start(w.ctx, w.memberB, c.ID, threads.NewThread{Title: "Hi", Body: "Hi", With: []int64{pid["Acme"]}})
		return err
	})
	// Once it accepts, the thread with the whole case is its too.
	if _, err := w.cases.AnswerEmbargo(w.ctx, w.memberB, c.ID, pid["Bolt"], 0, true, ""); err != nil {
		t.Fatal(err)
	}
	if got := w.titles(w.memberB, c); !slices.Contains(got, "Everyone") {
		t.Errorf("after accepting, the newcomer lists %v", got)
	}
}

// TestVendorsInviteVendors: a vendor starts threads with the coordinators;
// with another vendor only when the case allows it, and then the third
// vendor learns nothing of the thread.
func TestVendorsInviteVendors(t *testing.T) {
	w := newWorld(t)
	acme, bolt := w.pid["Acme"], w.pid["Bolt"]
	opts := must(w.svc.Options(w.ctx, w.memberA, w.c.ID))
	if opts.Manages || len(opts.Invitable) != 0 || len(opts.As) != 1 || opts.As[0].ID != acme {
		t.Errorf("Acme's options with the setting off: %+v", opts)
	}
	w.refused("a vendor invites a vendor", errs.Forbidden, "with", func() error {
		_, err := w.svc.Start(w.ctx, w.memberA, w.c.ID, threads.NewThread{Title: "Joint fix", Body: "Shall we?", With: []int64{bolt}})
		return err
	})
	w.refused("a vendor names a participant not in the case", errs.Forbidden, "with", func() error {
		_, err := w.svc.Start(w.ctx, w.memberA, w.c.ID, threads.NewThread{Title: "Joint fix", Body: "Shall we?", With: []int64{99999}})
		return err
	})
	w.refused("a vendor changes the setting", errs.Forbidden, "", func() error {
		_, err := w.svc.SetSettings(w.ctx, w.memberA, w.c.ID, threads.Settings{VendorsInviteVendors: true})
		return err
	})
	journal := w.journalCount()
	set := must(w.svc.SetSettings(w.ctx, w.cory, w.c.ID, threads.Settings{VendorsInviteVendors: true}))
	if !set.VendorsInviteVendors || w.journalCount() != journal+1 {
		t.Fatalf("settings %+v, %d entries", set, w.journalCount()-journal)
	}
	opts = must(w.svc.Options(w.ctx, w.memberA, w.c.ID))
	if len(opts.Invitable) != 2 || opts.Invitable[0].Name != "Bolt" || opts.Invitable[1].Name != "Crux" {
		t.Errorf("Acme may invite %+v", opts.Invitable)
	}
	th := must(w.svc.Start(w.ctx, w.memberA, w.c.ID, threads.NewThread{Title: "Joint fix", Body: "Shall we, @Bolt?", With: []int64{bolt, w.pid["CERT"]}}))
	if !slices.Equal(th.Members, []int64{acme, bolt}) {
		t.Errorf("members %v", th.Members)
	}
	if got := w.titles(w.memberB, w.c); !slices.Equal(got, []string{"Joint fix"}) {
		t.Errorf("Bolt lists %v", got)
	}
	if got := w.titles(w.memberC, w.c); len(got) != 0 {
		t.Errorf("Crux lists %v", got)
	}
	must(w.svc.Post(w.ctx, w.memberB, w.c.ID, th.ID, threads.NewPost{Body: "Yes."}))
	w.refused("Crux posts in it", errs.NotFound, "", func() error {
		_, err := w.svc.Post(w.ctx, w.memberC, w.c.ID, th.ID, threads.NewPost{Body: "Me too"})
		return err
	})
	if tl := w.timeline(w.memberC, w.c); strings.Contains(tl, "Joint fix") {
		t.Errorf("Crux's timeline:\n%s", tl)
	}
	if tl := w.timeline(w.memberB, w.c); !strings.Contains(tl, `Thread "Joint fix" started by Acme`) {
		t.Errorf("Bolt's timeline:\n%s", tl)
	}
	w.refused("a thread with the whole case by a vendor", errs.Forbidden, "audience", func() error {
		_, err := w.svc.Start(w.ctx, w.memberA, w.c.ID, threads.NewThread{Title: "All", Body: "All", Audience: threads.AudienceCase})
		return err
	})
}

// TestCoordinatorsOnly: a thread among the coordinators is journaled
// about the thread alone, never on the timeline.
func TestCoordinatorsOnly(t *testing.T) {
	w := newWorld(t)
	before := w.timeline(w.staff, w.c)
	th := must(w.svc.Start(w.ctx, w.desk, w.c.ID, threads.NewThread{Title: "Internal", Body: "Between us"}))
	if th.StartedBy != 0 || len(th.Members) != 0 {
		t.Errorf("started %+v", th)
	}
	if after := w.timeline(w.staff, w.c); after != before {
		t.Errorf("the timeline changed:\n%s", after)
	}
	if n := w.count(`SELECT COUNT(*) FROM journal WHERE object_type = 'thread' AND action = 'thread.started'`); n != 1 {
		t.Errorf("%d thread.started entries about the thread", n)
	}
	for _, p := range []string{"acme", "bolt", "crux"} {
		if got := w.titles(w.who(p), w.c); len(got) != 0 {
			t.Errorf("%s lists %v", p, got)
		}
	}
}
