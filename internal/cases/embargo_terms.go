package cases

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
)

// Limits on embargo terms (../shared/DOMAIN.md): at most 90 days unless
// justified, never more than a year.
const (
	EmbargoUsualMax = 90 * 24 * time.Hour
	EmbargoMax      = 365 * 24 * time.Hour
	maxJustify      = 4000
)

// Terms are the terms of an embargo: when it ends, in which time zone the
// proposer meant it, and why it is longer than usual.
type Terms struct {
	EndsAt        time.Time // the instant, in UTC
	Zone          string    // an IANA zone (Europe/Berlin) or UTC
	Justification string    // needed beyond 90 days
}

// Local returns the end in the terms' own zone.
func (t Terms) Local() time.Time {
	if loc, err := time.LoadLocation(t.Zone); err == nil {
		return t.EndsAt.In(loc)
	}
	return t.EndsAt.UTC()
}

// ParseEnd reads an embargo end given as a date and time with an explicit
// time zone: either a local date-time ("2026-12-31T17:00") with an IANA
// zone, or an RFC 3339 time with its offset, the zone then optional (when
// given it must agree with the offset at that instant). Whatever was given,
// the end is an unambiguous instant.
func ParseEnd(at, zone string) (time.Time, string, error) {
	at, zone = strings.TrimSpace(at), strings.TrimSpace(zone)
	if at == "" {
		return time.Time{}, "", errs.Field("ends_at", "is required: the date and time the embargo ends")
	}
	var loc *time.Location
	if zone != "" {
		l, err := time.LoadLocation(zone)
		if err != nil || zone == "Local" {
			return time.Time{}, "", errs.Field("zone", "must be an IANA time zone such as Europe/Berlin or UTC")
		}
		loc = l
	}
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		if loc == nil {
			return t.UTC(), offsetZone(t), nil
		}
		_, want := t.Zone()
		if _, got := t.In(loc).Zone(); got != want {
			return time.Time{}, "", errs.Field("zone", "%s is not at offset %s on %s", zone, t.Format("-07:00"), t.Format("2006-01-02"))
		}
		return t.UTC(), zone, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02 15:04:05"} {
		t, err := time.ParseInLocation(layout, at, time.UTC)
		if err != nil {
			continue
		}
		if loc == nil {
			return time.Time{}, "", errs.Field("zone", "is required: say in which time zone %s is meant (e.g. Europe/Berlin or UTC)", at)
		}
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc)
		return local.UTC(), zone, nil
	}
	return time.Time{}, "", errs.Field("ends_at", "must be a date and time such as 2026-12-31T17:00 (with a zone) or 2026-12-31T17:00:00+01:00")
}

// offsetZone names the zone of an RFC 3339 time: UTC, or its fixed offset
// as a zone Go can load back (Etc/GMT zones count the other way round and
// only whole hours, so a fixed offset is kept as UTC).
func offsetZone(t time.Time) string {
	if _, off := t.Zone(); off != 0 && off%3600 == 0 {
		h := off / 3600
		if h > 0 {
			return "Etc/GMT-" + itoa(h)
		}
		return "Etc/GMT+" + itoa(-h)
	}
	return "UTC"
}

// check validates terms proposed at now: the end lies ahead and within a
// year, and a justification comes with more than 90 days.
func (t Terms) check(now time.Time) (Terms, error) {
	t.Justification = strings.TrimSpace(t.Justification)
	if t.EndsAt.IsZero() {
		return t, errs.Field("ends_at", "is required: the date and time the embargo ends")
	}
	if t.Zone == "" {
		return t, errs.Field("zone", "is required: the time zone the end is meant in")
	}
	if _, err := time.LoadLocation(t.Zone); err != nil {
		return t, errs.Field("zone", "must be an IANA time zone such as Europe/Berlin or UTC")
	}
	t.EndsAt = t.EndsAt.UTC().Truncate(time.Second)
	switch {
	case !t.EndsAt.After(now):
		return t, errs.Field("ends_at", "is in the past: an embargo must end after now (%s UTC)", now.Format("2006-01-02 15:04"))
	case t.EndsAt.Sub(now) > EmbargoMax:
		return t, errs.Field("ends_at", "is more than a year away: an embargo never lasts longer than a year")
	case t.EndsAt.Sub(now) > EmbargoUsualMax && t.Justification == "":
		return t, errs.Field("justification", "is required for an embargo longer than 90 days: say why it is needed")
	case utf8.RuneCountInString(t.Justification) > maxJustify:
		return t, errs.Field("justification", "must be at most %d characters long", maxJustify)
	}
	return t, nil
}
