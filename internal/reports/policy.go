package reports

import (
	"time"
)

// Policy is a program's intake and triage policy.
type Policy struct {
	// RequirePoC refuses reports without a proof of concept.
	RequirePoC bool
	// RequireVersion refuses reports that name no affected version.
	RequireVersion bool

	// Quota is how many reports a reporter without a track record (no
	// report judged valid yet) may send per QuotaWindow; 0 means no quota.
	// Reporters are told apart by account, else by contact address;
	// anonymous reports without an address are left to the transport's
	// rate limits. Reports marked actively exploited or critical are never
	// refused.
	Quota       int
	QuotaWindow time.Duration

	// MaxAttachments, MaxAttachmentSize and MaxAttachmentsSize bound the
	// attachments of one report: their number, each one's size and the sum.
	MaxAttachments     int
	MaxAttachmentSize  int64
	MaxAttachmentsSize int64

	// AckBusinessDays is the acknowledgement target in business days
	// (Monday to Friday in Location).
	AckBusinessDays int
	// Location is the time zone whose weekends the target skips.
	Location *time.Location

	// WaitingExpiry is how long a report waits for its reporter's answer
	// before it closes itself.
	WaitingExpiry time.Duration
}

// DefaultPolicy is the policy of a fresh instance: no gates, a quota of 5
// reports a day for newcomers, 10 attachments of at most 10 MiB and 25 MiB
// in all, acknowledgement within 2 business days (UTC), 30 days to answer
// a question.
func DefaultPolicy() Policy {
	return Policy{
		Quota:              5,
		QuotaWindow:        24 * time.Hour,
		MaxAttachments:     10,
		MaxAttachmentSize:  10 << 20,
		MaxAttachmentsSize: 25 << 20,
		AckBusinessDays:    2,
		Location:           time.UTC,
		WaitingExpiry:      30 * 24 * time.Hour,
	}
}

// withDefaults fills the zero fields that have no meaningful zero.
func (p Policy) withDefaults() Policy {
	d := DefaultPolicy()
	if p.QuotaWindow <= 0 {
		p.QuotaWindow = d.QuotaWindow
	}
	if p.MaxAttachments <= 0 {
		p.MaxAttachments = d.MaxAttachments
	}
	if p.MaxAttachmentSize <= 0 {
		p.MaxAttachmentSize = d.MaxAttachmentSize
	}
	if p.MaxAttachmentsSize <= 0 {
		p.MaxAttachmentsSize = d.MaxAttachmentsSize
	}
	if p.AckBusinessDays <= 0 {
		p.AckBusinessDays = d.AckBusinessDays
	}
	if p.Location == nil {
		p.Location = time.UTC
	}
	if p.WaitingExpiry <= 0 {
		p.WaitingExpiry = d.WaitingExpiry
	}
	return p
}

// AckDue is when a report received at t should be acknowledged: days
// business days later, at the same clock time, skipping Saturdays and
// Sundays in loc. A report received at a weekend counts from the next
// Monday's start.
func AckDue(t time.Time, days int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	d := t.In(loc)
	for weekend(d) {
		y, m, day := d.Date()
		d = time.Date(y, m, day+1, 0, 0, 0, 0, loc)
	}
	for days > 0 {
		d = d.AddDate(0, 0, 1)
		if !weekend(d) {
			days--
		}
	}
	return d.UTC()
}

func weekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }
