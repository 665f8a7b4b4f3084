package client

import (
	"context"
	"strconv"
	"time"
)

// EmbargoTerms are when an embargo ends: UTC, the zone meant and the end
// in that zone.
type EmbargoTerms struct {
	EndsAt        time.Time `json:"ends_at"`
	Zone          string    `json:"zone"`
	EndsLocal     string    `json:"ends_local"`
	Justification string    `json:"justification,omitempty"`
}

// EmbargoProposal is one set of terms put to a case.
type EmbargoProposal struct {
	ID int64 `json:"id"`
	EmbargoTerms
	Kind       string     `json:"kind"`
	Source     string     `json:"source"`
	ProposedBy int64      `json:"proposed_by"`
	Proposer   string     `json:"proposer"`
	Status     string     `json:"status"`
	Outcome    string     `json:"outcome,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
}

// EmbargoAnswer is where one participant stands on the embargo.
type EmbargoAnswer struct {
	ParticipantID int64     `json:"participant_id"`
	Participant   string    `json:"participant"`
	Consent       string    `json:"consent"`
	Since         time.Time `json:"since"`
	Answer        string    `json:"answer,omitempty"`
	Comment       string    `json:"comment,omitempty"`
	Silent        bool      `json:"silent"`
}

// Embargo is a case's embargo as the caller sees it.
type Embargo struct {
	EM          string            `json:"em"`
	EMName      string            `json:"em_name"`
	InForce     *EmbargoTerms     `json:"in_force,omitempty"`
	Pending     *EmbargoProposal  `json:"pending,omitempty"`
	Queued      []EmbargoProposal `json:"queued"`
	History     []EmbargoProposal `json:"history"`
	Answers     []EmbargoAnswer   `json:"answers"`
	Consent     map[string]int    `json:"consent"`
	Proposers   string            `json:"proposers"`
	SilenceDays int               `json:"silence_days"`
	Advice      string            `json:"advice,omitempty"`
	Restricted  bool              `json:"restricted"`
}

// EmbargoProposalInput proposes terms: EndsAt in RFC 3339 with an offset,
// or a local date-time with Zone; or Default for the proposer's policy.
type EmbargoProposalInput struct {
	EndsAt        string `json:"ends_at,omitempty"`
	Zone          string `json:"zone,omitempty"`
	Justification string `json:"justification,omitempty"`
	AsParticipant int64  `json:"as_participant,omitempty"`
	Default       bool   `json:"default,omitempty"`
}

// Policy is an organisation's disclosure policy.
type Policy struct {
	OrgID         int64      `json:"org_id"`
	Preset        string     `json:"preset"`
	Days          int        `json:"days"`
	CountsFrom    string     `json:"counts_from"`
	Justification string     `json:"justification,omitempty"`
	Statement     string     `json:"statement"`
	Published     bool       `json:"published"`
	Version       int        `json:"version"`
	UpdatedAt     *time.Time `json:"updated_at,omitempty"`
}

// PolicyInput sets a disclosure policy; with Preset, Days and CountsFrom
// come from the preset.
type PolicyInput struct {
	Preset        string `json:"preset,omitempty"`
	Days          int    `json:"days,omitempty"`
	CountsFrom    string `json:"counts_from,omitempty"`
	Justification string `json:"justification,omitempty"`
	Statement     string `json:"statement,omitempty"`
	Version       int    `json:"version"`
}

// Embargo reads a case's embargo.
func (c *Client) Embargo(ctx context.Context, key string) (Embargo, error) {
	var out Embargo
	err := c.Do(ctx, "GET", casePath(key, "embargo"), nil, &out)
	return out, err
}

// ProposeEmbargo proposes terms (or a revision of those in force).
func (c *Client) ProposeEmbargo(ctx context.Context, key string, in EmbargoProposalInput, opts ...Option) (EmbargoProposal, error) {
	var out EmbargoProposal
	err := c.Do(ctx, "POST", casePath(key, "embargo", "proposals"), in, &out, opts...)
	return out, err
}

// AnswerEmbargo accepts or rejects (answer) the current terms, proposal
// (0 for whichever is current), for participant.
func (c *Client) AnswerEmbargo(ctx context.Context, key string, participant, proposal int64, answer, comment string, opts ...Option) (EmbargoProposal, error) {
	in := map[string]any{"participant_id": participant, "answer": answer}
	if proposal != 0 {
		in["proposal_id"] = proposal
	}
	if comment != "" {
		in["comment"] = comment
	}
	var out EmbargoProposal
	err := c.Do(ctx, "POST", casePath(key, "embargo", "answers"), in, &out, opts...)
	return out, err
}

// DecideEmbargo puts the pending proposal in force (decision "accept") or
// rejects it, as the case's coordinators.
func (c *Client) DecideEmbargo(ctx context.Context, key string, proposal int64, decision, reason string, opts ...Option) (EmbargoProposal, error) {
	in := map[string]any{"decision": decision, "reason": reason}
	if proposal != 0 {
		in["proposal_id"] = proposal
	}
	var out EmbargoProposal
	err := c.Do(ctx, "POST", casePath(key, "embargo", "decision"), in, &out, opts...)
	return out, err
}

// TerminateEmbargo ends the embargo in force at once.
func (c *Client) TerminateEmbargo(ctx context.Context, key, reason string, opts ...Option) (Case, error) {
	var out Case
	err := c.Do(ctx, "POST", casePath(key, "embargo", "terminate"), map[string]string{"reason": reason}, &out, opts...)
	return out, err
}

// SetEmbargoProposers sets who may propose terms: coordinators or
// participants.
func (c *Client) SetEmbargoProposers(ctx context.Context, key, who string) (Embargo, error) {
	var out Embargo
	err := c.Do(ctx, "PATCH", casePath(key, "embargo", "settings"), map[string]string{"proposers": who}, &out)
	return out, err
}

// ShareDetails shows a participant the case's details before it accepted
// the embargo.
func (c *Client) ShareDetails(ctx context.Context, key string, participant int64, reason string) error {
	return c.Do(ctx, "POST", casePath(key, "participants", participant, "share"), map[string]string{"reason": reason}, nil)
}

// Policy reads an organisation's disclosure policy.
func (c *Client) Policy(ctx context.Context, org int64) (Policy, error) {
	var out Policy
	err := c.Do(ctx, "GET", "/api/v1/orgs/"+strconv.FormatInt(org, 10)+"/policy", nil, &out)
	return out, err
}

// SetPolicy publishes an organisation's disclosure policy.
func (c *Client) SetPolicy(ctx context.Context, org int64, in PolicyInput) (Policy, error) {
	var out Policy
	err := c.Do(ctx, "PUT", "/api/v1/orgs/"+strconv.FormatInt(org, 10)+"/policy", in, &out)
	return out, err
}

// CRAClock is one EU CRA report's deadline.
type CRAClock struct {
	Report    string     `json:"report"`
	Name      string     `json:"name"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	MadeAt    *time.Time `json:"made_at,omitempty"`
	Reference string     `json:"reference,omitempty"`
	State     string     `json:"state"`
}

// CRA is a case's EU Cyber Resilience Act clocks.
type CRA struct {
	ManufacturerID int64      `json:"manufacturer_id"`
	Manufacturer   string     `json:"manufacturer"`
	AwareAt        time.Time  `json:"aware_at"`
	FixAvailableAt *time.Time `json:"fix_available_at,omitempty"`
	Clocks         []CRAClock `json:"clocks"`
	Version        int        `json:"version"`
}

// CRAInput marks a case for the CRA (Version 0) or moves its clocks.
type CRAInput struct {
	ManufacturerID int64      `json:"manufacturer_id"`
	AwareAt        time.Time  `json:"aware_at"`
	FixAvailableAt *time.Time `json:"fix_available_at,omitempty"`
	Version        int        `json:"version"`
}

// CRA reads a case's CRA clocks.
func (c *Client) CRA(ctx context.Context, key string) (CRA, error) {
	var out CRA
	err := c.Do(ctx, "GET", casePath(key, "cra"), nil, &out)
	return out, err
}

// SetCRA marks a case for the CRA or moves its clocks.
func (c *Client) SetCRA(ctx context.Context, key string, in CRAInput) (CRA, error) {
	var out CRA
	err := c.Do(ctx, "PUT", casePath(key, "cra"), in, &out)
	return out, err
}

// RecordCRAReport records that report (early_warning, notification,
// final_report) was made; a zero at means now.
func (c *Client) RecordCRAReport(ctx context.Context, key, report string, at time.Time, ref string) (CRA, error) {
	in := map[string]any{"report": report, "reference": ref}
	if !at.IsZero() {
		in["at"] = at
	}
	var out CRA
	err := c.Do(ctx, "POST", casePath(key, "cra", "reports"), in, &out)
	return out, err
}
