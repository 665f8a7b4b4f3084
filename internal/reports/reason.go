package reports

import (
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// Reason is a canned, polite reason for invalidating, deferring or closing
// a report, told to the reporter in plain words.
type Reason string

// The canned reasons. The first six judge a report invalid.
const (
	ReasonOutOfScope      Reason = "out_of_scope"
	ReasonNotReproducible Reason = "not_reproducible"
	ReasonNotSecurity     Reason = "not_security"
	ReasonInsufficient    Reason = "insufficient_info"
	ReasonLowQuality      Reason = "low_quality"
	ReasonNoAnswer        Reason = "no_answer"
	ReasonDuplicate       Reason = "duplicate"
	ReasonAlreadyPublic   Reason = "already_public"
	ReasonVendorHandles   Reason = "vendor_handles"
	ReasonNoCapacity      Reason = "no_capacity"
	ReasonResolved        Reason = "resolved"
	ReasonOther           Reason = "other" // the coordinator's message says why
)

// Reasons lists the canned reasons in the order forms show them.
var Reasons = []Reason{ReasonOutOfScope, ReasonNotReproducible, ReasonNotSecurity, ReasonInsufficient, ReasonLowQuality,
	ReasonNoAnswer, ReasonDuplicate, ReasonAlreadyPublic, ReasonVendorHandles, ReasonNoCapacity, ReasonResolved, ReasonOther}

var reasonTexts = map[Reason]struct {
	label, text string
	invalid     bool
}{
	ReasonOutOfScope: {"Out of scope", "The product or the issue is outside what this program covers, so we cannot coordinate it. " +
		"If the vendor has its own security contact, we suggest you write to it directly.", true},
	ReasonNotReproducible: {"Not reproducible", "We could not reproduce the problem from the information in the report. " +
		"If you can give exact steps, versions and configuration, please send a new report and mention this one.", true},
	ReasonNotSecurity: {"Not a security issue", "As far as we can tell, what the report describes does not let anyone do what they " +
		"could not do already (it works as intended, or needs access that already gives full control).", true},
	ReasonInsufficient: {"Not enough information", "The report does not have enough information for us to act on: " +
		"we need at least the affected product and version and how to reproduce the problem.", true},
	ReasonLowQuality: {"No verifiable vulnerability", "The report does not describe a concrete vulnerability that we can verify. " +
		"We ask reporters to check findings by hand, especially those produced by automated tools.", true},
	ReasonNoAnswer: {"No answer", "We asked for more information and did not hear back in time, so we have closed the report. " +
		"If you can still answer, please send a new report and mention this one.", true},
	ReasonDuplicate: {"Duplicate", "Someone reported the same issue to us earlier. Your report is linked to that one, " +
		"and you will hear from us about its progress. Thank you for reporting it.", false},
	ReasonAlreadyPublic: {"Already public or fixed", "The issue is already public or fixed, so there is nothing left for us to coordinate.", false},
	ReasonVendorHandles: {"Vendor handles it", "The vendor is handling the issue directly, so we are not coordinating it ourselves.", false},
	ReasonNoCapacity:    {"Cannot coordinate now", "We cannot coordinate this issue at the moment. We will tell you if that changes.", false},
	ReasonResolved:      {"Resolved", "The coordination of this issue is complete. Thank you for reporting it and for your patience.", false},
	ReasonOther:         {"Other", "", false},
}

// Label is the reason's short name for coordinators.
func (r Reason) Label() string { return reasonTexts[r].label }

// Text is the reason in plain words for the reporter.
func (r Reason) Text() string { return reasonTexts[r].text }

// Invalidates reports whether the reason judges a report invalid.
func (r Reason) Invalidates() bool { return reasonTexts[r].invalid }

// check validates a reason given for an RM step; ReasonOther needs words.
func (r Reason) check(message string) error {
	if _, ok := reasonTexts[r]; !ok || r == "" {
		return errs.Field("reason", "must be one of the canned reasons")
	}
	if r == ReasonOther && strings.TrimSpace(message) == "" {
		return errs.Field("message", "is required with the reason \"other\": tell the reporter why")
	}
	return nil
}

// Notices: what the reporter reads when the coordinator acts.

func ackText(trackingID string) string {
	return fmt.Sprintf("Thank you for your report %s. We have received it and a coordinator is looking at it. "+
		"We will write here when we know more, or if we have questions.", trackingID)
}

func validatedText() string {
	return "We have confirmed that your report describes a vulnerability. Next we decide how to coordinate it, " +
		"and we will keep you informed."
}

func acceptedText() string {
	return "We have taken on the coordination of this issue: we will work with the vendor towards a fix and a " +
		"publication date, and keep you informed."
}

func invalidText(r Reason) string {
	return "We have concluded that we cannot treat this report as a vulnerability. " + r.Text()
}

func deferredText(r Reason) string {
	return "We have put this report on hold. " + r.Text()
}

func closedText(r Reason) string {
	return "We have closed this report. " + r.Text()
}

func waitingText(question string, expiry time.Duration) string {
	return question + fmt.Sprintf("\n\n(Please answer on this page. The report waits for your answer, and is closed if "+
		"we hear nothing within %d days.)", int(expiry.Hours()/24))
}

// withMessage appends the coordinator's own words to a canned text.
func withMessage(text, message string) string {
	if message = strings.TrimSpace(message); message != "" {
		return text + "\n\n" + message
	}
	return text
}
