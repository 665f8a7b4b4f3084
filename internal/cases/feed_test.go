package cases_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
)

// TestFeedForFollowsTimeline: an organisation's feed holds, for each case
// it takes part in, exactly the timeline entries its members see there:
// never another vendor's entries, and while it is restricted by an
// embargo it has not accepted, only its own.
func TestFeedForFollowsTimeline(t *testing.T) {
	w := newWorld(t)
	c := w.open("Router RCE", cases.VulnFields{Title: "Stack overflow in the web UI"})
	acme := w.add(c, []cases.Role{cases.RoleVendor}, w.acme)[0]
	bolt := w.add(c, []cases.Role{cases.RoleVendor}, w.bolt)[0]
	if _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45)); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		p  auth.Principal
		id int64
	}{{w.memberA, acme.ID}, {w.memberB, bolt.ID}} {
		if _, err := w.svc.AnswerEmbargo(w.ctx, x.p, c.ID, x.id, 0, true, "fine"); err != nil {
			t.Fatal(err)
		}
	}
	// A newcomer to the embargoed case: restricted until it accepts.
	other := w.add(c, []cases.Role{cases.RoleVendor}, w.other)[0]
	// A second case Acme takes no part in.
	elsewhere := w.open("Elsewhere", cases.VulnFields{Title: "Not for Acme"})
	w.add(elsewhere, []cases.Role{cases.RoleVendor}, w.bolt)

	for _, x := range []struct {
		name string
		org  org.Org
		p    auth.Principal
		self int64
		// hidden are texts that must not reach the organisation.
		hidden []string
		// onlyOwn: every entry is about its own participant.
		onlyOwn bool
	}{
		{"acme", w.acme, w.memberA, acme.ID, []string{"Bolt Systems", "Other Corp", "Not for Acme", "Elsewhere"}, false},
		{"bolt", w.bolt, w.memberB, bolt.ID, []string{"Acme Routers", "Other Corp"}, false},
		{"restricted newcomer", w.other, w.outside, other.ID, []string{"Acme Routers", "Bolt Systems", "Case PAR-", "Stack overflow"}, true},
		{"coordinator", w.coord, w.staff, 0, nil, false},
	} {
		t.Run(x.name, func(t *testing.T) {
			feed, err := w.svc.FeedFor(w.ctx, x.org.ID, 0, store.MaxPageSize)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range feed {
				for _, h := range x.hidden {
					if strings.Contains(e.Summary, h) {
						t.Errorf("%s reads %q", x.name, e.Summary)
					}
				}
				if e.CaseID == c.ID {
					if e.CaseKey != c.Key {
						t.Errorf("case key %q, want %q", e.CaseKey, c.Key)
					}
					got = append(got, e.Seq)
				}
			}
			p := x.p
			if x.name == "coordinator" {
				p.Staff = false // as a member of the coordinator, not as staff
			}
			tl, err := w.svc.Timeline(w.ctx, p, c.ID, store.Page{Limit: store.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, e := range tl {
				want = append(want, e.Seq)
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Fatalf("feed %v, timeline %v", got, want)
			}
			if x.onlyOwn {
				for _, e := range feed {
					if !strings.HasPrefix(e.Summary, "Other Corp") {
						t.Errorf("the restricted newcomer reads %q", e.Summary)
					}
				}
			}
			// Pages of two give the same entries.
			var paged []int64
			after := int64(0)
			for {
				page, err := w.svc.FeedFor(w.ctx, x.org.ID, after, 2)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > 2 {
					t.Fatalf("a page of %d", len(page))
				}
				for _, e := range page {
					paged = append(paged, e.Seq)
					after = e.Seq
				}
				if len(page) < 2 {
					break
				}
			}
			var all []int64
			for _, e := range feed {
				all = append(all, e.Seq)
			}
			if !slices.Equal(paged, all) {
				t.Fatalf("paged %v, whole %v", paged, all)
			}
		})
	}
	// Accepting lifts the restriction: the newcomer then sees the case's entries.
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.outside, c.ID, other.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	feed, err := w.svc.FeedFor(w.ctx, w.other.ID, 0, store.MaxPageSize)
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, e := range feed {
		sums = append(sums, e.Summary)
		if strings.Contains(e.Summary, "Acme Routers") || strings.Contains(e.Summary, "Bolt Systems") {
			t.Errorf("the newcomer reads another vendor's entry %q", e.Summary)
		}
	}
	if !containsText(sums, "Case PAR-") {
		t.Fatalf("after accepting, the newcomer's feed: %v", sums)
	}
	if feed, err := w.svc.FeedFor(w.ctx, w.partnerOrg.ID, 0, 10); err != nil || len(feed) != 0 {
		t.Fatalf("an organisation in no case: %v, %v", feed, err)
	}
}
