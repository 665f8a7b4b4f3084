package deadlines

import (
	"slices"
	"time"
)

// Kind is what a deadline is for.
type Kind string

// The kinds of deadline.
const (
	Acknowledge     Kind = "acknowledge"       // acknowledge the report (24-48 hours)
	VendorResponse  Kind = "vendor_response"   // a vendor answers the report
	EmbargoAnswer   Kind = "embargo_answer"    // answer the embargo proposal
	Statement       Kind = "statement"         // give a vendor statement for the advisory
	DraftReview     Kind = "draft_review"      // review the draft advisory (1-2 weeks before publication)
	FixConfirm      Kind = "fix_confirm"       // confirm the fix
	EmbargoEnd      Kind = "embargo_end"       // the embargo ends (usually case-wide)
	CRAEarlyWarning Kind = "cra_early_warning" // CRA: early warning within 24 hours
	CRANotification Kind = "cra_notification"  // CRA: notification within 72 hours
	CRAFinalReport  Kind = "cra_final_report"  // CRA: final report within 14 days of a fix
	Other           Kind = "other"             // anything else; the title says what
)

// Kinds returns every kind, in the order of a case's life.
func Kinds() []Kind {
	return []Kind{Acknowledge, VendorResponse, EmbargoAnswer, Statement, DraftReview, FixConfirm, EmbargoEnd,
		CRAEarlyWarning, CRANotification, CRAFinalReport, Other}
}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool { return slices.Contains(Kinds(), k) }

var labels = map[Kind]string{
	Acknowledge:     "acknowledge the report",
	VendorResponse:  "vendor response",
	EmbargoAnswer:   "answer the embargo proposal",
	Statement:       "vendor statement",
	DraftReview:     "review the draft advisory",
	FixConfirm:      "confirm the fix",
	EmbargoEnd:      "embargo ends",
	CRAEarlyWarning: "CRA early warning",
	CRANotification: "CRA vulnerability notification",
	CRAFinalReport:  "CRA final report",
	Other:           "deadline",
}

// Label is the kind in plain words, e.g. "embargo ends".
func (k Kind) Label() string {
	if l, ok := labels[k]; ok {
		return l
	}
	return string(k)
}

const day = 24 * time.Hour

// Schedule is when a deadline of kind k is reminded of, relative to its
// due time (negative: before), in order. The embargo's end is announced a
// week and a day ahead, the draft review three days and one day ahead.
// The CRA's 24- and 72-hour clocks are too short for a two-day notice:
// they are reminded six hours (early warning) or a day (notification)
// ahead, when due, and once a day late. Everything else is reminded two
// days ahead, when due, and once more two days late: an overdue
// obligation is worth one nudge, not a daily one.
func Schedule(k Kind) []time.Duration {
	switch k {
	case EmbargoEnd:
		return []time.Duration{-7 * day, -day}
	case DraftReview:
		return []time.Duration{-3 * day, -day}
	case CRAEarlyWarning:
		return []time.Duration{-6 * time.Hour, 0, day}
	case CRANotification:
		return []time.Duration{-day, 0, day}
	case VendorResponse:
		return nil // the case's schedule for silent vendors reminds them (cases.Escalate)
	}
	return []time.Duration{-2 * day, 0, 2 * day}
}

// NextReminder is when the reminder after the first sent stages of a
// deadline of kind k due at due falls; false when none is left.
func NextReminder(k Kind, due time.Time, sent int) (time.Time, bool) {
	s := Schedule(k)
	if sent < 0 || sent >= len(s) {
		return time.Time{}, false
	}
	return due.Add(s[sent]), true
}

// StagesPassed is how many of the reminder stages of a deadline of kind k
// due at due have come by now.
func StagesPassed(k Kind, due, now time.Time) int {
	n := 0
	for _, off := range Schedule(k) {
		if due.Add(off).After(now) {
			break
		}
		n++
	}
	return n
}
