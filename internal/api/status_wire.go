package api

import (
	"time"

	"github.com/parleycvd/parley/internal/status"
)

// Wire types of vendor status. A statement names its vendor by its
// participant ID in the case (participant_id) and its vulnerability by
// its ID in the case (vulnerability_id), each with a name; times are UTC.

// VendorStatement is what one vendor states about one product for one
// vulnerability of a case.
type VendorStatement struct {
	ID              int64  `json:"id"`
	CaseKey         string `json:"case_key"`
	ParticipantID   int64  `json:"participant_id"`
	Vendor          string `json:"vendor"`
	VulnerabilityID int64  `json:"vulnerability_id"`
	// Vulnerability is its CVE ID, else the case key and its ID
	// (PAR-2026-0042-V3), as the OpenVEX document names it.
	Vulnerability      string     `json:"vulnerability"`
	VulnerabilityTitle string     `json:"vulnerability_title"`
	Product            string     `json:"product"`
	PURL               string     `json:"purl,omitempty"`
	CPE                string     `json:"cpe,omitempty"`
	Versions           string     `json:"versions,omitempty"` // e.g. ">=2.0 <2.4.1"; none: every version
	FixedVersion       string     `json:"fixed_version,omitempty"`
	Status             string     `json:"status"` // under_investigation, affected, not_affected, fixed
	Justification      string     `json:"justification,omitempty"`
	ActionStatement    string     `json:"action_statement,omitempty"`
	Statement          string     `json:"statement,omitempty"`
	References         []string   `json:"references"`
	Shared             bool       `json:"shared"`
	Approval           string     `json:"approval"` // draft or approved
	ApprovedAt         *time.Time `json:"approved_at,omitempty"`
	ApprovedBy         string     `json:"approved_by,omitempty"`
	Version            int        `json:"version"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

func statementOut(s status.Statement) VendorStatement {
	out := VendorStatement{ID: s.ID, CaseKey: s.CaseKey, ParticipantID: s.Participant, Vendor: s.Vendor, VulnerabilityID: s.Vulnerability,
		Vulnerability: status.VulnName(s.CaseKey, s.Vulnerability, s.CVE), VulnerabilityTitle: s.VulnTitle, Product: s.Product,
		PURL: s.PURL, CPE: s.CPE, Versions: s.Versions, FixedVersion: s.FixedVersion, Status: string(s.Status),
		Justification: string(s.Justification), ActionStatement: s.Action, Statement: s.Text, References: s.References,
		Shared: s.Shared, Approval: string(s.Approval()), ApprovedBy: s.ApprovedBy, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
	if out.References == nil {
		out.References = []string{}
	}
	if !s.ApprovedAt.IsZero() {
		at := s.ApprovedAt
		out.ApprovedAt = &at
	}
	return out
}

// VendorStatementInput states a vendor's status on a product.
// participant_id may be left out by a member of one vendor of the case.
type VendorStatementInput struct {
	ParticipantID   int64    `json:"participant_id,omitempty"`
	VulnerabilityID int64    `json:"vulnerability_id"`
	Product         string   `json:"product"`
	PURL            string   `json:"purl,omitempty"`
	CPE             string   `json:"cpe,omitempty"`
	Versions        string   `json:"versions,omitempty"`
	FixedVersion    string   `json:"fixed_version,omitempty"`
	Status          string   `json:"status"`
	Justification   string   `json:"justification,omitempty"`
	ActionStatement string   `json:"action_statement,omitempty"`
	Statement       string   `json:"statement,omitempty"`
	References      []string `json:"references,omitempty"`
	Shared          bool     `json:"shared,omitempty"`
}

func (in VendorStatementInput) fields() status.Fields {
	return status.Fields{Participant: in.ParticipantID, Vulnerability: in.VulnerabilityID, Product: in.Product, PURL: in.PURL,
		CPE: in.CPE, Versions: in.Versions, FixedVersion: in.FixedVersion, Status: status.Status(in.Status),
		Justification: status.Justification(in.Justification), Action: in.ActionStatement, Text: in.Statement,
		References: in.References, Shared: in.Shared}
}

// VendorStatementPatch changes the fields it names of a statement read at
// version. A status other than not_affected drops a justification the
// patch does not name.
type VendorStatementPatch struct {
	Product         *string   `json:"product,omitempty"`
	PURL            *string   `json:"purl,omitempty"`
	CPE             *string   `json:"cpe,omitempty"`
	Versions        *string   `json:"versions,omitempty"`
	FixedVersion    *string   `json:"fixed_version,omitempty"`
	Status          *string   `json:"status,omitempty"`
	Justification   *string   `json:"justification,omitempty"`
	ActionStatement *string   `json:"action_statement,omitempty"`
	Statement       *string   `json:"statement,omitempty"`
	References      *[]string `json:"references,omitempty"`
	Shared          *bool     `json:"shared,omitempty"`
	Version         int       `json:"version"`
}

func (in VendorStatementPatch) patch() status.Patch {
	p := status.Patch{Product: in.Product, PURL: in.PURL, CPE: in.CPE, Versions: in.Versions, FixedVersion: in.FixedVersion,
		Action: in.ActionStatement, Text: in.Statement, References: in.References, Shared: in.Shared, Version: in.Version}
	if in.Status != nil {
		st := status.Status(*in.Status)
		p.Status = &st
	}
	if in.Justification != nil {
		j := status.Justification(*in.Justification)
		p.Justification = &j
	}
	return p
}

// VersionInput names the version of the resource the caller read.
type VersionInput struct {
	Version int `json:"version"`
}
