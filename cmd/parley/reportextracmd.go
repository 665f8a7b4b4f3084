package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/client"
)

// Triage beyond the RM decisions, as verbs of `parley report` (added to
// its verbs by runReport): assign, priority, duplicates, duplicate,
// attachments, download and messages.

func reportExtraCommands() []command { return nil }

const reportExtraUsage = `
and, to triage:
  assign ID --to USER_ID|me | --none
  priority ID none|low|medium|high|urgent
  duplicates ID
  duplicate ID --of ORIGINAL
  attachments ID
  download ID ATTACHMENT_ID -o FILE|-
  messages ID
assign, priority and duplicate send the version the report has now (read just before).`

// reportExtraVerbs are the triage verbs of `parley report`.
func reportExtraVerbs() map[string]caseVerb {
	return map[string]caseVerb{
		"assign":      {[]string{"ID"}, reportAssign},
		"priority":    {[]string{"ID", "LEVEL"}, reportPriority},
		"duplicates":  {[]string{"ID"}, reportDuplicates},
		"duplicate":   {[]string{"ID"}, reportDuplicate},
		"attachments": {[]string{"ID"}, reportAttachments},
		"download":    {[]string{"ID", "ATTACHMENT_ID"}, reportDownload},
		"messages":    {[]string{"ID"}, reportMessages},
	}
}

// reportVersion reads the version the report has now, for a change.
func reportVersion(ctx context.Context, cl *client.Client, id string) (int, error) {
	r, err := cl.Report(ctx, id)
	return r.Version, err
}

func reportAssign(fs *flag.FlagSet) caseVerbRun {
	to := fs.String("to", "", "the user ID of a member of the coordinator staff, or me")
	none := fs.Bool("none", false, "assign the report to nobody")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		if (*to == "") == !*none {
			return usageError("report assign: give --to USER_ID (or me), or --none")
		}
		var uid int64
		if *to != "" && *to != "me" {
			n, err := caseArgID(*to)
			if err != nil {
				return usageError("report assign: --to %v", err)
			}
			uid = n
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		if *to == "me" {
			me, err := cl.Me(ctx)
			if err != nil {
				return err
			}
			uid = me.ID
		}
		version, err := reportVersion(ctx, cl, pos[0])
		if err != nil {
			return err
		}
		r, err := cl.AssignReport(ctx, pos[0], version, uid)
		if err != nil {
			return err
		}
		return out.print(r, func() {
			if r.Triage == nil || r.Triage.AssigneeID == 0 {
				out.f("%s: assigned to nobody\n", r.TrackingID)
				return
			}
			out.f("%s: assigned to %s\n", r.TrackingID, r.Triage.Assignee())
		})
	}
}

func reportPriority(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		level := strings.ToLower(strings.TrimSpace(pos[1]))
		switch level {
		case "none", "low", "medium", "high", "urgent":
		default:
			return usageError("report priority: LEVEL must be none, low, medium, high or urgent, not %q", pos[1])
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		version, err := reportVersion(ctx, cl, pos[0])
		if err != nil {
			return err
		}
		r, err := cl.SetReportPriority(ctx, pos[0], version, level)
		if err != nil {
			return err
		}
		return out.print(r, func() {
			prio := level
			if r.Triage != nil {
				prio = r.Triage.Priority
			}
			out.f("%s: priority %s\n", r.TrackingID, prio)
		})
	}
}

func reportDuplicates(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		list, err := cl.ReportDuplicates(ctx, pos[0])
		if err != nil {
			return err
		}
		return out.print(list, func() {
			if len(list) == 0 {
				out.f("no likely duplicates\n")
				return
			}
			rows := [][]string{}
			for _, c := range list {
				rows = append(rows, []string{c.TrackingID, strconv.FormatFloat(c.Score, 'f', 2, 64), c.Status, c.RM, c.Title,
					strings.Join(c.Reasons, "; ")})
			}
			table(out.c.stdout, "TRACKING ID\tSCORE\tSTATUS\tRM\tTITLE\tWHY", rows)
		})
	}
}

func reportDuplicate(fs *flag.FlagSet) caseVerbRun {
	of := fs.String("of", "", "the original report: its tracking ID or ID (required)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		original := strings.TrimSpace(*of)
		if original == "" {
			return usageError("report duplicate: --of ORIGINAL is required")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		version, err := reportVersion(ctx, cl, pos[0])
		if err != nil {
			return err
		}
		r, err := cl.MarkReportDuplicate(ctx, pos[0], version, original)
		if err != nil {
			return err
		}
		return out.print(r, func() {
			out.f("%s: a duplicate of %s; now %s (%s)\n", r.TrackingID, original, r.RMName, r.RM)
		})
	}
}

func reportAttachments(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		list, err := cl.ReportAttachments(ctx, pos[0])
		if err != nil {
			return err
		}
		return out.print(list, func() {
			if len(list) == 0 {
				out.f("no attachments\n")
				return
			}
			rows := [][]string{}
			for _, a := range list {
				rows = append(rows, []string{strconv.FormatInt(a.ID, 10), a.Name, strconv.FormatInt(a.Size, 10), a.ContentType, a.SHA256})
			}
			table(out.c.stdout, "ID\tNAME\tSIZE\tSNIFFED TYPE\tSHA-256", rows)
		})
	}
}

func reportDownload(fs *flag.FlagSet) caseVerbRun {
	file := fs.String("o", "", "the file to write, or - for standard output (required)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		aid, err := caseArgID(pos[1])
		if err != nil {
			return usageError("report download: ATTACHMENT_ID %v", err)
		}
		if *file == "" {
			return usageError("report download: -o FILE is required (- for standard output)")
		}
		if *file == "-" && out.asJSON {
			return usageError("report download: -o - and --json both write to standard output")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		name, data, err := cl.ReportAttachment(ctx, pos[0], aid)
		if err != nil {
			return err
		}
		if *file == "-" {
			_, err := out.c.stdout.Write(data)
			return err
		}
		// The file is the reporter's, possibly a working exploit: readable
		// by its owner only.
		if err := os.WriteFile(*file, data, 0o600); err != nil {
			return &exitError{code: 1, msg: "report download: " + err.Error()}
		}
		sum := sha256.Sum256(data)
		info := map[string]any{"name": name, "file": *file, "size": len(data), "sha256": hex.EncodeToString(sum[:])}
		return out.print(info, func() { out.f("%s: %d bytes written to %s (sha256 %s)\n", name, len(data), *file, info["sha256"]) })
	}
}

func reportMessages(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		list, err := cl.ReportMessages(ctx, pos[0])
		if err != nil {
			return err
		}
		return out.print(list, func() {
			for i, m := range list {
				internal := ""
				if m.Internal {
					internal = " (internal)"
				}
				if i > 0 {
					out.f("\n")
				}
				out.f("-- %s %s, %s%s\n%s\n", m.Author, m.Kind, m.CreatedAt.Format(time.RFC3339), internal, m.Body)
			}
			if len(list) == 0 {
				out.f("no messages\n")
			}
		})
	}
}
