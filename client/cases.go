package client

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Case is a case as lists show it. Protocol states are the model's letters:
// EM "N", CSGlobal "pXa" (upper case once an event happened).
type Case struct {
	ID            int64      `json:"id"`
	Key           string     `json:"key"`
	Title         string     `json:"title"`
	Summary       string     `json:"summary"`
	EM            string     `json:"em"`
	EMName        string     `json:"em_name"`
	CSGlobal      string     `json:"cs_global"`
	EmbargoEndsAt *time.Time `json:"embargo_ends_at,omitempty"`
	Version       int        `json:"version"`
	CreatedBy     int64      `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// CaseDetail is one case with its vulnerabilities and, when read, what the
// caller may do in it.
type CaseDetail struct {
	Case
	Vulnerabilities []CaseVulnerability `json:"vulnerabilities"`
	Access          *CaseAccess         `json:"access,omitempty"`
}

// CaseAccess is how the caller takes part in a case: the participants it
// acts for and the actions it may take (e.g. "rm", "cs.F", "em").
type CaseAccess struct {
	Participants []int64  `json:"participants"`
	Coordinator  bool     `json:"coordinator"`
	Manage       bool     `json:"manage"`
	Actions      []string `json:"actions"`
}

// NewCase opens a case.
type NewCase struct {
	Title            string                   `json:"title"`
	Summary          string                   `json:"summary,omitempty"`
	Vulnerabilities  []CaseVulnerabilityInput `json:"vulnerabilities,omitempty"`
	CoordinatorOrgID int64                    `json:"coordinator_org_id,omitempty"`
}

// CaseVulnerability is one vulnerability of a case; a score is set when
// its vector is.
type CaseVulnerability struct {
	ID           int64     `json:"id"`
	CaseID       int64     `json:"case_id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	CWE          string    `json:"cwe"`
	CVSS31Vector string    `json:"cvss31_vector"`
	CVSS31Score  *float64  `json:"cvss31_score,omitempty"`
	CVSS40Vector string    `json:"cvss40_vector"`
	CVSS40Score  *float64  `json:"cvss40_score,omitempty"`
	CVE          string    `json:"cve_id"`
	Version      int       `json:"version"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// CaseVulnerabilityInput adds a vulnerability or (with Version) replaces
// its details.
type CaseVulnerabilityInput struct {
	Title        string `json:"title"`
	Description  string `json:"description,omitempty"`
	CWE          string `json:"cwe,omitempty"`
	CVSS31Vector string `json:"cvss31_vector,omitempty"`
	CVSS40Vector string `json:"cvss40_vector,omitempty"`
	CVE          string `json:"cve_id,omitempty"`
	Version      int    `json:"version,omitempty"`
}

// CaseParticipant is an organisation, or a person, taking part in a case.
type CaseParticipant struct {
	ID               int64      `json:"id"`
	CaseID           int64      `json:"case_id"`
	OrgID            int64      `json:"org_id,omitempty"`
	UserID           int64      `json:"user_id,omitempty"`
	Name             string     `json:"name"`
	Roles            []string   `json:"roles"`
	RM               string     `json:"rm"`
	RMName           string     `json:"rm_name"`
	Consent          string     `json:"consent"`
	VFD              string     `json:"vfd,omitempty"`
	AddedAt          time.Time  `json:"added_at"`
	FirstContactAt   *time.Time `json:"first_contact_at,omitempty"`
	LastContactAt    *time.Time `json:"last_contact_at,omitempty"`
	ContactAttempts  int        `json:"contact_attempts"`
	DeliveryFailures int        `json:"delivery_failures"`
	FirstViewAt      *time.Time `json:"first_view_at,omitempty"`
	FirstResponseAt  *time.Time `json:"first_response_at,omitempty"`
	StatementAt      *time.Time `json:"statement_at,omitempty"`
	LastResponseAt   *time.Time `json:"last_response_at,omitempty"`
	EscalationStage  int        `json:"escalation_stage"` // 0 notified, 1 reminded, 2 other contacts, 3 flagged
	UnresponsiveAt   *time.Time `json:"unresponsive_at,omitempty"`
	Version          int        `json:"version"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// NewCaseParticipant names an organisation or a person (not both) joining
// a case, with its roles (vendor, reporter, coordinator, deployer, other).
type NewCaseParticipant struct {
	OrgID  int64    `json:"org_id,omitempty"`
	UserID int64    `json:"user_id,omitempty"`
	Roles  []string `json:"roles"`
}

// CaseTimelineEntry is one entry of a case's timeline.
type CaseTimelineEntry struct {
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	Message     string    `json:"message,omitempty"`
	MessageName string    `json:"message_name,omitempty"`
	Summary     string    `json:"summary"`
}

// CaseChange is one state change a recorded event made.
type CaseChange struct {
	Machine       string `json:"machine"`
	ParticipantID int64  `json:"participant_id,omitempty"`
	From          string `json:"from"`
	Event         string `json:"event"`
	To            string `json:"to"`
	Message       string `json:"message,omitempty"`
	Implied       bool   `json:"implied"`
}

// CaseFilter narrows Cases.
type CaseFilter struct {
	Query  string // part of the title or key
	EM     string // an EM state letter: N P A R X
	Mine   bool   // only the cases the caller takes part in or opened
	Cursor string
	Limit  int
}

// ParticipantFilter narrows and orders Participants.
type ParticipantFilter struct {
	Role   string // vendor, reporter, coordinator, deployer, other
	RM     string // an RM state letter: S R I V A D C
	Silent bool   // only vendors contacted that have not answered
	// Unresponsive keeps the vendors flagged unresponsive.
	Unresponsive bool
	Sort         string // added (the default), name or rm
	Cursor       string
	Limit        int
}

func casePath(key string, rest ...any) string {
	p := "/api/v1/cases/" + url.PathEscape(key)
	for _, r := range rest {
		p += "/" + url.PathEscape(fmt.Sprint(r))
	}
	return p
}

// Cases lists a page of the cases the caller may see.
func (c *Client) Cases(ctx context.Context, f CaseFilter) (List[Case], error) {
	extra := url.Values{}
	if f.Query != "" {
		extra.Set("q", f.Query)
	}
	if f.EM != "" {
		extra.Set("em", f.EM)
	}
	if f.Mine {
		extra.Set("mine", "true")
	}
	var l List[Case]
	err := c.Do(ctx, "GET", "/api/v1/cases"+PageQuery(f.Cursor, f.Limit, extra), nil, &l)
	return l, err
}

// Case returns the case with key (e.g. PAR-2026-0042, or its numeric ID),
// its vulnerabilities and what the caller may do. Reading a case records
// the first look of the caller's participant.
func (c *Client) Case(ctx context.Context, key string) (CaseDetail, error) {
	var d CaseDetail
	err := c.Do(ctx, "GET", casePath(key), nil, &d)
	return d, err
}

// CreateCase opens a case.
func (c *Client) CreateCase(ctx context.Context, in NewCase, opts ...Option) (CaseDetail, error) {
	var d CaseDetail
	err := c.Do(ctx, "POST", "/api/v1/cases", in, &d, opts...)
	return d, err
}

// AddVulnerability adds a vulnerability to a case.
func (c *Client) AddVulnerability(ctx context.Context, key string, in CaseVulnerabilityInput, opts ...Option) (CaseVulnerability, error) {
	var v CaseVulnerability
	err := c.Do(ctx, "POST", casePath(key, "vulnerabilities"), in, &v, opts...)
	return v, err
}

// UpdateVulnerability replaces a vulnerability's details (in.Version must
// be current).
func (c *Client) UpdateVulnerability(ctx context.Context, key string, id int64, in CaseVulnerabilityInput) (CaseVulnerability, error) {
	var v CaseVulnerability
	err := c.Do(ctx, "PATCH", casePath(key, "vulnerabilities", id), in, &v)
	return v, err
}

// Participants lists a page of a case's participants.
func (c *Client) Participants(ctx context.Context, key string, f ParticipantFilter) (List[CaseParticipant], error) {
	extra := url.Values{}
	for k, v := range map[string]string{"role": f.Role, "rm": f.RM, "sort": f.Sort} {
		if v != "" {
			extra.Set(k, v)
		}
	}
	if f.Silent {
		extra.Set("silent", "true")
	}
	if f.Unresponsive {
		extra.Set("unresponsive", "true")
	}
	var l List[CaseParticipant]
	err := c.Do(ctx, "GET", casePath(key, "participants")+PageQuery(f.Cursor, f.Limit, extra), nil, &l)
	return l, err
}

// AddParticipants adds participants to a case, all or none.
func (c *Client) AddParticipants(ctx context.Context, key string, list []NewCaseParticipant, opts ...Option) ([]CaseParticipant, error) {
	var l List[CaseParticipant]
	in := map[string][]NewCaseParticipant{"participants": list}
	err := c.Do(ctx, "POST", casePath(key, "participants"), in, &l, opts...)
	return l.Items, err
}

// StepRM applies a report management event (validate, invalidate, accept,
// defer, close, or their letters) to a participant; closing during an
// embargo needs reason.
func (c *Client) StepRM(ctx context.Context, key string, participant int64, event, reason string, opts ...Option) (CaseParticipant, error) {
	var p CaseParticipant
	in := map[string]string{"event": event}
	if reason != "" {
		in["override_reason"] = reason
	}
	err := c.Do(ctx, "POST", casePath(key, "participants", participant, "rm"), in, &p, opts...)
	return p, err
}

// StepConsent invites a participant to the embargo, or accepts or declines
// it for the participant.
func (c *Client) StepConsent(ctx context.Context, key string, participant int64, event string, opts ...Option) (CaseParticipant, error) {
	var p CaseParticipant
	err := c.Do(ctx, "POST", casePath(key, "participants", participant, "consent"), map[string]string{"event": event}, &p, opts...)
	return p, err
}

// RecordCS records a case state event (V F D P X A, or their names) as it
// happened; vendor is the vendor participant of V, F and D, 0 for the
// others. It returns every change made, the implied ones too.
func (c *Client) RecordCS(ctx context.Context, key, event string, vendor int64, opts ...Option) ([]CaseChange, error) {
	var out struct {
		Changes []CaseChange `json:"changes"`
	}
	in := map[string]any{"event": event}
	if vendor != 0 {
		in["vendor"] = vendor
	}
	err := c.Do(ctx, "POST", casePath(key, "cs"), in, &out, opts...)
	return out.Changes, err
}

// SendReport records that participant from sent the report to participant
// to, and returns to.
func (c *Client) SendReport(ctx context.Context, key string, from, to int64, opts ...Option) (CaseParticipant, error) {
	var p CaseParticipant
	err := c.Do(ctx, "POST", casePath(key, "send"), map[string]int64{"from": from, "to": to}, &p, opts...)
	return p, err
}

// Timeline lists a page of what happened in a case, oldest first.
func (c *Client) Timeline(ctx context.Context, key, cursor string, limit int) (List[CaseTimelineEntry], error) {
	var l List[CaseTimelineEntry]
	err := c.Do(ctx, "GET", casePath(key, "timeline")+PageQuery(cursor, limit, nil), nil, &l)
	return l, err
}

// Schedule is a case's reminder schedule for silent vendors, in days from
// the first contact.
type Schedule struct {
	RemindAfterDays    int `json:"remind_after_days"`
	AlternateAfterDays int `json:"alternate_after_days"`
	FlagAfterDays      int `json:"flag_after_days"`
}

// Schedule reads a case's reminder schedule.
func (c *Client) Schedule(ctx context.Context, key string) (Schedule, error) {
	var out Schedule
	err := c.Do(ctx, "GET", casePath(key, "schedule"), nil, &out)
	return out, err
}

// SetSchedule changes a case's reminder schedule.
func (c *Client) SetSchedule(ctx context.Context, key string, in Schedule) (Schedule, error) {
	var out Schedule
	err := c.Do(ctx, "PUT", casePath(key, "schedule"), in, &out)
	return out, err
}
