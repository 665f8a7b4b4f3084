package notify

import (
	"context"
	"fmt"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
)

// vendorReminder carries out one step of a silent vendor's escalation: the
// notice again, the mail to its other contacts (both count as contact
// attempts), or the coordinators told that it was flagged unresponsive.
// Like the first notice, none carries vulnerability details. The contact
// attempts are urgent for accounts (mailed at once whatever their
// preferences); the flag goes through deliver like any news.
func (n *Notifier) vendorReminder(ctx context.Context, j jobs.Job, c *cases.Service) error {
	var p cases.VendorReminder
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	vendor, err := c.NoticeTarget(ctx, p.CaseID, p.Vendor)
	if err != nil {
		return permanentIfNotFound(err)
	}
	to, channel := vendor.Addresses, "email reminder"
	accounts, err := n.accounts(ctx, vendor)
	if err != nil {
		return err
	}
	switch p.Step {
	case cases.EscalateAlternates:
		channel = "email to other contacts"
		if to, err = c.AlternateAddresses(ctx, p.CaseID, p.Vendor); err != nil {
			return err
		}
		if accounts, err = n.byEmail(ctx, to); err != nil { // the vendor's members
			return err
		}
	case cases.EscalateFlag:
		coordinator, err := c.NoticeTarget(ctx, p.CaseID, p.Recipient)
		if err != nil {
			return permanentIfNotFound(err)
		}
		to = coordinator.Addresses
		if accounts, err = n.accounts(ctx, coordinator); err != nil {
			return err
		}
	}
	now := n.cfg.Now()
	if len(to) == 0 {
		if p.Step == cases.EscalateFlag {
			return nil // a coordinator without addresses sees the flag on the case page
		}
		err := c.MarkDeliveryFailed(ctx, p.CaseID, p.Vendor, now, channel, "no address to write to")
		return jobs.Permanent(fmt.Errorf("no address for participant %d: %w", p.Vendor, err))
	}
	link := n.cfg.BaseURL + "/cases/" + vendor.CaseKey
	data := map[string]any{"Target": vendor, "Config": n.cfg, "Step": int(p.Step), "Link": link}
	subject, body, err := n.render("vendor_reminder.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	// The reminders to the vendor are contact attempts: urgent. The flag is
	// news for the coordinators like any other.
	a := about{caseID: p.CaseID, caseKey: vendor.CaseKey, ref: vendor.CaseKey, link: link, urgent: p.Step != cases.EscalateFlag}
	if err := n.deliver(ctx, j, a, lettersTo(to, accounts, subject, body)); err != nil {
		return err
	}
	if p.Step == cases.EscalateFlag {
		return nil
	}
	return c.MarkNotified(ctx, p.CaseID, p.Vendor, now, channel)
}
