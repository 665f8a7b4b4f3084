package api

import (
	"time"

	"github.com/parleycvd/parley/internal/cases"
)

// Wire types of embargoes and disclosure policies. Times are RFC 3339 in
// UTC; each set of terms also carries the zone it was meant in and the
// end written in that zone.

// EmbargoTerms are when an embargo ends.
type EmbargoTerms struct {
	EndsAt        time.Time `json:"ends_at"`    // UTC
	Zone          string    `json:"zone"`       // IANA zone the terms were given in
	EndsAtLocal   string    `json:"ends_local"` // the end in that zone, RFC 3339 with its offset
	Justification string    `json:"justification,omitempty"`
}

func termsOut(t cases.Terms) EmbargoTerms {
	return EmbargoTerms{EndsAt: t.EndsAt.UTC(), Zone: t.Zone, EndsAtLocal: t.Local().Format(time.RFC3339), Justification: t.Justification}
}

// EmbargoProposal is one set of terms put to a case.
type EmbargoProposal struct {
	ID int64 `json:"id"`
	EmbargoTerms
	Kind         string     `json:"kind"`   // proposal or revision
	Source       string     `json:"source"` // manual or policy
	ProposedBy   int64      `json:"proposed_by"`
	ProposerName string     `json:"proposer"`
	Status       string     `json:"status"` // queued, pending, accepted, rejected, superseded
	Outcome      string     `json:"outcome,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
}

func proposalOut(pr cases.Proposal) EmbargoProposal {
	out := EmbargoProposal{ID: pr.ID, EmbargoTerms: termsOut(pr.Terms), Kind: pr.Kind, Source: pr.Source, ProposedBy: pr.ProposedBy,
		ProposerName: pr.ProposerName, Status: pr.Status, Outcome: pr.Outcome, CreatedAt: pr.CreatedAt}
	if !pr.DecidedAt.IsZero() {
		out.DecidedAt = &pr.DecidedAt
	}
	return out
}

// EmbargoAnswer is where one participant stands.
type EmbargoAnswer struct {
	Participant int64     `json:"participant_id"`
	Name        string    `json:"participant"`
	Consent     string    `json:"consent"` // no embargo, invited, signatory, declined, lapsed
	Since       time.Time `json:"since"`
	Answer      string    `json:"answer,omitempty"` // to the pending proposal: accept, reject, silence
	Comment     string    `json:"comment,omitempty"`
	Silent      bool      `json:"silent"` // invited for longer than the silence period
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
	Proposers   string            `json:"proposers"` // coordinators or participants
	SilenceDays int               `json:"silence_days"`
	Advice      string            `json:"advice,omitempty"`
	Restricted  bool              `json:"restricted"`
}

func embargoOut(e cases.Embargo) Embargo {
	out := Embargo{EM: e.State.String(), EMName: e.State.Name(), Queued: []EmbargoProposal{}, History: []EmbargoProposal{},
		Answers: []EmbargoAnswer{}, Consent: e.Consent, Proposers: e.Proposers, SilenceDays: int(e.SilenceAfter / (24 * time.Hour)),
		Advice: e.Advice, Restricted: e.Restricted}
	if !e.InForce.EndsAt.IsZero() {
		t := termsOut(e.InForce)
		out.InForce = &t
	}
	if e.Pending != nil {
		pr := proposalOut(*e.Pending)
		out.Pending = &pr
	}
	for _, pr := range e.Queued {
		out.Queued = append(out.Queued, proposalOut(pr))
	}
	for _, pr := range e.History {
		out.History = append(out.History, proposalOut(pr))
	}
	for _, an := range e.Answers {
		out.Answers = append(out.Answers, EmbargoAnswer{Participant: an.Participant, Name: an.Name, Consent: an.Consent.String(),
			Since: an.Since, Answer: an.Answer, Comment: an.Comment, Silent: an.Silent})
	}
	return out
}

// ProposalInput proposes terms: ends_at as RFC 3339 with an offset, or a
// local date-time with zone; or default true for the proposer's policy.
type ProposalInput struct {
	EndsAt        string `json:"ends_at"`
	Zone          string `json:"zone"`
	Justification string `json:"justification"`
	AsParticipant int64  `json:"as_participant"`
	Default       bool   `json:"default"`
}

// AnswerInput answers the current terms for a participant.
type AnswerInput struct {
	ProposalID    int64  `json:"proposal_id"`
	ParticipantID int64  `json:"participant_id"`
	Answer        string `json:"answer"` // accept or reject
	Comment       string `json:"comment"`
}

// DecisionInput is the coordinators' decision on the pending proposal.
type DecisionInput struct {
	ProposalID int64  `json:"proposal_id"`
	Decision   string `json:"decision"` // accept or reject
	Reason     string `json:"reason"`
}

// ReasonInput carries a reason.
type ReasonInput struct {
	Reason string `json:"reason"`
}

// EmbargoSettingsInput changes who may propose terms.
type EmbargoSettingsInput struct {
	Proposers string `json:"proposers"`
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

func policyOut(p cases.Policy) Policy {
	out := Policy{OrgID: p.OrgID, Preset: p.Preset, Days: p.Days, CountsFrom: string(p.CountsFrom), Justification: p.Justification,
		Statement: p.Statement, Published: p.Published, Version: p.Version}
	if !p.UpdatedAt.IsZero() {
		out.UpdatedAt = &p.UpdatedAt
	}
	return out
}

// PolicyInput sets a disclosure policy.
type PolicyInput struct {
	Preset        string `json:"preset"`
	Days          int    `json:"days"`
	CountsFrom    string `json:"counts_from"`
	Justification string `json:"justification"`
	Statement     string `json:"statement"`
	Version       int    `json:"version"`
}

// PolicyPreset is a well-known policy to start from.
type PolicyPreset struct {
	Key           string `json:"key"`
	Name          string `json:"name"`
	Days          int    `json:"days"`
	CountsFrom    string `json:"counts_from"`
	Justification string `json:"justification,omitempty"`
	Description   string `json:"description"`
}
