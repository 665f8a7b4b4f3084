package status

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
)

// The bounds of what vendors write.
const (
	MaxProduct    = 200
	MaxText       = 20000
	MaxReferences = 20
	maxRef        = 2000
	maxID         = 500 // a purl or CPE
)

var (
	// A package URL: pkg:type/[namespace/]name[@version][?qualifiers][#subpath],
	// in the characters of a URI (other characters are percent-encoded).
	purlPattern = regexp.MustCompile(`^pkg:[A-Za-z][A-Za-z0-9.+-]*/[A-Za-z0-9%._~!$&'()*+,;=:@-][A-Za-z0-9%._~!$&'()*+,;=:@/?#-]*$`)
	// A CPE 2.3 formatted string or a CPE 2.2 URI.
	cpe23Pattern = regexp.MustCompile(`^cpe:2\.3:[aho*-](:[^:\s]+){10}$`)
	cpe22Pattern = regexp.MustCompile(`^cpe:/[aho](:[^:\s]*){1,6}$`)
)

// ParseStatus reads a status by its name (any case; "-" or " " for "_").
func ParseStatus(s string) (Status, error) {
	st := normStatus(Status(s))
	if _, ok := statusLabels[st]; ok {
		return st, nil
	}
	if st == "" {
		return "", errs.Field("status", "is required: use under_investigation, affected, not_affected or fixed")
	}
	return "", errs.Field("status", "%q is not a status: use under_investigation, affected, not_affected or fixed", s)
}

// ParseJustification reads a justification; "" is none.
func ParseJustification(s string) (Justification, error) {
	j := Justification(strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s))))
	if _, ok := justificationLabels[j]; ok || j == "" {
		return j, nil
	}
	names := make([]string, 0, len(justificationLabels))
	for _, x := range Justifications() {
		names = append(names, string(x))
	}
	return "", errs.Field("justification", "%q is not a justification: use one of %s", s, strings.Join(names, ", "))
}

// check validates f and returns it normalised. The rules are OpenVEX's:
// not_affected needs a justification (and only it takes one), affected an
// action statement, fixed the version that fixed it.
func (f Fields) check() (Fields, error) {
	var err error
	if f.Status, err = ParseStatus(string(f.Status)); err != nil {
		return f, err
	}
	if f.Justification, err = ParseJustification(string(f.Justification)); err != nil {
		return f, err
	}
	if f.Vulnerability <= 0 {
		return f, errs.Field("vulnerability_id", "is required: the vulnerability of the case the statement is about")
	}
	if f.Product, err = oneLine("product", f.Product, MaxProduct, true); err != nil {
		return f, err
	}
	if err := f.checkIDs(); err != nil {
		return f, err
	}
	if err := f.checkVersions(); err != nil {
		return f, err
	}
	if err := f.checkTexts(); err != nil {
		return f, err
	}
	if err := f.checkStatus(); err != nil {
		return f, err
	}
	f.References, err = checkReferences(f.References)
	return f, err
}

func (f *Fields) checkIDs() error {
	var err error
	if f.PURL, err = oneLine("purl", f.PURL, maxID, false); err != nil {
		return err
	}
	if f.PURL != "" && !purlPattern.MatchString(f.PURL) {
		return errs.Field("purl", "must be a package URL such as pkg:npm/left-pad@1.3.0")
	}
	if f.CPE, err = oneLine("cpe", f.CPE, maxID, false); err != nil {
		return err
	}
	if f.CPE != "" && !cpe23Pattern.MatchString(f.CPE) && !cpe22Pattern.MatchString(f.CPE) {
		return errs.Field("cpe", "must be a CPE 2.3 name such as cpe:2.3:a:acme:router:2.4:*:*:*:*:*:*:*")
	}
	return nil
}

func (f *Fields) checkVersions() error {
	vs, err := ParseVersions(f.Versions)
	if err != nil {
		return errs.Field("versions", "%s", err.Error())
	}
	f.Versions = vs.String()
	f.FixedVersion = strings.TrimSpace(f.FixedVersion)
	if f.FixedVersion != "" && !validVersion(f.FixedVersion) {
		return errs.Field("fixed_version", "must be one version such as 2.4.1 (letters, digits and . _ + ~ - : only)")
	}
	return nil
}

func (f *Fields) checkTexts() error {
	var err error
	if f.Action, err = text("action_statement", f.Action); err != nil {
		return err
	}
	f.Text, err = text("statement", f.Text)
	return err
}

// checkStatus applies the rules that tie fields to the status.
func (f Fields) checkStatus() error {
	switch {
	case f.Status == NotAffected && f.Justification == "":
		return errs.Field("justification", "is required when not affected: say why (component_not_present, vulnerable_code_not_present, ...)")
	case f.Status != NotAffected && f.Justification != "":
		return errs.Field("justification", "is only for not_affected")
	case f.Status == Fixed && f.FixedVersion == "":
		return errs.Field("fixed_version", "is required when fixed: the first version with the fix")
	case f.Status == Affected && f.Action == "":
		return errs.Field("action_statement", "is required when affected: what users should do (update, work around, wait for a fix)")
	}
	return nil
}

// checkReferences trims the references, drops empty ones and repeats, and
// refuses any that is not an absolute http(s) URL.
func checkReferences(refs []string) ([]string, error) {
	var out []string
	for i, r := range refs {
		r = strings.TrimSpace(r)
		if r == "" || slices.Contains(out, r) {
			continue
		}
		field := "references[" + strconv.Itoa(i) + "]"
		u, err := url.Parse(r)
		switch {
		case len(r) > maxRef:
			return nil, errs.Field(field, "must be at most %d characters long", maxRef)
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(r, " \t\r\n"):
			return nil, errs.Field(field, "%q is not an http(s) URL", r)
		}
		out = append(out, r)
	}
	if len(out) > MaxReferences {
		return nil, errs.Field("references", "name at most %d references", MaxReferences)
	}
	return out, nil
}

// oneLine trims a one-line value and checks its length.
func oneLine(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		return "", errs.Field(field, "is required")
	case n > max:
		return "", errs.Field(field, "must be at most %d characters long", max)
	case strings.ContainsAny(s, "\r\n\x00"):
		return "", errs.Field(field, "must be one line")
	}
	return s, nil
}

// text trims a text and checks its length.
func text(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case utf8.RuneCountInString(s) > MaxText:
		return "", errs.Field(field, "must be at most %d characters long", MaxText)
	case strings.ContainsRune(s, 0):
		return "", errs.Field(field, "must not contain NUL characters")
	}
	return s, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
