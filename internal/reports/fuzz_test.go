package reports

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzSubmission feeds arbitrary text to every parsed and checked field.
// Whatever validate accepts must be clean (valid UTF-8, one-line fields
// without control characters, within the limits), and validating it again
// must change nothing.
func FuzzSubmission(f *testing.F) {
	f.Add("Title", "desc", "Router", "1.0", "Acme", "2026-04-20", "2026-08-01T09:00", "Europe/Helsinki", "a@b.example", "CVE-2026-1", "none")
	f.Add(" \u202e ", "\x00", "", " ", "", "2026-13", "2026-02-30 25:00", "Local", "a@", "", "")
	f.Add("t", "d", "p\r\nq", "v\tw", "x", "2026-04", "2026-08-01", "../../etc/passwd", "Fay <f@x.example>", "\xff", "assisted")
	f.Add("t", "d", "p", "v", "x", "1969-12", "9999-01-01T00:00:00", "America/New_York", "", "", "generated")
	now := time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, title, desc, product, version, vendor, foundOn, date, zone, email, trackingID, ai string) {
		s := Submission{Channel: ChannelAPI, Details: Details{
			Title: title, Description: desc, Products: []Product{{Name: product, Versions: []string{version}}},
			Vendors: []Vendor{{Name: vendor}}, FoundOn: foundOn, Disclosure: Disclosure{Date: date, Zone: zone},
			Contact: Contact{Email: email}, TrackingIDs: []string{trackingID}, AIUse: AIUse(ai),
		}}
		out, at, err := validate(s, now)
		if err != nil {
			return
		}
		for _, line := range append([]string{out.Title, out.Contact.Email, out.FoundOn}, namesOf(out)...) {
			if !utf8.ValidString(line) || strings.ContainsFunc(line, func(r rune) bool { return unicode.IsControl(r) || bidi(r) }) {
				t.Fatalf("unclean one-line value %q", line)
			}
		}
		if !utf8.ValidString(out.Description) || len(out.Description) > MaxText || utf8.RuneCountInString(out.Title) > MaxTitle {
			t.Fatalf("description or title out of bounds")
		}
		if (out.Disclosure.Date == "") != at.IsZero() || (!at.IsZero() && at.Location() != time.UTC) {
			t.Fatalf("disclosure %q gave %v", out.Disclosure.Date, at)
		}
		again, at2, err := validate(out, now)
		if err != nil || !reflect.DeepEqual(again, out) || !at2.Equal(at) {
			t.Fatalf("validate is not idempotent: %v\n%#v\n%#v", err, out, again)
		}
	})
}

func namesOf(s Submission) []string {
	var out []string
	for _, p := range s.Products {
		out = append(out, p.Name)
		out = append(out, p.Versions...)
	}
	for _, v := range s.Vendors {
		out = append(out, v.Name)
	}
	return append(out, s.TrackingIDs...)
}

// FuzzCleanFileName: an attachment's name never holds a path or control
// characters, and is never empty.
func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"poc.py", "../../etc/passwd", `C:\Users\x\evil.exe`, "..", "a\x00b", "\u202egnp.exe", strings.Repeat("é", 300) + ".txt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := cleanFileName(name, 0)
		if got == "" || strings.ContainsAny(got, `/\`) || got == "." || got == ".." || !utf8.ValidString(got) ||
			utf8.RuneCountInString(got) > MaxName || strings.ContainsFunc(got, func(r rune) bool { return unicode.IsControl(r) || bidi(r) }) {
			t.Fatalf("cleanFileName(%q) = %q", name, got)
		}
	})
}
