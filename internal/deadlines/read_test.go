package deadlines_test

import (
	"database/sql"
	"slices"
	"testing"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/store"
)

var pageAll = store.Page{Limit: store.MaxPageSize}

func ids(list []deadlines.Deadline) []int64 {
	out := make([]int64, len(list))
	for i, d := range list {
		out[i] = d.ID
	}
	return out
}

// TestForCase: a case's coordinators see every deadline, a vendor the
// case-wide ones and its own, soonest first, in pages.
func TestForCase(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	embargo := f.set(deadlines.Deadline{CaseID: c, Kind: deadlines.EmbargoEnd, DueAt: f.now.Add(30 * day)})
	acme := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 1, Kind: deadlines.FixConfirm, DueAt: f.now.Add(5 * day)})
	bolt := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 2, Kind: deadlines.Statement, DueAt: f.now.Add(3 * day)})
	overdue := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 1, Kind: deadlines.Acknowledge, DueAt: f.now.Add(-day)})
	gone := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 1, Kind: deadlines.Statement, DueAt: f.now.Add(day)})
	f.tx(func(tx *sql.Tx) error {
		_, err := deadlines.Meet(ctx, tx, f.now, c, 1, deadlines.Statement)
		return err
	})
	tests := []struct {
		name string
		v    deadlines.Viewer
		want []int64
	}{
		{"coordinator", deadlines.Viewer{All: true}, []int64{overdue.ID, bolt.ID, acme.ID, embargo.ID}},
		{"acme", deadlines.Viewer{Participants: []int64{1}}, []int64{overdue.ID, acme.ID, embargo.ID}},
		{"bolt", deadlines.Viewer{Participants: []int64{2}}, []int64{bolt.ID, embargo.ID}},
		{"nobody in particular", deadlines.Viewer{}, []int64{embargo.ID}},
	}
	for _, tt := range tests {
		got, err := f.svc.ForCase(ctx, c, tt.v, pageAll)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("%s sees %v, want %v", tt.name, ids(got), tt.want)
		}
		for _, d := range got {
			if d.ID == gone.ID || !tt.v.Sees(d) {
				t.Errorf("%s sees %+v", tt.name, d)
			}
		}
	}
	if !overdue.Overdue(f.now) || acme.Overdue(f.now) {
		t.Error("Overdue is wrong")
	}
	// Pages follow on in due order.
	var paged []int64
	page := store.Page{Limit: 3}
	for {
		got, err := f.svc.ForCase(ctx, c, deadlines.Viewer{All: true}, page)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, ids(got)...)
		if len(got) < page.Limit {
			break
		}
		page.After = got[len(got)-1].ID
	}
	if !slices.Equal(paged, tests[0].want) {
		t.Errorf("pages give %v, want %v", paged, tests[0].want)
	}
}

// TestForUser merges a user's cases: all of a case they coordinate, the
// case-wide and their own deadlines elsewhere, nothing of other cases.
func TestForUser(t *testing.T) {
	f := newFixture(t)
	led, joined, foreign := f.newCase("PAR-2026-0001"), f.newCase("PAR-2026-0002"), f.newCase("PAR-2026-0003")
	a := f.set(deadlines.Deadline{CaseID: led, ParticipantID: 11, Kind: deadlines.Statement, DueAt: f.now.Add(9 * day)})
	b := f.set(deadlines.Deadline{CaseID: led, Kind: deadlines.EmbargoEnd, DueAt: f.now.Add(40 * day)})
	cw := f.set(deadlines.Deadline{CaseID: joined, Kind: deadlines.EmbargoEnd, DueAt: f.now.Add(20 * day)})
	mine := f.set(deadlines.Deadline{CaseID: joined, ParticipantID: 21, Kind: deadlines.DraftReview, DueAt: f.now.Add(2 * day)})
	f.set(deadlines.Deadline{CaseID: joined, ParticipantID: 22, Kind: deadlines.DraftReview, DueAt: f.now.Add(2 * day)})
	f.set(deadlines.Deadline{CaseID: foreign, Kind: deadlines.EmbargoEnd, DueAt: f.now.Add(day)})
	f.set(deadlines.Deadline{CaseID: foreign, ParticipantID: 31, Kind: deadlines.Statement, DueAt: f.now.Add(day)})
	in := []deadlines.Involved{
		{CaseID: led, Viewer: deadlines.Viewer{All: true, Participants: []int64{10}}},
		{CaseID: joined, Viewer: deadlines.Viewer{Participants: []int64{21}}},
	}
	got, err := f.svc.ForUser(ctx, in, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{mine.ID, a.ID, cw.ID, b.ID}; !slices.Equal(ids(got), want) {
		t.Fatalf("got %v, want %v", ids(got), want)
	}
	if got, _ := f.svc.ForUser(ctx, in, 2); !slices.Equal(ids(got), []int64{mine.ID, a.ID}) {
		t.Fatalf("limited to 2: %v", ids(got))
	}
	if got, err := f.svc.ForUser(ctx, nil, 0); err != nil || len(got) != 0 {
		t.Fatalf("no cases: %v %v", got, err)
	}
}
