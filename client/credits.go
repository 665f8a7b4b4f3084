package client

import (
	"context"
	"fmt"
	"time"
)

// Credit is a credit of a case as the caller sees it. Type is one of the
// CVE JSON 5 credit types (finder, reporter, analyst, coordinator,
// remediation_developer, remediation_reviewer, remediation_verifier, tool,
// sponsor, other); Status is proposed, accepted or declined; Printed is
// what is published. A Redacted credit carries only what is printed.
type Credit struct {
	ID              int64     `json:"id"`
	CaseKey         string    `json:"case_key"`
	CaseTitle       string    `json:"case_title,omitempty"`
	Type            string    `json:"type"`
	TypeLabel       string    `json:"type_label"`
	UserID          int64     `json:"user_id,omitempty"`
	UserName        string    `json:"user_name,omitempty"`
	Name            string    `json:"name,omitempty"`
	Email           string    `json:"email,omitempty"`
	Organisation    string    `json:"organisation,omitempty"`
	VulnerabilityID int64     `json:"vulnerability_id,omitempty"`
	Status          string    `json:"status"`
	Anonymous       bool      `json:"anonymous"`
	PrintedName     string    `json:"printed_name,omitempty"`
	Printed         string    `json:"printed"`
	Reason          string    `json:"reason,omitempty"`
	Redacted        bool      `json:"redacted,omitempty"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// NewCredit proposes a credit: a Type and either UserID (an account) or
// Name (with an optional Email) for someone without one.
type NewCredit struct {
	Type            string `json:"type"`
	UserID          int64  `json:"user_id,omitempty"`
	Name            string `json:"name,omitempty"`
	Email           string `json:"email,omitempty"`
	Organisation    string `json:"organisation,omitempty"`
	VulnerabilityID int64  `json:"vulnerability_id,omitempty"`
}

// CreditPatch edits a credit at Version; nil fields stay. Status,
// Anonymous and PrintedName answer for a credit without an account, with
// a Reason.
type CreditPatch struct {
	Version         int     `json:"version"`
	Type            *string `json:"type,omitempty"`
	Name            *string `json:"name,omitempty"`
	Email           *string `json:"email,omitempty"`
	Organisation    *string `json:"organisation,omitempty"`
	VulnerabilityID *int64  `json:"vulnerability_id,omitempty"`
	Status          *string `json:"status,omitempty"`
	Anonymous       *bool   `json:"anonymous,omitempty"`
	PrintedName     *string `json:"printed_name,omitempty"`
	Reason          string  `json:"reason,omitempty"`
}

// CreditAnswer is the credited's answer: Accept (optionally Anonymous or
// under PrintedName) or decline; Version 0 for the current one.
type CreditAnswer struct {
	Accept      bool
	Anonymous   bool
	PrintedName string
	Version     int
}

// Credits lists a case's credits as the caller sees them.
func (c *Client) Credits(ctx context.Context, key string) ([]Credit, error) {
	var l List[Credit]
	err := c.Do(ctx, "GET", casePath(key, "credits"), nil, &l)
	return l.Items, err
}

// ProposeCredit proposes a credit in a case (those who manage it).
func (c *Client) ProposeCredit(ctx context.Context, key string, in NewCredit, opts ...Option) (Credit, error) {
	var out Credit
	err := c.Do(ctx, "POST", casePath(key, "credits"), in, &out, opts...)
	return out, err
}

// EditCredit edits a credit of a case (those who manage it).
func (c *Client) EditCredit(ctx context.Context, key string, id int64, in CreditPatch) (Credit, error) {
	var out Credit
	err := c.Do(ctx, "PATCH", casePath(key, "credits", id), in, &out)
	return out, err
}

// WithdrawCredit withdraws a credit at version (those who manage the
// case).
func (c *Client) WithdrawCredit(ctx context.Context, key string, id int64, version int) error {
	return c.Do(ctx, "DELETE", fmt.Sprintf("%s?version=%d", casePath(key, "credits", id), version), nil, nil)
}

// MyCredits lists the caller's own credits in every case, newest first.
func (c *Client) MyCredits(ctx context.Context) ([]Credit, error) {
	var l List[Credit]
	err := c.Do(ctx, "GET", "/api/v1/me/credits", nil, &l)
	return l.Items, err
}

// AnswerCredit accepts or declines one of the caller's credits.
func (c *Client) AnswerCredit(ctx context.Context, id int64, a CreditAnswer, opts ...Option) (Credit, error) {
	in := map[string]any{"answer": "decline"}
	if a.Accept {
		in["answer"], in["anonymous"], in["printed_name"] = "accept", a.Anonymous, a.PrintedName
	}
	if a.Version != 0 {
		in["version"] = a.Version
	}
	var out Credit
	err := c.Do(ctx, "POST", fmt.Sprintf("/api/v1/me/credits/%d/answer", id), in, &out, opts...)
	return out, err
}
