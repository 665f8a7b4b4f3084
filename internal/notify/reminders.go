package notify

import (
	"context"
	"fmt"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
)

// vendorReminder carries out one step of a silent vendor's escalation: the
// notice again, the mail to its other contacts (both count as contact
// attempts), or the coordinators told that it was flagged unresponsive.
// Like the first notice, none carries vulnerability details.
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
	switch p.Step {
	case cases.EscalateAlternates:
		channel = "email to other contacts"
		if to, err = c.AlternateAddresses(ctx, p.CaseID, p.Vendor); err != nil {
			return err
		}
	case cases.EscalateFlag:
		coordinator, err := c.NoticeTarget(ctx, p.CaseID, p.Recipient)
		if err != nil {
			return permanentIfNotFound(err)
		}
		to = coordinator.Addresses
	}
	now := n.cfg.Now()
	if len(to) == 0 {
		if p.Step == cases.EscalateFlag {
			return nil // a coordinator without addresses sees the flag on the case page
		}
		err := c.MarkDeliveryFailed(ctx, p.CaseID, p.Vendor, now, channel, "no address to write to")
		return jobs.Permanent(fmt.Errorf("no address for participant %d: %w", p.Vendor, err))
	}
	data := map[string]any{"Target": vendor, "Config": n.cfg, "Step": int(p.Step), "Link": n.cfg.BaseURL + "/cases/" + vendor.CaseKey}
	subject, body, err := n.render("vendor_reminder.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	for _, addr := range to {
		if err := n.send.Send(ctx, mail.Message{From: n.cfg.From, To: addr, Subject: subject, Text: body}); err != nil {
			return err
		}
	}
	if p.Step == cases.EscalateFlag {
		return nil
	}
	return c.MarkNotified(ctx, p.CaseID, p.Vendor, now, channel)
}
