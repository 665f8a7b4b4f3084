package deadlines_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
)

func TestNextReminder(t *testing.T) {
	due := time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		kind deadlines.Kind
		sent int
		want time.Time // zero: none left
	}{
		{deadlines.EmbargoEnd, 0, due.Add(-7 * day)},
		{deadlines.EmbargoEnd, 1, due.Add(-day)},
		{deadlines.EmbargoEnd, 2, time.Time{}},
		{deadlines.DraftReview, 0, due.Add(-3 * day)},
		{deadlines.DraftReview, 1, due.Add(-day)},
		{deadlines.DraftReview, 2, time.Time{}},
		{deadlines.Statement, 0, due.Add(-2 * day)},
		{deadlines.Statement, 1, due},
		{deadlines.Statement, 2, due.Add(2 * day)},
		{deadlines.Statement, 3, time.Time{}},
		{deadlines.Acknowledge, 2, due.Add(2 * day)},
		{deadlines.Statement, 0, due.Add(-2 * day)},
		{deadlines.FixConfirm, 1, due},
		{deadlines.EmbargoAnswer, 2, due.Add(2 * day)},
		{deadlines.CRAFinalReport, 0, due.Add(-2 * day)},
		{deadlines.Other, 1, due},
		{deadlines.CRAEarlyWarning, 0, due.Add(-6 * time.Hour)},
		{deadlines.CRAEarlyWarning, 1, due},
		{deadlines.CRAEarlyWarning, 2, due.Add(day)},
		{deadlines.CRAEarlyWarning, 3, time.Time{}},
		{deadlines.CRANotification, 0, due.Add(-day)},
		{deadlines.CRANotification, 2, due.Add(day)},
		{deadlines.EmbargoEnd, -1, time.Time{}},
	}
	for _, tt := range tests {
		got, ok := deadlines.NextReminder(tt.kind, due, tt.sent)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("NextReminder(%s, sent %d) = %v, %v; want %v", tt.kind, tt.sent, got, ok, tt.want)
		}
	}
}

func TestStagesPassed(t *testing.T) {
	due := time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		kind deadlines.Kind
		now  time.Time
		want int
	}{
		{deadlines.EmbargoEnd, due.Add(-30 * day), 0},
		{deadlines.EmbargoEnd, due.Add(-7*day - time.Second), 0},
		{deadlines.EmbargoEnd, due.Add(-7 * day), 1}, // a stage has come at its very time
		{deadlines.EmbargoEnd, due.Add(-2 * day), 1},
		{deadlines.EmbargoEnd, due.Add(-day), 2},
		{deadlines.EmbargoEnd, due.Add(30 * day), 2},
		{deadlines.Statement, due.Add(-3 * day), 0},
		{deadlines.Statement, due.Add(-time.Hour), 1},
		{deadlines.Statement, due, 2},
		{deadlines.Statement, due.Add(day), 2},
		{deadlines.Statement, due.Add(2 * day), 3},
		{deadlines.CRAEarlyWarning, due.Add(-5 * time.Hour), 1},
	}
	for _, tt := range tests {
		if got := deadlines.StagesPassed(tt.kind, due, tt.now); got != tt.want {
			t.Errorf("StagesPassed(%s, due%+v) = %d, want %d", tt.kind, tt.now.Sub(due), got, tt.want)
		}
	}
}

// TestSchedulesAscend: the sweep and StagesPassed rely on each schedule
// being in order, and every kind but a vendor's response (which the case's
// schedule for silent vendors reminds) has at least one reminder.
func TestSchedulesAscend(t *testing.T) {
	for _, k := range deadlines.Kinds() {
		s := deadlines.Schedule(k)
		if (len(s) == 0) != (k == deadlines.VendorResponse) {
			t.Errorf("%s has %d reminders", k, len(s))
		}
		for i := 1; i < len(s); i++ {
			if s[i] <= s[i-1] {
				t.Errorf("%s: schedule %v is not ascending", k, s)
			}
		}
		if !k.Known() || k.Label() == "" {
			t.Errorf("%s: known %v, label %q", k, k.Known(), k.Label())
		}
	}
	if deadlines.Kind("nap").Known() {
		t.Error("an unknown kind is known")
	}
}
