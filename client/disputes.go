package client

import (
	"context"
	"net/url"
	"time"
)

// Dispute is a dispute between participants of a case, mediated by a
// coordinator. Status is open, resolved, unresolved or withdrawn.
type Dispute struct {
	ID             int64          `json:"id"`
	CaseID         int64          `json:"case_id"`
	CaseKey        string         `json:"case_key"`
	Topic          string         `json:"topic"`
	TopicLabel     string         `json:"topic_label"`
	Title          string         `json:"title"`
	Status         string         `json:"status"`
	OpenedBy       int64          `json:"opened_by"`
	OpenerName     string         `json:"opener_name,omitempty"`
	Mediator       int64          `json:"mediator"`
	MediatorName   string         `json:"mediator_name,omitempty"`
	Parties        []DisputeParty `json:"parties"`
	RequestedUntil *time.Time     `json:"requested_until,omitempty"`
	RequestedZone  string         `json:"requested_zone,omitempty"`
	Answer         string         `json:"answer,omitempty"`
	GrantedUntil   *time.Time     `json:"granted_until,omitempty"`
	GrantedZone    string         `json:"granted_zone,omitempty"`
	Reasons        string         `json:"reasons,omitempty"`
	Outcome        string         `json:"outcome,omitempty"`
	AgeSeconds     int64          `json:"age_seconds"`
	Version        int            `json:"version"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
	ResolvedAt     *time.Time     `json:"resolved_at,omitempty"`
}

// DisputeParty is a party with its position as the caller may read it.
type DisputeParty struct {
	ParticipantID int64      `json:"participant_id"`
	Name          string     `json:"name"`
	Position      string     `json:"position,omitempty"`
	Visibility    string     `json:"visibility,omitempty"`
	PositionBy    string     `json:"position_by,omitempty"`
	PositionAt    *time.Time `json:"position_at,omitempty"`
	Hidden        bool       `json:"hidden,omitempty"`
}

// DisputeDetail is a dispute with its thread, its proposals and what the
// caller may do (Access.Actions: position, post, propose, decide, close,
// withdraw, answer).
type DisputeDetail struct {
	Dispute
	Messages    []DisputeMessage    `json:"messages"`
	Resolutions []DisputeResolution `json:"resolutions"`
	Access      struct {
		Parties  []int64  `json:"parties"`
		Mediator bool     `json:"mediator"`
		Actions  []string `json:"actions"`
	} `json:"access"`
}

// DisputeMessage is one post of the mediation thread (Markdown).
type DisputeMessage struct {
	ID            int64     `json:"id"`
	ParticipantID int64     `json:"participant_id,omitempty"`
	Name          string    `json:"name,omitempty"`
	Author        string    `json:"author"`
	Mediator      bool      `json:"mediator"`
	Body          string    `json:"body"`
	CreatedAt     time.Time `json:"created_at"`
}

// DisputeResolution is a proposal of the mediator with the parties'
// answers; Status is pending, accepted, rejected or superseded.
type DisputeResolution struct {
	ID         int64      `json:"id"`
	Proposal   string     `json:"proposal"`
	Status     string     `json:"status"`
	ProposedBy string     `json:"proposed_by"`
	ProposedAt time.Time  `json:"proposed_at"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	Answers    []struct {
		ParticipantID int64     `json:"participant_id"`
		Name          string    `json:"name,omitempty"`
		Answer        string    `json:"answer"`
		Comment       string    `json:"comment,omitempty"`
		By            string    `json:"by"`
		At            time.Time `json:"at"`
	} `json:"answers"`
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

// NewDispute opens a dispute. Topic is reproducibility,
// security_implications, deployed_impact, whether_to_disclose,
// disclosure_detail, timing, extension or other; With empty means the
// coordinator. Until and Zone (extensions only) are an RFC 3339 time, or
// a local date-time with an IANA zone.
type NewDispute struct {
	Topic      string  `json:"topic"`
	Title      string  `json:"title"`
	As         int64   `json:"as,omitempty"`
	With       []int64 `json:"with,omitempty"`
	Position   string  `json:"position,omitempty"`
	Visibility string  `json:"visibility,omitempty"`
	Until      string  `json:"until,omitempty"`
	Zone       string  `json:"zone,omitempty"`
}

// DisputeDecision answers an extension request: granted, partly (with an
// earlier Until) or denied (with Reasons).
type DisputeDecision struct {
	Answer  string `json:"answer"`
	Until   string `json:"until,omitempty"`
	Zone    string `json:"zone,omitempty"`
	Reasons string `json:"reasons,omitempty"`
}

// DisputeFilter narrows OpenDisputes.
type DisputeFilter struct {
	Topic  string
	Mine   bool
	Cursor string
	Limit  int
}

// OpenDisputes lists a page of the open disputes across cases the caller
// sees, oldest first.
func (c *Client) OpenDisputes(ctx context.Context, f DisputeFilter) (List[Dispute], error) {
	extra := url.Values{}
	if f.Topic != "" {
		extra.Set("topic", f.Topic)
	}
	if f.Mine {
		extra.Set("mine", "true")
	}
	var l List[Dispute]
	err := c.Do(ctx, "GET", "/api/v1/disputes"+PageQuery(f.Cursor, f.Limit, extra), nil, &l)
	return l, err
}

// Disputes lists a case's disputes the caller sees, newest first.
func (c *Client) Disputes(ctx context.Context, key string) ([]Dispute, error) {
	var l List[Dispute]
	err := c.Do(ctx, "GET", casePath(key, "disputes"), nil, &l)
	return l.Items, err
}

// Dispute returns one dispute of a case.
func (c *Client) Dispute(ctx context.Context, key string, id int64) (DisputeDetail, error) {
	var d DisputeDetail
	err := c.Do(ctx, "GET", casePath(key, "disputes", id), nil, &d)
	return d, err
}

// OpenDispute opens a dispute in a case.
func (c *Client) OpenDispute(ctx context.Context, key string, in NewDispute, opts ...Option) (DisputeDetail, error) {
	return c.disputeCall(ctx, casePath(key, "disputes"), in, opts)
}

// StatePosition states a party's position (as 0: the caller's one party);
// visibility is coordinator or parties.
func (c *Client) StatePosition(ctx context.Context, key string, id, as int64, text, visibility string, opts ...Option) (DisputeDetail, error) {
	in := map[string]any{"text": text, "visibility": visibility}
	if as != 0 {
		in["as"] = as
	}
	return c.disputeCall(ctx, casePath(key, "disputes", id, "positions"), in, opts)
}

// PostDisputeMessage writes in the mediation thread (as 0: the caller's
// one party, or the mediator).
func (c *Client) PostDisputeMessage(ctx context.Context, key string, id, as int64, body string, opts ...Option) (DisputeDetail, error) {
	in := map[string]any{"body": body}
	if as != 0 {
		in["as"] = as
	}
	return c.disputeCall(ctx, casePath(key, "disputes", id, "messages"), in, opts)
}

// ProposeResolution proposes a resolution (the mediator).
func (c *Client) ProposeResolution(ctx context.Context, key string, id int64, proposal string, opts ...Option) (DisputeDetail, error) {
	return c.disputeCall(ctx, casePath(key, "disputes", id, "resolutions"), map[string]string{"proposal": proposal}, opts)
}

// AnswerResolution accepts or rejects a proposal for a party (as 0: the
// caller's one party).
func (c *Client) AnswerResolution(ctx context.Context, key string, id, resolution, as int64, accept bool, comment string, opts ...Option) (DisputeDetail, error) {
	in := map[string]any{"answer": "reject"}
	if accept {
		in["answer"] = "accept"
	}
	if comment != "" {
		in["comment"] = comment
	}
	if as != 0 {
		in["as"] = as
	}
	return c.disputeCall(ctx, casePath(key, "disputes", id, "resolutions", resolution, "answer"), in, opts)
}

// DecideExtension answers an extension request (the mediator).
func (c *Client) DecideExtension(ctx context.Context, key string, id int64, in DisputeDecision, opts ...Option) (DisputeDetail, error) {
	return c.disputeCall(ctx, casePath(key, "disputes", id, "decision"), in, opts)
}

// CloseDispute closes a dispute without agreement (the mediator).
func (c *Client) CloseDispute(ctx context.Context, key string, id int64, reasons string, opts ...Option) (DisputeDetail, error) {
	return c.disputeCall(ctx, casePath(key, "disputes", id, "close"), map[string]string{"reasons": reasons}, opts)
}

// WithdrawDispute withdraws a dispute (its opener).
func (c *Client) WithdrawDispute(ctx context.Context, key string, id int64, reasons string, opts ...Option) (DisputeDetail, error) {
	return c.disputeCall(ctx, casePath(key, "disputes", id, "withdraw"), map[string]string{"reasons": reasons}, opts)
}

// Mediator returns who mediates a case's disputes.
func (c *Client) Mediator(ctx context.Context, key string) (DisputeMediation, error) {
	var m DisputeMediation
	err := c.Do(ctx, "GET", casePath(key, "mediator"), nil, &m)
	return m, err
}

// HandOver makes another coordinator participant the neutral mediator of
// the case's disputes.
func (c *Client) HandOver(ctx context.Context, key string, participant int64, reason string, opts ...Option) (DisputeMediation, error) {
	var m DisputeMediation
	err := c.Do(ctx, "POST", casePath(key, "mediator"), map[string]any{"participant_id": participant, "reason": reason}, &m, opts...)
	return m, err
}

func (c *Client) disputeCall(ctx context.Context, path string, in any, opts []Option) (DisputeDetail, error) {
	var d DisputeDetail
	err := c.Do(ctx, "POST", path, in, &d, opts...)
	return d, err
}
