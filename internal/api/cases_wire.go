package api

import (
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/protocol"
)

// Wire types of cases. Protocol states are written as the model's letters
// (em "N", rm "A", cs_global "pXa", vfd "Vfd": upper case for an event that
// has happened), each with its name where it has one.

// Case is a case without its vulnerabilities, as lists show it.
type Case struct {
	ID      int64  `json:"id"`
	Key     string `json:"key"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	EM      string `json:"em"`      // N P A R X
	EMName  string `json:"em_name"` // e.g. "Active"
	// CSGlobal is the case-wide part of the case state: P, X and A.
	CSGlobal      string     `json:"cs_global"`
	EmbargoEndsAt *time.Time `json:"embargo_ends_at,omitempty"`
	Version       int        `json:"version"`
	CreatedBy     int64      `json:"created_by,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

func caseOut(c cases.Case) Case {
	out := Case{ID: c.ID, Key: c.Key, Title: c.Title, Summary: c.Summary, EM: c.EM.String(), EMName: c.EM.Name(),
		CSGlobal: c.Global.String()[3:], Version: c.Version, CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if !c.EmbargoEndsAt.IsZero() {
		out.EmbargoEndsAt = &c.EmbargoEndsAt
	}
	return out
}

// CaseDetail is one case with its vulnerabilities and, when read, what the
// caller may do in it.
type CaseDetail struct {
	Case
	// Restricted: the caller has not accepted the embargo in force, so the
	// vulnerabilities are withheld.
	Restricted      bool                `json:"restricted"`
	Vulnerabilities []CaseVulnerability `json:"vulnerabilities"`
	Access          *CaseAccess         `json:"access,omitempty"`
}

func caseDetailOut(c cases.Case) CaseDetail {
	out := CaseDetail{Case: caseOut(c), Restricted: c.Restricted, Vulnerabilities: []CaseVulnerability{}}
	for _, v := range c.Vulnerabilities {
		out.Vulnerabilities = append(out.Vulnerabilities, vulnOut(v))
	}
	return out
}

// CaseAccess is how the caller takes part in a case and what it may do
// there. Those who manage the case (Manage) act on every participant; the
// others only on the participants they act for.
type CaseAccess struct {
	Participants []int64 `json:"participants"` // the participants the caller acts for
	Coordinator  bool    `json:"coordinator"`  // one of them is a coordinator of the case
	Manage       bool    `json:"manage"`
	// Actions are what the caller may do: "vulnerabilities.add",
	// "vulnerabilities.update", "participants.add", "send", "em", "rm",
	// "consent.invite", "consent.accept", "consent.decline" and "cs.V" to
	// "cs.A".
	Actions []string `json:"actions"`
}

// caseAccessOut asks the cases package's permission functions what p may
// do; a read-only token may do nothing.
func caseAccessOut(p auth.Principal, a cases.Access) *CaseAccess {
	out := &CaseAccess{Participants: append([]int64{}, a.Participants...), Coordinator: a.Coordinator,
		Manage: cases.CanManage(p, a) == nil, Actions: []string{}}
	// 0 stands for a participant the caller does not act for.
	targets := append([]int64{0}, a.Participants...)
	some := func(ok func(int64) error) bool {
		for _, t := range targets {
			if ok(t) == nil {
				return true
			}
		}
		return false
	}
	add := func(action string, ok bool) {
		if ok {
			out.Actions = append(out.Actions, action)
		}
	}
	for _, action := range []string{"vulnerabilities.add", "vulnerabilities.update", "participants.add", "send", "em"} {
		add(action, out.Manage)
	}
	add("rm", some(func(t int64) error { return cases.CanStepRM(p, a, t) }))
	for _, e := range []protocol.ConsentEvent{protocol.ConsentInvite, protocol.ConsentAccept, protocol.ConsentDecline} {
		add("consent."+e.String(), some(func(t int64) error { return cases.CanStepConsent(p, a, t, e) }))
	}
	for _, e := range protocol.CSEvents() {
		if e.CaseWide() {
			add("cs."+e.String(), cases.CanRecordCS(p, a, 0, e) == nil)
			continue
		}
		add("cs."+e.String(), some(func(t int64) error { return cases.CanRecordCS(p, a, t, e) }))
	}
	return out
}

// CaseInput is the body of opening a case.
type CaseInput struct {
	Title           string                   `json:"title"`
	Summary         string                   `json:"summary"`
	Vulnerabilities []CaseVulnerabilityInput `json:"vulnerabilities"`
	// CoordinatorOrgID is the coordinator organisation that leads the
	// case; 0 picks the creator's own.
	CoordinatorOrgID int64 `json:"coordinator_org_id"`
}

func (in CaseInput) newCase() cases.NewCase {
	nc := cases.NewCase{Title: in.Title, Summary: in.Summary, CoordinatorOrgID: in.CoordinatorOrgID}
	for _, v := range in.Vulnerabilities {
		nc.Vulnerabilities = append(nc.Vulnerabilities, v.fields())
	}
	return nc
}

// CaseVulnerability is one vulnerability of a case. A score is present
// when its vector is.
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

func vulnOut(v cases.Vulnerability) CaseVulnerability {
	out := CaseVulnerability{ID: v.ID, CaseID: v.CaseID, Title: v.Title, Description: v.Description, CWE: v.CWE,
		CVSS31Vector: v.CVSS31Vector, CVSS40Vector: v.CVSS40Vector, CVE: v.CVE, Version: v.Version,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
	if v.CVSS31Vector != "" {
		out.CVSS31Score = &v.CVSS31Score
	}
	if v.CVSS40Vector != "" {
		out.CVSS40Score = &v.CVSS40Score
	}
	return out
}

// CaseVulnerabilityInput is the body of adding a vulnerability, or (with
// Version) of replacing its details.
type CaseVulnerabilityInput struct {
	Title        string `json:"title"`
	Description  string `json:"description"`
	CWE          string `json:"cwe"`
	CVSS31Vector string `json:"cvss31_vector"`
	CVSS40Vector string `json:"cvss40_vector"`
	CVE          string `json:"cve_id"`
	Version      int    `json:"version,omitempty"`
}

func (in CaseVulnerabilityInput) fields() cases.VulnFields {
	return cases.VulnFields{Title: in.Title, Description: in.Description, CWE: in.CWE, CVSS31Vector: in.CVSS31Vector,
		CVSS40Vector: in.CVSS40Vector, CVE: in.CVE}
}

// CaseParticipant is an organisation, or a person without one, taking
// part in a case. Times that have not happened yet are left out.
type CaseParticipant struct {
	ID      int64    `json:"id"`
	CaseID  int64    `json:"case_id"`
	OrgID   int64    `json:"org_id,omitempty"`
	UserID  int64    `json:"user_id,omitempty"`
	Name    string   `json:"name"`
	Roles   []string `json:"roles"`
	RM      string   `json:"rm"`      // S R I V A D C
	RMName  string   `json:"rm_name"` // e.g. "Accepted"
	Consent string   `json:"consent"` // none, invited, signatory, declined, lapsed
	// VFD is a vendor's or deployer's own part of the case state, e.g.
	// "Vfd"; empty for other participants.
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
	// EscalationStage: how far a silent vendor went along the case's
	// schedule (0 notified, 1 reminded, 2 other contacts, 3 flagged).
	EscalationStage int        `json:"escalation_stage"`
	UnresponsiveAt  *time.Time `json:"unresponsive_at,omitempty"`
	Version         int        `json:"version"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

func participantOut(pt cases.Participant) CaseParticipant {
	out := CaseParticipant{ID: pt.ID, CaseID: pt.CaseID, OrgID: pt.OrgID, UserID: pt.UserID, Name: pt.Name, Roles: []string{},
		RM: pt.RM.String(), RMName: pt.RM.Name(), Consent: consentOut(pt.Consent), AddedAt: pt.AddedAt,
		ContactAttempts: pt.ContactAttempts, DeliveryFailures: pt.DeliveryFailures, Version: pt.Version, UpdatedAt: pt.UpdatedAt,
		FirstContactAt: optTime(pt.FirstContactAt), LastContactAt: optTime(pt.LastContactAt), FirstViewAt: optTime(pt.FirstViewAt),
		FirstResponseAt: optTime(pt.FirstResponseAt), StatementAt: optTime(pt.StatementAt), LastResponseAt: optTime(pt.LastResponseAt),
		EscalationStage: pt.EscalationStage, UnresponsiveAt: optTime(pt.UnresponsiveAt)}
	for _, r := range pt.Roles {
		out.Roles = append(out.Roles, string(r))
	}
	if pt.HasVFD {
		out.VFD = pt.VFD.String()[:3]
	}
	return out
}

// consentOut names a consent state as one word, as the API documents it.
func consentOut(c protocol.ConsentState) string {
	if c == protocol.ConsentNone {
		return "none"
	}
	return c.String()
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// CaseParticipantsInput is the body of adding participants in bulk.
type CaseParticipantsInput struct {
	Participants []NewCaseParticipant `json:"participants"`
}

// NewCaseParticipant names an organisation or a person (never both) and
// its roles.
type NewCaseParticipant struct {
	OrgID  int64    `json:"org_id"`
	UserID int64    `json:"user_id"`
	Roles  []string `json:"roles"`
}

func (in CaseParticipantsInput) list() []cases.NewParticipant {
	out := make([]cases.NewParticipant, len(in.Participants))
	for i, np := range in.Participants {
		out[i] = cases.NewParticipant{OrgID: np.OrgID, UserID: np.UserID}
		for _, r := range np.Roles {
			out[i].Roles = append(out[i].Roles, cases.Role(r))
		}
	}
	return out
}

// CaseTimelineEntry is one entry of a case's timeline; Seq is the cursor
// position of the entry.
type CaseTimelineEntry struct {
	Seq         int64     `json:"seq"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	Message     string    `json:"message,omitempty"`      // the protocol message type, e.g. "RV"
	MessageName string    `json:"message_name,omitempty"` // e.g. "Report Valid"
	Summary     string    `json:"summary"`
}

func timelineOut(e cases.Event) CaseTimelineEntry {
	out := CaseTimelineEntry{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Summary: e.Summary}
	if e.Message != 0 {
		out.Message, out.MessageName = e.Message.String(), e.Message.Name()
	}
	return out
}

// CaseChange is one state change a recorded event made, in order, with
// the protocol message that announces it.
type CaseChange struct {
	Machine       string `json:"machine"` // RM, EM, CS or consent
	ParticipantID int64  `json:"participant_id,omitempty"`
	From          string `json:"from"`
	Event         string `json:"event"`
	To            string `json:"to"`
	Message       string `json:"message,omitempty"`
	Implied       bool   `json:"implied"` // presupposed or forced by the model, not asked for
}

// CaseChanges is the answer to recording a case state event.
type CaseChanges struct {
	Changes []CaseChange `json:"changes"`
}

func changesOut(list []protocol.Change) CaseChanges {
	out := CaseChanges{Changes: []CaseChange{}}
	for _, ch := range list {
		c := CaseChange{Machine: string(ch.Machine), From: ch.From, Event: ch.Event, To: ch.To, Implied: ch.Implied}
		c.ParticipantID, _ = strconv.ParseInt(ch.Participant, 10, 64)
		if ch.Message != 0 {
			c.Message = ch.Message.String()
		}
		out.Changes = append(out.Changes, c)
	}
	return out
}

// rmInput is the body of a report management step.
type rmInput struct {
	Event          string `json:"event"`
	OverrideReason string `json:"override_reason"`
}

// eventInput is the body of a consent step.
type eventInput struct {
	Event string `json:"event"`
}

// csInput is the body of recording a case state event.
type csInput struct {
	Event  string `json:"event"`
	Vendor int64  `json:"vendor"`
}

// sendInput is the body of recording that a participant sent the report
// to another.
type sendInput struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}
