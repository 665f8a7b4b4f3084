package cases_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
)

func TestUnresponsiveRule(t *testing.T) {
	d := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	ago := func(n int) time.Time { return now.Add(-d(n)) }
	for _, tc := range []struct {
		name               string
		attempts           int
		first, last, agree time.Time
		want               bool
	}{
		{"one attempt, long silence", 1, ago(60), time.Time{}, time.Time{}, false},
		{"two attempts, 13 days", 2, ago(13), time.Time{}, time.Time{}, false},
		{"two attempts, 20 days, no date", 2, ago(20), time.Time{}, time.Time{}, false},
		{"two attempts, 20 days, date passed", 2, ago(20), time.Time{}, ago(1), true},
		{"two attempts, 20 days, date ahead", 2, ago(20), time.Time{}, now.Add(d(5)), false},
		{"two attempts, 42 days", 2, ago(42), time.Time{}, time.Time{}, true},
		{"answered 10 days ago, date passed", 3, ago(90), ago(10), ago(1), false},
		{"answered 43 days ago", 3, ago(90), ago(43), time.Time{}, true},
		{"answered 20 days ago, date passed", 3, ago(90), ago(20), ago(2), true},
		{"never contacted", 5, time.Time{}, time.Time{}, ago(10), false},
	} {
		if got := cases.Unresponsive(tc.attempts, tc.first, tc.last, tc.agree, now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEscalationSteps(t *testing.T) {
	s := cases.DefaultSchedule
	first := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	at := func(days int) time.Time { return first.Add(time.Duration(days) * 24 * time.Hour) }
	for _, tc := range []struct {
		name string
		v    cases.Vendor
		now  time.Time
		want cases.Escalation
	}{
		{"six days in", cases.Vendor{Attempts: 1, FirstContact: first}, at(6), cases.EscalateNone},
		{"seven days in", cases.Vendor{Attempts: 1, FirstContact: first}, at(7), cases.EscalateRemind},
		{"reminded, 13 days", cases.Vendor{Stage: 1, Attempts: 2, FirstContact: first}, at(13), cases.EscalateNone},
		{"reminded, 14 days", cases.Vendor{Stage: 1, Attempts: 2, FirstContact: first}, at(14), cases.EscalateAlternates},
		{"alternates, 20 days", cases.Vendor{Stage: 2, Attempts: 3, FirstContact: first}, at(20), cases.EscalateNone},
		{"alternates, 21 days, rule not met", cases.Vendor{Stage: 2, Attempts: 3, FirstContact: first}, at(21), cases.EscalateNone},
		{"alternates, 21 days, date passed", cases.Vendor{Stage: 2, Attempts: 3, FirstContact: first, Agreed: at(20)}, at(21), cases.EscalateFlag},
		{"alternates, 42 days", cases.Vendor{Stage: 2, Attempts: 3, FirstContact: first}, at(42), cases.EscalateFlag},
		{"flagged", cases.Vendor{Stage: 3, Attempts: 3, FirstContact: first}, at(90), cases.EscalateNone},
		{"answered once, silent six weeks", cases.Vendor{Attempts: 2, FirstContact: first, LastResponse: at(2)}, at(44), cases.EscalateFlag},
		{"answered, not reminded", cases.Vendor{Attempts: 1, FirstContact: first, LastResponse: at(2)}, at(9), cases.EscalateNone},
	} {
		if got := s.Next(tc.v, tc.now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
