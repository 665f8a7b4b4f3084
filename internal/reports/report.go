package reports

import (
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

// Channel is how a report arrived.
type Channel string

// The intake channels.
const (
	ChannelWeb   Channel = "web"
	ChannelAPI   Channel = "api"
	ChannelEmail Channel = "email"
)

// AIUse says whether and how AI tools were used to find the issue or write
// the report. Every reporter is asked.
type AIUse string

// The answers about AI tools. AIUnstated is only for reports by e-mail,
// where nobody could ask.
const (
	AINone      AIUse = "none"
	AIAssisted  AIUse = "assisted"  // tools helped; a person checked the findings
	AIGenerated AIUse = "generated" // the findings or the report were produced by a tool
	AIUnstated  AIUse = "unstated"
)

// CreditWish is how the reporter wants to be credited in an advisory.
type CreditWish string

// The credit wishes.
const (
	CreditNone      CreditWish = "none"      // no credit wanted
	CreditNamed     CreditWish = "named"     // credit CreditName
	CreditAnonymous CreditWish = "anonymous" // "an anonymous researcher"
)

// Product is an affected product and the versions known to be affected.
type Product struct {
	Name     string
	Versions []string
}

// Vendor is a vendor the reporter named, optionally linked to an
// organisation of the directory.
type Vendor struct {
	Name  string
	OrgID int64 // 0 when not linked
}

// Contact is how to reach the reporter. Every part is optional: a report
// may be anonymous.
type Contact struct {
	Name         string
	Organisation string
	Email        string
}

// Disclosure is the reporter's own publication plan.
type Disclosure struct {
	// Date is when the reporter plans to publish, local to Zone:
	// "2026-09-01" or "2026-09-01T09:00" (or with a space for the T).
	Date string
	// Zone is an IANA time zone, e.g. "Europe/Helsinki".
	Zone string
	// Notes are conditions or context ("at a conference talk").
	Notes string
}

// Details are what a reporter tells about a vulnerability: the parts of a
// good report listed by the CERT Guide to CVD, plus the questions the
// program asks every reporter.
type Details struct {
	Title             string // one line
	Products          []Product
	Vendors           []Vendor
	Description       string // Markdown
	ProofOfConcept    string // Markdown
	Impact            string // Markdown
	HowFound          string // Markdown
	FoundOn           string // "2026-03-01" or "2026-03"; "" when unknown
	AlreadyReportedTo string // whom, when, and any answer
	PublicDetails     string // where it is discussed or exploited
	PubliclyKnown     bool   // it is discussed in public
	ExploitPublic     bool   // an exploit is public
	ActivelyExploited bool   // attacks have been seen
	Critical          bool   // the reporter deems it critical
	Disclosure        Disclosure
	Contact           Contact
	PGPKey            string // armoured OpenPGP public key, as given
	ShareContact      bool   // consent to share the contact with vendors
	Credit            CreditWish
	CreditName        string
	TrackingIDs       []string // other IDs: CVE, vendor tickets, other coordinators
	AIUse             AIUse
	AIDetails         string
}

// NewAttachment is a file sent with a submission.
type NewAttachment struct {
	Name string
	Data []byte
}

// Submission is a report as sent. The reporter's account, if any, comes
// from the principal that submits it.
type Submission struct {
	Details
	Channel     Channel
	Attachments []NewAttachment
}

// Status is where a report stands in the triage queue.
type Status string

// The queue statuses.
const (
	StatusNew     Status = "new"     // not yet acknowledged
	StatusOpen    Status = "open"    // acknowledged, with the coordinator
	StatusWaiting Status = "waiting" // waiting for the reporter; the clock is paused
	StatusClosed  Status = "closed"  // RM Closed: final
)

// Priority is the coordinator's priority for a report.
type Priority string

// The priorities.
const (
	PriorityNone   Priority = "none"
	PriorityLow    Priority = "low"
	PriorityMedium Priority = "medium"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Priorities lists the priorities in order.
var Priorities = []Priority{PriorityNone, PriorityLow, PriorityMedium, PriorityHigh, PriorityUrgent}

// Outcome is the coordinator's verdict on a report, for track records.
type Outcome string

// The outcomes. OutcomePending until a report is validated, judged invalid
// or marked as a duplicate.
const (
	OutcomePending   Outcome = ""
	OutcomeValid     Outcome = "valid"
	OutcomeInvalid   Outcome = "invalid"
	OutcomeDuplicate Outcome = "duplicate"
)

// Report is a stored report with its triage state, as coordinator staff
// see it.
type Report struct {
	ID         int64
	TrackingID string
	Details
	DisclosureAt   time.Time // Details.Disclosure in UTC; zero when none
	Channel        Channel
	ReporterUserID int64 // 0 when not signed in
	Attachments    []Attachment

	Status      Status
	RM          protocol.RMState
	Outcome     Outcome
	Resolution  Reason // the reason of the last invalidate, defer or close
	Priority    Priority
	AssigneeID  int64
	DuplicateOf int64
	SSVC        SSVC

	ReceivedAt     time.Time
	AcknowledgedAt time.Time // zero until acknowledged
	WaitingSince   time.Time // zero unless Status is StatusWaiting
	Paused         time.Duration
	ClosedAt       time.Time
	UpdatedAt      time.Time
	Version        int
}

// SSVC is a report's stored Coordinator Triage assessment.
type SSVC struct {
	Outcome       string // "Decline", "Track" or "Coordinate"; "" when not assessed
	SelectionList []byte // the SSVC selection list (JSON)
	AssessedAt    time.Time
}

// Age is how long the report has been with the coordinator at now, not
// counting the time it waited for its reporter.
func (r Report) Age(now time.Time) time.Duration {
	end := now
	if !r.ClosedAt.IsZero() {
		end = r.ClosedAt
	}
	paused := r.Paused
	if !r.WaitingSince.IsZero() {
		paused += end.Sub(r.WaitingSince)
	}
	return max(end.Sub(r.ReceivedAt)-paused, 0)
}

// Receipt is what a reporter gets back from Submit.
type Receipt struct {
	ReportID   int64
	TrackingID string // e.g. RPT-2026-000123
	// FollowUpSecret opens the report's follow-up page. It is shown only
	// here: Parley keeps only its hash.
	FollowUpSecret string
	// Completeness lists what the report lacks, as advice.
	Completeness []Gap
}
