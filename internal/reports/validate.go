package reports

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
)

// Limits of a submission's fields.
const (
	MaxTitle       = 200                // characters
	MaxName        = 200                // characters, for names of products, vendors, people
	MaxText        = markdown.MaxSource // bytes, for each Markdown field
	MaxShortText   = 5000               // characters, for notes
	MaxProducts    = 50
	MaxVersions    = 50 // per product
	MaxVersion     = 100
	MaxVendors     = 20
	MaxTrackingIDs = 20
	MaxTrackingID  = 100
	MaxPGPKey      = 64 << 10 // bytes
)

// validate checks every field of s and returns it normalised (trimmed,
// blank list entries dropped, line ends made \n), with the disclosure date
// in UTC. The error names the first field at fault.
func validate(s Submission, now time.Time) (Submission, time.Time, error) {
	var err error
	if s.Channel, err = checkChannel(s.Channel); err != nil {
		return s, time.Time{}, err
	}
	if s.Details, err = checkTexts(s.Details); err != nil {
		return s, time.Time{}, err
	}
	if s.Products, err = checkProducts(s.Products); err != nil {
		return s, time.Time{}, err
	}
	if s.Vendors, err = checkVendors(s.Vendors); err != nil {
		return s, time.Time{}, err
	}
	if s.FoundOn, err = checkFoundOn(s.FoundOn, now); err != nil {
		return s, time.Time{}, err
	}
	var at time.Time
	if s.Disclosure, at, err = checkDisclosure(s.Disclosure, now); err != nil {
		return s, time.Time{}, err
	}
	if s.Contact, err = checkContact(s.Contact); err != nil {
		return s, time.Time{}, err
	}
	if s.PGPKey, err = checkPGPKey(s.PGPKey); err != nil {
		return s, time.Time{}, err
	}
	if s.Credit, s.CreditName, err = checkCredit(s.Credit, s.CreditName); err != nil {
		return s, time.Time{}, err
	}
	if s.TrackingIDs, err = checkTrackingIDs(s.TrackingIDs); err != nil {
		return s, time.Time{}, err
	}
	if s.AIUse, s.AIDetails, err = checkAI(s.AIUse, s.AIDetails, s.Channel); err != nil {
		return s, time.Time{}, err
	}
	return s, at, nil
}

func checkChannel(c Channel) (Channel, error) {
	switch c {
	case ChannelWeb, ChannelAPI, ChannelEmail:
		return c, nil
	}
	return c, errs.Field("channel", "must be web, api or email")
}

// checkTexts checks the title and the free-text fields.
func checkTexts(d Details) (Details, error) {
	var err error
	if d.Title, err = oneLine("title", d.Title, MaxTitle, true); err != nil {
		return d, err
	}
	fields := []struct {
		name     string
		v        *string
		required bool
	}{
		{"description", &d.Description, true},
		{"proof_of_concept", &d.ProofOfConcept, false},
		{"impact", &d.Impact, false},
		{"how_found", &d.HowFound, false},
		{"already_reported_to", &d.AlreadyReportedTo, false},
		{"public_details", &d.PublicDetails, false},
	}
	for _, f := range fields {
		if *f.v, err = text(f.name, *f.v, MaxText, f.required); err != nil {
			return d, err
		}
	}
	return d, nil
}

func checkProducts(list []Product) ([]Product, error) {
	var out []Product
	for i, p := range list {
		field := fmt.Sprintf("products[%d]", i)
		if strings.TrimSpace(p.Name) == "" && blank(p.Versions) {
			continue // an empty row of a form
		}
		name, err := oneLine(field+".name", p.Name, MaxName, true)
		if err != nil {
			return nil, err
		}
		var versions []string
		for j, v := range p.Versions {
			v, err := oneLine(fmt.Sprintf("%s.versions[%d]", field, j), v, MaxVersion, false)
			if err != nil {
				return nil, err
			}
			if v != "" {
				versions = append(versions, v)
			}
		}
		if len(versions) > MaxVersions {
			return nil, errs.Field(field+".versions", "can list at most %d versions; give ranges (like \"2.0 to 2.4.1\") instead", MaxVersions)
		}
		out = append(out, Product{Name: name, Versions: versions})
	}
	if len(out) > MaxProducts {
		return nil, errs.Field("products", "can list at most %d products", MaxProducts)
	}
	return out, nil
}

func blank(list []string) bool {
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

func checkVendors(list []Vendor) ([]Vendor, error) {
	var out []Vendor
	for i, v := range list {
		field := fmt.Sprintf("vendors[%d]", i)
		if strings.TrimSpace(v.Name) == "" && v.OrgID == 0 {
			continue
		}
		if v.OrgID < 0 {
			return nil, errs.Field(field+".org_id", "is not an organisation")
		}
		name, err := oneLine(field+".name", v.Name, MaxName, true)
		if err != nil {
			return nil, err
		}
		out = append(out, Vendor{Name: name, OrgID: v.OrgID})
	}
	if len(out) > MaxVendors {
		return nil, errs.Field("vendors", "can list at most %d vendors", MaxVendors)
	}
	return out, nil
}

// parseFoundOn reads "2006-01-02" or "2006-01".
func parseFoundOn(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02", "2006-01"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func checkFoundOn(s string, now time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	t, ok := parseFoundOn(s)
	if !ok {
		return s, errs.Field("found_on", "must be a date like 2026-03-01, or a month like 2026-03")
	}
	if t.Year() < 1970 || t.After(now.Add(24*time.Hour)) {
		return s, errs.Field("found_on", "must not be in the future")
	}
	return s, nil
}

// parseDisclosure reads a local date, with an optional time of day, in
// zone; a date alone means the start of that day.
func parseDisclosure(date, zone string) (time.Time, error) {
	if zone == "" || zone == "Local" || strings.ContainsAny(zone, " \t\r\n") {
		return time.Time{}, errs.Field("disclosure.zone", "must be an IANA time zone (like Europe/Berlin or UTC)")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return time.Time{}, errs.Field("disclosure.zone", "is not a time zone we know; use an IANA name like Europe/Berlin or UTC")
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, date, loc); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errs.Field("disclosure.date", "must be a date like 2026-09-01, with an optional time like 2026-09-01T09:00")
}

func checkDisclosure(d Disclosure, now time.Time) (Disclosure, time.Time, error) {
	var err error
	if d.Notes, err = text("disclosure.notes", d.Notes, MaxShortText, false); err != nil {
		return d, time.Time{}, err
	}
	d.Date, d.Zone = strings.TrimSpace(d.Date), strings.TrimSpace(d.Zone)
	if d.Date == "" {
		d.Zone = "" // a form's preselected zone without a date says nothing
		return d, time.Time{}, nil
	}
	at, err := parseDisclosure(d.Date, d.Zone)
	if err != nil {
		return d, time.Time{}, err
	}
	if at.Year() < 1990 || at.After(now.AddDate(5, 0, 0)) {
		return d, time.Time{}, errs.Field("disclosure.date", "must be within the next five years")
	}
	return d, at, nil
}

func checkContact(c Contact) (Contact, error) {
	var err error
	if c.Name, err = oneLine("contact.name", c.Name, MaxName, false); err != nil {
		return c, err
	}
	if c.Organisation, err = oneLine("contact.organisation", c.Organisation, MaxName, false); err != nil {
		return c, err
	}
	if strings.TrimSpace(c.Email) == "" {
		c.Email = ""
		return c, nil
	}
	c.Email, err = auth.NormalizeEmail("contact.email", c.Email)
	return c, err
}

const (
	pgpBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	pgpEnd   = "-----END PGP PUBLIC KEY BLOCK-----"
)

// checkPGPKey accepts an armoured public key (another package parses it);
// a private key is refused, since sending it exposes it.
func checkPGPKey(k string) (string, error) {
	k, err := text("pgp_key", k, MaxPGPKey, false)
	if err != nil || k == "" {
		return k, err
	}
	if strings.Contains(k, "PRIVATE KEY BLOCK") {
		return "", errs.Field("pgp_key", "is a private key: send only your public key (and treat this private key as exposed)")
	}
	b := strings.Index(k, pgpBegin)
	if b < 0 || !strings.Contains(k[b:], pgpEnd) {
		return "", errs.Field("pgp_key", "must be an armoured OpenPGP public key, from %s to %s", pgpBegin, pgpEnd)
	}
	return k, nil
}

func checkCredit(w CreditWish, name string) (CreditWish, string, error) {
	switch w {
	case "":
		w = CreditNone
	case CreditNone, CreditNamed, CreditAnonymous:
	default:
		return w, name, errs.Field("credit", "must be none, named or anonymous")
	}
	if w != CreditNamed {
		return w, "", nil
	}
	name, err := oneLine("credit_name", name, MaxName, false)
	if err == nil && name == "" {
		err = errs.Field("credit_name", "is required when you want to be credited by name")
	}
	return w, name, err
}

func checkTrackingIDs(list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for i, id := range list {
		id, err := oneLine(fmt.Sprintf("tracking_ids[%d]", i), id, MaxTrackingID, false)
		if err != nil {
			return nil, err
		}
		if id == "" || seen[strings.ToLower(id)] {
			continue
		}
		seen[strings.ToLower(id)] = true
		out = append(out, id)
	}
	if len(out) > MaxTrackingIDs {
		return nil, errs.Field("tracking_ids", "can list at most %d IDs", MaxTrackingIDs)
	}
	return out, nil
}

func checkAI(u AIUse, details string, c Channel) (AIUse, string, error) {
	switch u {
	case AINone, AIAssisted, AIGenerated:
	case "", AIUnstated:
		if c != ChannelEmail {
			return u, details, errs.Field("ai_use", "is required: say whether AI tools were used to find the issue or write the report (none, assisted or generated)")
		}
		u = AIUnstated
	default:
		return u, details, errs.Field("ai_use", "must be none, assisted or generated")
	}
	details, err := text("ai_details", details, MaxShortText, false)
	return u, details, err
}

// oneLine checks a one-line field: valid UTF-8, no control or
// bidirectional formatting characters, runs of white space made one space,
// at most max characters.
func oneLine(field, s string, max int, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", errs.Field(field, "is not valid UTF-8 text")
	}
	s = strings.Join(strings.Fields(s), " ")
	for _, r := range s {
		if unicode.IsControl(r) || bidi(r) {
			return "", errs.Field(field, "must not contain control characters")
		}
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		return "", errs.Field(field, "is required")
	case n > max:
		return "", errs.Field(field, "must be at most %d characters long", max)
	}
	return s, nil
}

// text checks a multi-line field: valid UTF-8, no control characters but
// tabs and line ends (made \n), trimmed, at most max bytes when max is
// MaxText or MaxPGPKey, else max characters.
func text(field, s string, max int, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", errs.Field(field, "is not valid UTF-8 text")
	}
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return "", errs.Field(field, "must not contain control characters")
		}
	}
	n, unit := utf8.RuneCountInString(s), "characters"
	if max == MaxText || max == MaxPGPKey {
		n, unit = len(s), "bytes"
	}
	switch {
	case n == 0 && required:
		return "", errs.Field(field, "is required")
	case n > max:
		if unit == "bytes" {
			return "", errs.Field(field, "must be at most %d KiB; put longer material in an attachment", max>>10)
		}
		return "", errs.Field(field, "must be at most %d %s long", max, unit)
	}
	return s, nil
}

// bidi reports the bidirectional formatting characters that can make a
// line read differently from what it says ("Trojan Source").
func bidi(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}
