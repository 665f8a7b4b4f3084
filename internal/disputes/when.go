package disputes

import (
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// MaxAhead is how far ahead an extension may reach: an embargo never lasts
// longer than a year.
const MaxAhead = 365 * 24 * time.Hour

// ParseWhen reads the end of a deadline extension as cases.ParseEnd reads
// an embargo's end (an RFC 3339 time with its offset, or a local date-time
// with an IANA zone). The end must lie after now and at most MaxAhead after
// it. It returns the instant in UTC and the zone it was meant in. The errors
// name the fields "until" and "zone".
func ParseWhen(value, zone string, now time.Time) (time.Time, string, error) {
	t, zone, err := cases.ParseEnd(value, zone)
	if err != nil {
		return time.Time{}, "", errs.Renamed(err, "ends_at", "until")
	}
	t = t.UTC().Truncate(time.Second)
	switch {
	case !t.After(now):
		return time.Time{}, "", errs.Field("until", "is in the past: name a time after now (%s UTC)", now.UTC().Format("2006-01-02 15:04"))
	case t.Sub(now) > MaxAhead:
		return time.Time{}, "", errs.Field("until", "is more than a year away: a deadline is never extended beyond a year")
	}
	return t, zone, nil
}

// InZone returns t in zone, or in UTC if zone cannot be loaded.
func InZone(t time.Time, zone string) time.Time {
	if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
		return t.In(loc)
	}
	return t.UTC()
}

// whenWords writes t as its zone shows it, e.g. "2026-07-01 12:00
// Europe/Berlin".
func whenWords(t time.Time, zone string) string {
	if zone == "" {
		zone = "UTC"
	}
	return InZone(t, zone).Format("2006-01-02 15:04") + " " + zone
}
