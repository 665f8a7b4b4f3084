package client

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// VendorStatement is what one vendor states about one product for one
// vulnerability of a case. Status is under_investigation, affected,
// not_affected or fixed; Approval draft or approved.
type VendorStatement struct {
	ID                 int64      `json:"id"`
	CaseKey            string     `json:"case_key"`
	ParticipantID      int64      `json:"participant_id"`
	Vendor             string     `json:"vendor"`
	VulnerabilityID    int64      `json:"vulnerability_id"`
	Vulnerability      string     `json:"vulnerability"` // the CVE ID, else e.g. PAR-2026-0042-V3
	VulnerabilityTitle string     `json:"vulnerability_title"`
	Product            string     `json:"product"`
	PURL               string     `json:"purl,omitempty"`
	CPE                string     `json:"cpe,omitempty"`
	Versions           string     `json:"versions,omitempty"`
	FixedVersion       string     `json:"fixed_version,omitempty"`
	Status             string     `json:"status"`
	Justification      string     `json:"justification,omitempty"`
	ActionStatement    string     `json:"action_statement,omitempty"`
	Statement          string     `json:"statement,omitempty"`
	References         []string   `json:"references"`
	Shared             bool       `json:"shared"`
	Approval           string     `json:"approval"`
	ApprovedAt         *time.Time `json:"approved_at,omitempty"`
	ApprovedBy         string     `json:"approved_by,omitempty"`
	Version            int        `json:"version"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
}

// StatementInput states a vendor's status on a product; ParticipantID may
// be 0 for a member of one vendor of the case.
type StatementInput struct {
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

// StatementPatch changes the fields it sets (nil: unchanged) of a
// statement read at Version.
type StatementPatch struct {
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

// StatementFilter narrows Statements; zero values match any.
type StatementFilter struct {
	Vendor        int64
	Vulnerability int64
	Status        string
	Approval      string // draft or approved
	Cursor        string
	Limit         int
}

// Statements lists a page of the case's vendor statements the caller may
// read.
func (c *Client) Statements(ctx context.Context, key string, f StatementFilter) (List[VendorStatement], error) {
	extra := url.Values{}
	if f.Vendor != 0 {
		extra.Set("vendor", strconv.FormatInt(f.Vendor, 10))
	}
	if f.Vulnerability != 0 {
		extra.Set("vulnerability", strconv.FormatInt(f.Vulnerability, 10))
	}
	if f.Status != "" {
		extra.Set("status", f.Status)
	}
	if f.Approval != "" {
		extra.Set("approval", f.Approval)
	}
	var l List[VendorStatement]
	err := c.Do(ctx, "GET", casePath(key, "status")+PageQuery(f.Cursor, f.Limit, extra), nil, &l)
	return l, err
}

// Statement reads one vendor statement.
func (c *Client) Statement(ctx context.Context, key string, id int64) (VendorStatement, error) {
	var out VendorStatement
	err := c.Do(ctx, "GET", casePath(key, "status", id), nil, &out)
	return out, err
}

// CreateStatement states a vendor's status on a product.
func (c *Client) CreateStatement(ctx context.Context, key string, in StatementInput, opts ...Option) (VendorStatement, error) {
	var out VendorStatement
	err := c.Do(ctx, "POST", casePath(key, "status"), in, &out, opts...)
	return out, err
}

// UpdateStatement changes a vendor statement.
func (c *Client) UpdateStatement(ctx context.Context, key string, id int64, in StatementPatch) (VendorStatement, error) {
	var out VendorStatement
	err := c.Do(ctx, "PATCH", casePath(key, "status", id), in, &out)
	return out, err
}

// ApproveStatement approves a statement read at version for publication,
// or (approve false) returns it to a draft.
func (c *Client) ApproveStatement(ctx context.Context, key string, id int64, version int, approve bool) (VendorStatement, error) {
	verb := "unapprove"
	if approve {
		verb = "approve"
	}
	var out VendorStatement
	err := c.Do(ctx, "POST", casePath(key, "status", id, verb), map[string]int{"version": version}, &out)
	return out, err
}

// VEX returns the OpenVEX 0.2 document of the case's approved statements
// as the server wrote it.
func (c *Client) VEX(ctx context.Context, key string) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.Do(ctx, "GET", casePath(key, "vex"), nil, &out)
	return out, err
}
