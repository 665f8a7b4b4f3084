package credits

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
)

// Type is what a person is credited for: the credit types of CVE JSON 5.
type Type string

// The credit types.
const (
	Finder               Type = "finder"
	Reporter             Type = "reporter"
	Analyst              Type = "analyst"
	Coordinator          Type = "coordinator"
	RemediationDeveloper Type = "remediation_developer"
	RemediationReviewer  Type = "remediation_reviewer"
	RemediationVerifier  Type = "remediation_verifier"
	Tool                 Type = "tool"
	Sponsor              Type = "sponsor"
	Other                Type = "other"
)

// Types lists the credit types in the order forms offer them.
var Types = []Type{Finder, Reporter, Analyst, Coordinator, RemediationDeveloper, RemediationReviewer,
	RemediationVerifier, Tool, Sponsor, Other}

var typeLabels = map[Type]string{
	Finder: "Finder", Reporter: "Reporter", Analyst: "Analyst", Coordinator: "Coordinator",
	RemediationDeveloper: "Remediation developer", RemediationReviewer: "Remediation reviewer",
	RemediationVerifier: "Remediation verifier", Tool: "Tool", Sponsor: "Sponsor", Other: "Other",
}

// Label is the type in plain words.
func (t Type) Label() string { return typeLabels[t] }

// ParseType checks a credit type.
func ParseType(s string) (Type, error) {
	t := Type(strings.TrimSpace(s))
	if _, ok := typeLabels[t]; !ok {
		return "", errs.Field("type", "must be one of finder, reporter, analyst, coordinator, remediation_developer, remediation_reviewer, remediation_verifier, tool, sponsor, other")
	}
	return t, nil
}

// Status is where a credit stands with the credited.
type Status string

// The statuses of a credit.
const (
	Proposed Status = "proposed"
	Accepted Status = "accepted"
	Declined Status = "declined"
)

// ParseStatus checks a status.
func ParseStatus(s string) (Status, error) {
	switch st := Status(strings.TrimSpace(s)); st {
	case Proposed, Accepted, Declined:
		return st, nil
	}
	return "", errs.Field("status", "must be proposed, accepted or declined")
}

// AnonymousName is how an anonymous credit is printed.
const AnonymousName = "Anonymous"

// Limits of the texts of a credit.
const (
	MaxName   = 200
	MaxReason = 2000
)

// Credit is one credit of a case.
type Credit struct {
	ID      int64
	CaseID  int64
	CaseKey string
	// CaseTitle is the case's title, for the credited user's own list.
	CaseTitle string
	Type      Type
	// UserID is the credited account (0 for a name without one); UserName
	// its name.
	UserID   int64
	UserName string
	// Name and Email name someone without an account.
	Name         string
	Email        string
	Organisation string
	// VulnerabilityID is the vulnerability of the case it is for (0 for
	// the case as a whole).
	VulnerabilityID int64
	Status          Status
	Anonymous       bool
	// PrintedName is the name as the credited wants it printed ('' for
	// the account's name or the name given).
	PrintedName string
	// Printed is what is published: "Anonymous", the printed name, or the
	// credited's name.
	Printed   string
	Reason    string
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int
	// Redacted is set when the caller sees the credit only as it is
	// printed (no account, e-mail or reason).
	Redacted bool
}

// printed is what c publishes.
func (c Credit) printed() string {
	switch {
	case c.Anonymous:
		return AnonymousName
	case c.PrintedName != "":
		return c.PrintedName
	case c.UserID != 0:
		return c.UserName
	}
	return c.Name
}

// Who is the credited as those who see the credit whole name it.
func (c Credit) Who() string {
	if c.UserID != 0 {
		return c.UserName
	}
	return c.Name
}

// checkLine trims a one-line text of at most max characters.
func checkLine(field, s string, max int, required bool) (string, error) {
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

func checkEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", errs.Field("email", "must be an e-mail address such as ada@example.org")
	}
	return s, nil
}

func checkReason(s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		return "", errs.Field("reason", "is required: say why you answer for the credited")
	case n > MaxReason:
		return "", errs.Field("reason", "must be at most %d characters long", MaxReason)
	case strings.ContainsRune(s, 0):
		return "", errs.Field("reason", "must not contain NUL characters")
	}
	return s, nil
}
