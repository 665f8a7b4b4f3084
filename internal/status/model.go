package status

import (
	"strings"
	"time"
)

// Status is where a product stands on a vulnerability: OpenVEX's four.
type Status string

// The statuses of a statement.
const (
	UnderInvestigation Status = "under_investigation"
	Affected           Status = "affected"     // needs an action statement
	NotAffected        Status = "not_affected" // needs a justification
	Fixed              Status = "fixed"        // needs the fixed version
)

// Statuses returns every status in the order forms list them.
func Statuses() []Status { return []Status{UnderInvestigation, Affected, NotAffected, Fixed} }

var statusLabels = map[Status]string{
	UnderInvestigation: "Under investigation",
	Affected:           "Affected",
	NotAffected:        "Not affected",
	Fixed:              "Fixed",
}

// Label names the status in plain words.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Justification says why a product is not affected: OpenVEX's enum.
type Justification string

// The justifications of not_affected.
const (
	ComponentNotPresent              Justification = "component_not_present"
	VulnerableCodeNotPresent         Justification = "vulnerable_code_not_present"
	VulnerableCodeNotInExecutePath   Justification = "vulnerable_code_not_in_execute_path"
	VulnerableCodeCannotBeControlled Justification = "vulnerable_code_cannot_be_controlled_by_adversary"
	InlineMitigationsAlreadyExist    Justification = "inline_mitigations_already_exist"
)

// Justifications returns every justification in OpenVEX's order.
func Justifications() []Justification {
	return []Justification{ComponentNotPresent, VulnerableCodeNotPresent, VulnerableCodeNotInExecutePath,
		VulnerableCodeCannotBeControlled, InlineMitigationsAlreadyExist}
}

var justificationLabels = map[Justification]string{
	ComponentNotPresent:              "The component is not present",
	VulnerableCodeNotPresent:         "The vulnerable code is not present",
	VulnerableCodeNotInExecutePath:   "The vulnerable code is not in the execute path",
	VulnerableCodeCannotBeControlled: "The vulnerable code cannot be controlled by an adversary",
	InlineMitigationsAlreadyExist:    "Inline mitigations already exist",
}

// Label names the justification in plain words.
func (j Justification) Label() string {
	if l, ok := justificationLabels[j]; ok {
		return l
	}
	return string(j)
}

// Approval is where a statement stands for publication.
type Approval string

// The approval states: a statement is a draft until a coordinator approves
// it; any edit makes it a draft again.
const (
	Draft    Approval = "draft"
	Approved Approval = "approved"
)

// Statement is what one vendor states about one product for one
// vulnerability of a case.
type Statement struct {
	ID      int64
	CaseID  int64
	CaseKey string
	// Participant is the vendor participant that states it, Vendor its name.
	Participant int64
	Vendor      string
	// Vulnerability is the case's vulnerability (cases.Vulnerability.ID),
	// VulnTitle and CVE its title and CVE ID ("" when none).
	Vulnerability int64
	VulnTitle     string
	CVE           string
	Product       string
	PURL          string // a package URL, or ""
	CPE           string // a CPE 2.3 (or 2.2 URI) name, or ""
	// Versions are the affected versions as ParseVersions reads them; ""
	// for every version.
	Versions      string
	FixedVersion  string
	Status        Status
	Justification Justification // only for NotAffected
	Action        string        // what to do: required for Affected
	Text          string        // the vendor's statement in its own words
	References    []string      // http(s) URLs
	// Shared shows the statement to the case's other participants before
	// publication.
	Shared     bool
	ApprovedAt time.Time // zero for a draft
	ApprovedBy string    // the approver as the journal names them
	CreatedAt  time.Time
	UpdatedAt  time.Time
	Version    int
}

// Approval tells whether s is approved for publication.
func (s Statement) Approval() Approval {
	if s.ApprovedAt.IsZero() {
		return Draft
	}
	return Approved
}

// VulnName is how a vulnerability is named outside the case: its CVE ID,
// else the case key and its ID, as in PAR-2026-0042-V3.
func VulnName(caseKey string, id int64, cve string) string {
	if cve != "" {
		return cve
	}
	return caseKey + "-V" + itoa(id)
}

// VulnLabel names s's vulnerability for people: its CVE ID (or case-local
// name) and title.
func (s Statement) VulnLabel() string {
	name := VulnName(s.CaseKey, s.Vulnerability, s.CVE)
	if s.VulnTitle == "" {
		return name
	}
	return name + " " + s.VulnTitle
}

// Fields are what a vendor states; Create takes them whole and Update as
// a Patch.
type Fields struct {
	// Participant is the vendor stating it: 0 for the one vendor
	// participant of the case the principal acts for.
	Participant   int64
	Vulnerability int64
	Product       string
	PURL          string
	CPE           string
	Versions      string
	FixedVersion  string
	Status        Status
	Justification Justification
	Action        string
	Text          string
	References    []string
	Shared        bool
}

// Patch changes some fields of a statement: nil leaves a field as it is.
// A status other than not_affected drops a justification the patch does
// not give, so that a vendor moving on from not_affected need not clear
// it. Version is the version the change was made on.
type Patch struct {
	Product       *string
	PURL          *string
	CPE           *string
	Versions      *string
	FixedVersion  *string
	Status        *Status
	Justification *Justification
	Action        *string
	Text          *string
	References    *[]string
	Shared        *bool
	Version       int
}

// apply returns s's fields with p applied.
func (p Patch) apply(s Statement) Fields {
	f := Fields{Participant: s.Participant, Vulnerability: s.Vulnerability, Product: s.Product, PURL: s.PURL, CPE: s.CPE,
		Versions: s.Versions, FixedVersion: s.FixedVersion, Status: s.Status, Justification: s.Justification,
		Action: s.Action, Text: s.Text, References: s.References, Shared: s.Shared}
	set(&f.Product, p.Product)
	set(&f.PURL, p.PURL)
	set(&f.CPE, p.CPE)
	set(&f.Versions, p.Versions)
	set(&f.FixedVersion, p.FixedVersion)
	set(&f.Action, p.Action)
	set(&f.Text, p.Text)
	set(&f.Status, p.Status)
	set(&f.References, p.References)
	set(&f.Shared, p.Shared)
	if p.Justification != nil {
		f.Justification = *p.Justification
	} else if normStatus(f.Status) != NotAffected {
		f.Justification = ""
	}
	return f
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

func normStatus(s Status) Status {
	return Status(strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(string(s)))))
}
