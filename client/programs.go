package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Program is an organisation's disclosure program. AckBusinessDays is the
// acknowledgement target in force; AckDays the program's own (0: the
// instance's). Policy is set when the program is read by its slug.
type Program struct {
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	OrgKind         string    `json:"org_kind"`
	Slug            string    `json:"slug"`
	Published       bool      `json:"published"`
	ScopeIn         string    `json:"scope_in"`
	ScopeOut        string    `json:"scope_out"`
	SafeHarbour     string    `json:"safe_harbour"`
	AckDays         int       `json:"ack_days"`
	AckBusinessDays int       `json:"ack_business_days"`
	Notes           string    `json:"notes"`
	ReportURL       string    `json:"report_url"`
	Version         int       `json:"version"`
	UpdatedAt       time.Time `json:"updated_at"`
	Policy          *Policy   `json:"policy,omitempty"`
}

// ProgramInput writes a program; Version is the version read (0 for an
// organisation's first program).
type ProgramInput struct {
	Slug        string `json:"slug"`
	Published   bool   `json:"published"`
	ScopeIn     string `json:"scope_in"`
	ScopeOut    string `json:"scope_out"`
	SafeHarbour string `json:"safe_harbour"`
	AckDays     int    `json:"ack_days"`
	Notes       string `json:"notes"`
	Version     int    `json:"version"`
}

// Programs reads a page of the published programs; no token is needed.
func (c *Client) Programs(ctx context.Context, cursor string, limit int) (List[Program], error) {
	var out List[Program]
	err := c.Do(ctx, "GET", "/api/v1/programs"+PageQuery(cursor, limit, nil), nil, &out)
	return out, err
}

// Program reads the program at slug with its organisation's disclosure
// policy.
func (c *Client) Program(ctx context.Context, slug string) (Program, error) {
	var out Program
	err := c.Do(ctx, "GET", "/api/v1/programs/"+url.PathEscape(slug), nil, &out)
	return out, err
}

// SetProgram writes organisation org's program.
func (c *Client) SetProgram(ctx context.Context, org int64, in ProgramInput) (Program, error) {
	var out Program
	err := c.Do(ctx, "PUT", "/api/v1/orgs/"+strconv.FormatInt(org, 10)+"/program", in, &out)
	return out, err
}
