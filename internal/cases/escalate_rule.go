package cases

import (
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// Silent vendors: reminders on the case's schedule, then alternate
// contacts, then the unresponsive flag by the rule of ../shared/DOMAIN.md.

// Schedule is when a notified vendor that has not answered is reminded
// (RemindAfter), written to at its alternate contacts (AlternateAfter),
// and from when it may be flagged unresponsive (FlagAfter), all counted
// from the first contact.
type Schedule struct {
	RemindAfter, AlternateAfter, FlagAfter time.Duration
}

// DefaultSchedule: again after 7 days, then to alternate contacts after
// 14, then flagged (when the rule holds) from 21.
var DefaultSchedule = Schedule{RemindAfter: 7 * day, AlternateAfter: 14 * day, FlagAfter: 21 * day}

const day = 24 * time.Hour

func (s Schedule) check() error {
	switch {
	case s.RemindAfter < day || s.RemindAfter > 180*day:
		return errs.Field("remind_after_days", "must be between 1 and 180")
	case s.AlternateAfter <= s.RemindAfter || s.AlternateAfter > 180*day:
		return errs.Field("alternate_after_days", "must come after the reminder, and within 180 days")
	case s.FlagAfter <= s.AlternateAfter || s.FlagAfter > 365*day:
		return errs.Field("flag_after_days", "must come after the alternate contacts, and within 365 days")
	}
	return nil
}

// The unresponsive rule (DOMAIN.md, from the CERT Guide to CVD).
const (
	SilenceMin   = 14 * day // at least two weeks of silence...
	SilenceLong  = 42 * day // ...and six weeks since the last answer, unless the agreed date passed
	AttemptsMin  = 2        // after repeated attempts
	stageFlagged = 3
)

// Unresponsive applies the rule: after repeated attempts and at least two
// weeks of silence, and either the agreed date has passed or six weeks
// have passed since the vendor's last response (or, if it never answered,
// since the first contact). agreed is zero when no date was agreed.
func Unresponsive(attempts int, firstContact, lastResponse, agreed, now time.Time) bool {
	if attempts < AttemptsMin || firstContact.IsZero() {
		return false
	}
	since := firstContact
	if lastResponse.After(since) {
		since = lastResponse
	}
	silence := now.Sub(since)
	if silence < SilenceMin {
		return false
	}
	return (!agreed.IsZero() && now.After(agreed)) || silence >= SilenceLong
}

// Escalation is the next step for one vendor.
type Escalation int

// The steps, in order.
const (
	EscalateNone       Escalation = iota
	EscalateRemind                // send the notice again
	EscalateAlternates            // write to the vendor's other contacts
	EscalateFlag                  // flag it unresponsive and tell the coordinators
)

// Vendor is what the escalation of one vendor depends on.
type Vendor struct {
	Stage        int // 0 notified, 1 reminded, 2 alternates written to, 3 flagged
	Attempts     int
	FirstContact time.Time
	LastResponse time.Time // zero: never answered
	Agreed       time.Time // the embargo's end, if one is in force
}

// Next is the step due for v at now under s: a vendor that never answered
// goes through the reminders first; any vendor is flagged once the rule
// holds (and, if it never answered, the schedule's flag time has come).
func (s Schedule) Next(v Vendor, now time.Time) Escalation {
	if v.Stage >= stageFlagged || v.FirstContact.IsZero() {
		return EscalateNone
	}
	age := now.Sub(v.FirstContact)
	if v.LastResponse.IsZero() {
		switch {
		case v.Stage == 0 && age >= s.RemindAfter:
			return EscalateRemind
		case v.Stage == 1 && age >= s.AlternateAfter:
			return EscalateAlternates
		case v.Stage < 2 || age < s.FlagAfter:
			return EscalateNone
		}
	}
	if Unresponsive(v.Attempts, v.FirstContact, v.LastResponse, v.Agreed, now) {
		return EscalateFlag
	}
	return EscalateNone
}
