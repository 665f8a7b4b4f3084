package reports

import "strings"

// Gap is something a report lacks, with why it matters, in plain words.
// Gaps are advice: they never block a report.
type Gap struct {
	Field   string // as in validation errors, e.g. "proof_of_concept"
	Message string
}

// Completeness lists what s lacks that would help the coordinator and the
// vendor, in the order a reporter would fill it in. A report can be sent
// with every gap open.
func Completeness(s Submission) []Gap {
	var gaps []Gap
	add := func(field, msg string) { gaps = append(gaps, Gap{Field: field, Message: msg}) }
	if len(s.Products) == 0 {
		add("products", "Name the affected product. Without it we cannot tell whom to contact or who is at risk.")
	} else if !anyVersion(s.Products) {
		add("products.versions", "Say which versions you found affected. Otherwise the vendor has to test every release before fixing, which delays the fix.")
	}
	if len(s.Vendors) == 0 {
		add("vendors", "Name the vendor if you know it. Otherwise we first have to find out who maintains the product.")
	}
	if blankText(s.ProofOfConcept) {
		add("proof_of_concept", "Add a proof of concept: the steps, request or code that shows the problem. Reports that can be reproduced are confirmed and fixed much sooner.")
	}
	if blankText(s.Impact) {
		add("impact", "Describe the impact: what an attacker could do (read data, run code, stop a service) and what they need first. It decides how urgently the issue is handled.")
	}
	if blankText(s.HowFound) || strings.TrimSpace(s.FoundOn) == "" {
		add("how_found", "Say how and when you found it. It helps the vendor reproduce it and judge whether others may have found it too.")
	}
	if blankText(s.AlreadyReportedTo) {
		add("already_reported_to", "Tell us whether you have already told the vendor or anyone else, so that nobody starts from scratch and nobody is surprised.")
	}
	if strings.TrimSpace(s.Contact.Email) == "" {
		add("contact.email", "Without an e-mail address we can only answer on your follow-up page: keep its link safe, or give an address so that we can ask you questions.")
	}
	if strings.TrimSpace(s.Disclosure.Date) == "" && blankText(s.Disclosure.Notes) {
		add("disclosure.date", "Tell us whether and when you plan to publish. We can then agree a date with the vendor instead of being caught out.")
	}
	switch s.AIUse {
	case "", AIUnstated:
		add("ai_use", "Tell us whether AI tools were used to find the issue or to write the report; it helps us check the findings.")
	case AIAssisted, AIGenerated:
		if blankText(s.AIDetails) {
			add("ai_details", "Say which AI tools you used and how you checked what they produced.")
		}
	}
	return gaps
}

func anyVersion(ps []Product) bool {
	for _, p := range ps {
		if !blank(p.Versions) {
			return true
		}
	}
	return false
}

func blankText(s string) bool { return strings.TrimSpace(s) == "" }
