package disputes_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
)

func TestParseWhen(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	table := []struct {
		name, value, zone string
		want              time.Time
		wantZone          string
		field             string // of the error; "" when accepted
	}{
		{"local with zone", "2026-07-01T12:00", "Europe/Berlin", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "Europe/Berlin", ""},
		{"local with seconds and a space", "2026-07-01 12:00:30", "UTC", time.Date(2026, 7, 1, 12, 0, 30, 0, time.UTC), "UTC", ""},
		{"RFC 3339 with offset", "2026-07-01T12:00:00+02:00", "", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "Etc/GMT-2", ""},
		{"RFC 3339 in UTC", "2026-07-01T12:00:00Z", "", time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC), "UTC", ""},
		{"RFC 3339 with a half-hour offset", "2026-07-01T12:00:00+05:30", "", time.Date(2026, 7, 1, 6, 30, 0, 0, time.UTC), "UTC", ""},
		{"RFC 3339 with its zone", "2026-07-01T12:00:00+02:00", "Europe/Berlin", time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "Europe/Berlin", ""},
		{"RFC 3339 with a zone at another offset", "2026-07-01T12:00:00+02:00", "Europe/London", time.Time{}, "", "zone"},
		{"local without a zone", "2026-07-01T12:00", "", time.Time{}, "", "zone"},
		{"unknown zone", "2026-07-01T12:00", "Mars/Olympus", time.Time{}, "", "zone"},
		{"Local is no IANA zone", "2026-07-01T12:00", "Local", time.Time{}, "", "zone"},
		{"empty", "", "UTC", time.Time{}, "", "until"},
		{"date alone", "2026-07-01", "UTC", time.Time{}, "", "until"},
		{"in the past", "2026-04-30T12:00", "UTC", time.Time{}, "", "until"},
		{"now is not after now", "2026-05-01T12:00", "UTC", time.Time{}, "", "until"},
		{"beyond a year", "2027-05-02T12:00", "UTC", time.Time{}, "", "until"},
		{"just within a year", "2027-05-01T12:00", "UTC", time.Date(2027, 5, 1, 12, 0, 0, 0, time.UTC), "UTC", ""},
	}
	for _, c := range table {
		got, zone, err := disputes.ParseWhen(c.value, c.zone, now)
		if c.field != "" {
			if errs.KindOf(err) != errs.Invalid || errs.FieldOf(err) != c.field {
				t.Errorf("%s: error %v, want invalid %s", c.name, err, c.field)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) || zone != c.wantZone || got.Location() != time.UTC {
			t.Errorf("%s: got %v %q %v, want %v %q", c.name, got, zone, err, c.want, c.wantZone)
		}
	}
}
