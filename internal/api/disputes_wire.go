package api

import (
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/disputes"
)

// Wire types of disputes. Participants are named by their IDs in the case
// (participant_id) with their names; times are UTC, and the zone an
// extension was meant in is given beside it.

// Dispute is a dispute as lists show it: its parties without positions.
type Dispute struct {
	ID             int64          `json:"id"`
	CaseID         int64          `json:"case_id"`
	CaseKey        string         `json:"case_key"`
	Topic          string         `json:"topic"`
	TopicLabel     string         `json:"topic_label"`
	Title          string         `json:"title"`
	Status         string         `json:"status"` // open, resolved, unresolved, withdrawn
	OpenedBy       int64          `json:"opened_by"`
	OpenerName     string         `json:"opener_name,omitempty"`
	Mediator       int64          `json:"mediator"`
	MediatorName   string         `json:"mediator_name,omitempty"`
	Parties        []DisputeParty `json:"parties"`
	RequestedUntil *time.Time     `json:"requested_until,omitempty"`
	RequestedZone  string         `json:"requested_zone,omitempty"`
	Answer         string         `json:"answer,omitempty"` // granted, partly, denied
	GrantedUntil   *time.Time     `json:"granted_until,omitempty"`
	GrantedZone    string         `json:"granted_zone,omitempty"`
	Reasons        string         `json:"reasons,omitempty"`
	Outcome        string         `json:"outcome,omitempty"`
	// AgeSeconds is how long the dispute has been open (until it ended).
	AgeSeconds int64      `json:"age_seconds"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	ResolvedAt *time.Time `json:"resolved_at,omitempty"`
}

// DisputeParty is a party with its position as the caller may read it;
// hidden is set when a position exists that only the mediator reads.
type DisputeParty struct {
	ParticipantID int64      `json:"participant_id"`
	Name          string     `json:"name"`
	Position      string     `json:"position,omitempty"`
	Visibility    string     `json:"visibility,omitempty"` // coordinator or parties
	PositionBy    string     `json:"position_by,omitempty"`
	PositionAt    *time.Time `json:"position_at,omitempty"`
	Hidden        bool       `json:"hidden,omitempty"`
}

// DisputeDetail is one dispute with its thread, its proposals and what
// the caller may do.
type DisputeDetail struct {
	Dispute
	Messages    []DisputeMessage    `json:"messages"`
	Resolutions []DisputeResolution `json:"resolutions"`
	Access      DisputeAccess       `json:"access"`
}

// DisputeAccess is how the caller takes part: the parties it speaks for,
// whether it mediates, and the actions open to it: "position", "post",
// "propose", "decide", "close", "withdraw", "answer".
type DisputeAccess struct {
	Parties  []int64  `json:"parties"`
	Mediator bool     `json:"mediator"`
	Actions  []string `json:"actions"`
}

// DisputeMessage is one post of the mediation thread; Body is Markdown.
type DisputeMessage struct {
	ID            int64     `json:"id"`
	ParticipantID int64     `json:"participant_id,omitempty"`
	Name          string    `json:"name,omitempty"`
	Author        string    `json:"author"`
	Mediator      bool      `json:"mediator"`
	Body          string    `json:"body"`
	CreatedAt     time.Time `json:"created_at"`
}

// DisputeResolution is a proposal of the mediator with the answers.
type DisputeResolution struct {
	ID         int64           `json:"id"`
	Proposal   string          `json:"proposal"`
	Status     string          `json:"status"` // pending, accepted, rejected, superseded
	ProposedBy string          `json:"proposed_by"`
	ProposedAt time.Time       `json:"proposed_at"`
	DecidedAt  *time.Time      `json:"decided_at,omitempty"`
	Answers    []DisputeAnswer `json:"answers"`
}

// DisputeAnswer is one party's answer to a proposal.
type DisputeAnswer struct {
	ParticipantID int64     `json:"participant_id"`
	Name          string    `json:"name,omitempty"`
	Answer        string    `json:"answer"` // accept or reject
	Comment       string    `json:"comment,omitempty"`
	By            string    `json:"by"`
	At            time.Time `json:"at"`
}

// DisputeMediation says who mediates a case's disputes.
type DisputeMediation struct {
	CaseID        int64      `json:"case_id"`
	ParticipantID int64      `json:"participant_id,omitempty"`
	Name          string     `json:"name,omitempty"`
	HandedOver    bool       `json:"handed_over"`
	Reason        string     `json:"reason,omitempty"`
	HandedAt      *time.Time `json:"handed_at,omitempty"`
}

func disputeOut(d disputes.Detail, now time.Time) Dispute {
	out := Dispute{ID: d.ID, CaseID: d.CaseID, CaseKey: d.CaseKey, Topic: string(d.Topic), TopicLabel: d.Topic.Label(), Title: d.Title,
		Status: string(d.Status), OpenedBy: d.OpenedBy, OpenerName: d.OpenerName, Mediator: d.Mediator, MediatorName: d.MediatorName,
		Parties: []DisputeParty{}, RequestedUntil: optTime(d.RequestedUntil), RequestedZone: d.RequestedZone, Answer: string(d.Answer),
		GrantedUntil: optTime(d.GrantedUntil), GrantedZone: d.GrantedZone, Reasons: d.Reasons, Outcome: d.Outcome,
		AgeSeconds: int64(d.Age(now) / time.Second), Version: d.Version, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		ResolvedAt: optTime(d.ResolvedAt)}
	for _, pt := range d.Parties {
		out.Parties = append(out.Parties, disputePartyOut(pt))
	}
	return out
}

func disputePartyOut(pt disputes.Party) DisputeParty {
	out := DisputeParty{ParticipantID: pt.Participant, Name: pt.Name, Position: pt.Position, PositionBy: pt.By,
		PositionAt: optTime(pt.At), Hidden: pt.Hidden}
	if !pt.At.IsZero() {
		out.Visibility = string(pt.Visibility)
	}
	return out
}

func disputeDetailOut(p auth.Principal, d disputes.Detail, now time.Time) DisputeDetail {
	out := DisputeDetail{Dispute: disputeOut(d, now), Messages: []DisputeMessage{}, Resolutions: []DisputeResolution{},
		Access: disputeAccessOut(p, d)}
	for _, m := range d.Messages {
		out.Messages = append(out.Messages, disputeMessageOut(m))
	}
	for _, r := range d.Resolutions {
		out.Resolutions = append(out.Resolutions, disputeResolutionOut(r))
	}
	return out
}

// disputeAccessOut asks the disputes package's permission functions what
// p may do in an open dispute.
func disputeAccessOut(p auth.Principal, d disputes.Detail) DisputeAccess {
	st := d.Standing
	out := DisputeAccess{Parties: append([]int64{}, st.PartiesActed()...), Mediator: disputes.Mediates(p, st), Actions: []string{}}
	if !d.Open() {
		return out
	}
	add := func(action string, err error) {
		if err == nil {
			out.Actions = append(out.Actions, action)
		}
	}
	speaks := func() error {
		for _, id := range out.Parties {
			if err := disputes.CanState(p, st, id); err == nil {
				return nil
			}
		}
		return disputes.CanState(p, st, 0)
	}
	add("position", speaks())
	add("post", disputes.CanPost(p, st))
	if d.Topic == disputes.TopicExtension {
		add("decide", disputes.CanMediate(p, st))
	} else {
		add("propose", disputes.CanMediate(p, st))
	}
	add("close", disputes.CanMediate(p, st))
	add("withdraw", disputes.CanWithdraw(p, st))
	if _, ok := d.Pending(); ok {
		add("answer", speaks())
	}
	return out
}

func disputeMessageOut(m disputes.Message) DisputeMessage {
	return DisputeMessage{ID: m.ID, ParticipantID: m.Participant, Name: m.Name, Author: m.Author, Mediator: m.Mediator, Body: m.Body,
		CreatedAt: m.CreatedAt}
}

func disputeResolutionOut(r disputes.Resolution) DisputeResolution {
	out := DisputeResolution{ID: r.ID, Proposal: r.Proposal, Status: string(r.Status), ProposedBy: r.ProposedBy, ProposedAt: r.ProposedAt,
		DecidedAt: optTime(r.DecidedAt), Answers: []DisputeAnswer{}}
	for _, a := range r.Answers {
		answer := "reject"
		if a.Accept {
			answer = "accept"
		}
		out.Answers = append(out.Answers, DisputeAnswer{ParticipantID: a.Participant, Name: a.Name, Answer: answer, Comment: a.Comment,
			By: a.By, At: a.At})
	}
	return out
}

func disputeMediationOut(m disputes.Mediation) DisputeMediation {
	out := DisputeMediation{CaseID: m.CaseID, ParticipantID: m.Participant, Name: m.Name, HandedOver: m.HandedOver, Reason: m.Reason}
	if m.HandedOver {
		out.HandedAt = optTime(m.HandedAt)
	}
	return out
}

// DisputeInput is the body of opening a dispute.
type DisputeInput struct {
	Topic string `json:"topic"`
	Title string `json:"title"`
	// As is the participant that opens it; 0 for the one the caller acts
	// for. With are the participants disputed with; empty for the
	// coordinator (the mediator).
	As         int64   `json:"as"`
	With       []int64 `json:"with"`
	Position   string  `json:"position"`
	Visibility string  `json:"visibility"`
	// Until and Zone are the end an extension asks for: RFC 3339 with an
	// offset, or a local date-time with an IANA zone.
	Until string `json:"until"`
	Zone  string `json:"zone"`
}

func (in DisputeInput) newDispute() disputes.NewDispute {
	return disputes.NewDispute{Topic: disputes.Topic(in.Topic), Title: in.Title, As: in.As, With: in.With, Position: in.Position,
		Visibility: disputes.Visibility(in.Visibility), Until: in.Until, Zone: in.Zone}
}

// DisputePositionInput is the body of stating a position.
type DisputePositionInput struct {
	As         int64  `json:"as"`
	Text       string `json:"text"`
	Visibility string `json:"visibility"` // coordinator or parties (the default)
}

// DisputeMessageInput is the body of a post to the mediation thread.
type DisputeMessageInput struct {
	As   int64  `json:"as"` // the party written for; 0 for the caller's one party, or the mediator
	Body string `json:"body"`
}

// DisputeProposalInput is the body of proposing a resolution.
type DisputeProposalInput struct {
	Proposal string `json:"proposal"`
}

// DisputeAnswerInput is the body of answering a proposal.
type DisputeAnswerInput struct {
	As      int64  `json:"as"`
	Answer  string `json:"answer"` // accept or reject
	Comment string `json:"comment"`
}

// DisputeDecisionInput is the body of answering an extension request.
type DisputeDecisionInput struct {
	Answer  string `json:"answer"` // granted, partly or denied
	Until   string `json:"until"`
	Zone    string `json:"zone"`
	Reasons string `json:"reasons"`
}

// DisputeReasonsInput is the body of closing or withdrawing a dispute.
type DisputeReasonsInput struct {
	Reasons string `json:"reasons"`
}

// DisputeMediatorInput is the body of handing a case's disputes over.
type DisputeMediatorInput struct {
	ParticipantID int64  `json:"participant_id"`
	Reason        string `json:"reason"`
}
