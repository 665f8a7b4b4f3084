package disputes

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
)

// Topic is what a dispute is about: the reasons the CERT Guide to CVD
// gives for engaging a coordinator, plus Other.
type Topic string

// The topics of disputes.
const (
	TopicReproducibility      Topic = "reproducibility"
	TopicSecurityImplications Topic = "security_implications"
	TopicDeployedImpact       Topic = "deployed_impact"
	TopicWhetherToDisclose    Topic = "whether_to_disclose"
	TopicDisclosureDetail     Topic = "disclosure_detail"
	TopicTiming               Topic = "timing"
	// TopicExtension is a request to extend a deadline: it names the end
	// asked for, and the mediator answers it with a Decision.
	TopicExtension Topic = "extension"
	TopicOther     Topic = "other"
)

// Topics returns every topic in the order forms list them.
func Topics() []Topic {
	return []Topic{TopicReproducibility, TopicSecurityImplications, TopicDeployedImpact, TopicWhetherToDisclose,
		TopicDisclosureDetail, TopicTiming, TopicExtension, TopicOther}
}

var topicLabels = map[Topic]string{
	TopicReproducibility:      "Reproducibility",
	TopicSecurityImplications: "Security implications",
	TopicDeployedImpact:       "Impact on deployed systems",
	TopicWhetherToDisclose:    "Whether to disclose",
	TopicDisclosureDetail:     "How much detail to disclose",
	TopicTiming:               "Timing of disclosure",
	TopicExtension:            "Extension of a deadline",
	TopicOther:                "Other",
}

// Label names the topic in plain words.
func (t Topic) Label() string {
	if l, ok := topicLabels[t]; ok {
		return l
	}
	return string(t)
}

// ParseTopic reads a topic by its name (any case; "-" or " " for "_").
func ParseTopic(s string) (Topic, error) {
	t := Topic(strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(s))))
	if _, ok := topicLabels[t]; ok {
		return t, nil
	}
	names := make([]string, 0, len(topicLabels))
	for _, x := range Topics() {
		names = append(names, string(x))
	}
	if t == "" {
		return "", errs.Field("topic", "is required: use one of %s", strings.Join(names, ", "))
	}
	return "", errs.Field("topic", "%q is not a topic: use one of %s", s, strings.Join(names, ", "))
}

// Status is where a dispute stands.
type Status string

// The statuses of a dispute. Only StatusOpen changes.
const (
	StatusOpen       Status = "open"
	StatusResolved   Status = "resolved"   // the parties accepted a resolution, or the mediator answered an extension request
	StatusUnresolved Status = "unresolved" // the mediator closed it without agreement, with reasons
	StatusWithdrawn  Status = "withdrawn"  // the opener withdrew it
)

// Visibility says who reads a party's position.
type Visibility string

// The visibilities of positions.
const (
	// VisibleToCoordinator: the author's participant and the mediator.
	VisibleToCoordinator Visibility = "coordinator"
	// VisibleToParties: everyone who sees the dispute.
	VisibleToParties Visibility = "parties"
)

// ParseVisibility reads a visibility; "" is VisibleToParties.
func ParseVisibility(s string) (Visibility, error) {
	switch v := Visibility(strings.ToLower(strings.TrimSpace(s))); v {
	case "":
		return VisibleToParties, nil
	case VisibleToCoordinator, VisibleToParties:
		return v, nil
	}
	return "", errs.Field("visibility", "must be coordinator (only the mediator reads it) or parties (the other parties too)")
}

// Answer is the mediator's answer to an extension request.
type Answer string

// The answers to an extension request.
const (
	Granted Answer = "granted" // the end asked for
	Partly  Answer = "partly"  // an earlier end than asked for
	Denied  Answer = "denied"
)

// ParseAnswer reads an answer to an extension request.
func ParseAnswer(s string) (Answer, error) {
	switch a := Answer(strings.ToLower(strings.TrimSpace(s))); a {
	case Granted, Partly, Denied:
		return a, nil
	}
	return "", errs.Field("answer", "must be granted, partly or denied")
}

// ResolutionStatus is where a proposed resolution stands.
type ResolutionStatus string

// The statuses of a resolution.
const (
	Pending    ResolutionStatus = "pending"
	Accepted   ResolutionStatus = "accepted" // by every party: it resolved the dispute
	Rejected   ResolutionStatus = "rejected" // by one party at least
	Superseded ResolutionStatus = "superseded"
)

// Dispute is a disagreement between participants of a case that a
// coordinator mediates.
type Dispute struct {
	ID        int64
	CaseID    int64
	CaseKey   string
	CaseTitle string
	Topic     Topic
	Title     string
	Status    Status
	// OpenedBy is the participant that opened it, OpenedByUser the account.
	OpenedBy     int64
	OpenedByUser int64
	// Mediator is the coordinator participant that mediates.
	Mediator int64
	// RequestedUntil and RequestedZone are the end an extension request
	// asks for; zero for other topics.
	RequestedUntil time.Time
	RequestedZone  string
	// Answer, GrantedUntil and GrantedZone are the mediator's answer to an
	// extension request.
	Answer       Answer
	GrantedUntil time.Time
	GrantedZone  string
	Reasons      string // of a denial or partial grant, of closing unresolved, of withdrawing
	Outcome      string // the accepted resolution
	CreatedAt    time.Time
	UpdatedAt    time.Time
	ResolvedAt   time.Time // zero while open
	Version      int
}

// Open reports whether the dispute still waits for an outcome.
func (d Dispute) Open() bool { return d.Status == StatusOpen }

// Age is how long the dispute has been (or was) open at now.
func (d Dispute) Age(now time.Time) time.Duration {
	if !d.ResolvedAt.IsZero() {
		return d.ResolvedAt.Sub(d.CreatedAt)
	}
	return now.Sub(d.CreatedAt)
}

// Party is a participant in a dispute with its position as the reader may
// see it.
type Party struct {
	Participant int64
	Name        string
	// Position is empty when none was stated or the reader may not read it
	// (then Hidden is set).
	Position   string
	Visibility Visibility
	By         string
	At         time.Time // zero when no position was stated
	Hidden     bool
}

// Message is one post of the mediation thread.
type Message struct {
	ID          int64
	DisputeID   int64
	Author      string // the account as the journal names it
	Participant int64  // whom the author wrote for; 0 for an administrator mediating
	Name        string // that participant's name
	Mediator    bool   // written as the mediator
	Body        string // Markdown source
	CreatedAt   time.Time
}

// Resolution is a proposal of the mediator with the parties' answers.
type Resolution struct {
	ID         int64
	DisputeID  int64
	Proposal   string
	Status     ResolutionStatus
	ProposedBy string
	ProposedAt time.Time
	DecidedAt  time.Time
	Answers    []PartyAnswer
}

// PartyAnswer is one party's answer to a proposal.
type PartyAnswer struct {
	Participant int64
	Name        string
	Accept      bool
	Comment     string
	By          string
	At          time.Time
}

// Answered reports whether participant answered r.
func (r Resolution) Answered(participant int64) bool {
	for _, a := range r.Answers {
		if a.Participant == participant {
			return true
		}
	}
	return false
}

// Detail is a dispute with everything the reader may see of it.
type Detail struct {
	Dispute
	MediatorName string
	OpenerName   string
	Parties      []Party
	Messages     []Message
	Resolutions  []Resolution // oldest first
	// Standing is how the reader takes part; the Can* functions take it.
	Standing Standing
}

// Pending returns the pending resolution, if any.
func (d Detail) Pending() (Resolution, bool) {
	for _, r := range d.Resolutions {
		if r.Status == Pending {
			return r, true
		}
	}
	return Resolution{}, false
}

// The bounds of what people write.
const (
	MaxTitle = 200
	MaxText  = 20000
)

// checkTitle trims a one-line title and checks its length.
func checkTitle(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", errs.Field("title", "is required")
	case n > MaxTitle:
		return "", errs.Field("title", "must be at most %d characters long", MaxTitle)
	case strings.ContainsAny(s, "\r\n\x00"):
		return "", errs.Field("title", "must be one line")
	}
	return s, nil
}

// checkText trims a text and checks it; required refuses an empty one.
func checkText(field, s string, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0 && required:
		return "", errs.Field(field, "is required")
	case n > MaxText:
		return "", errs.Field(field, "must be at most %d characters long", MaxText)
	case strings.ContainsRune(s, 0):
		return "", errs.Field(field, "must not contain NUL characters")
	}
	return s, nil
}
