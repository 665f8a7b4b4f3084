package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/client"
)

func disputeCommands() []command {
	return []command{
		{"dispute", "disputes in cases: list, show, open, position, post, propose, answer, decide, close, withdraw, mediator", runDispute},
	}
}

const disputeUsage = `dispute: want one of
  list [--case KEY] [--topic TOPIC] [--mine] [--cursor C] [--limit N]
  show KEY ID
  open KEY --topic TOPIC --title TITLE [--with PARTICIPANT[,PARTICIPANT...]] [--as PARTICIPANT]
       [--position TEXT [--private]] [--until 2026-07-01T12:00 --zone Europe/Berlin]
  position KEY ID --text TEXT [--private] [--as PARTICIPANT]
  post KEY ID --body TEXT [--as PARTICIPANT]
  propose KEY ID --text TEXT
  answer KEY ID RESOLUTION accept|reject [--comment TEXT] [--as PARTICIPANT]
  decide KEY ID granted|partly|denied [--until TIME --zone ZONE] [--reasons TEXT]
  close KEY ID --reasons TEXT
  withdraw KEY ID [--reasons TEXT]
  mediator KEY [--to PARTICIPANT --reason TEXT]
TOPIC is reproducibility, security_implications, deployed_impact, whether_to_disclose,
disclosure_detail, timing, extension or other; without --with a dispute is with the
coordinator; --private keeps a position for the mediator. Every command takes --json`

// disputeCall is a verb that changes one dispute and prints it.
type disputeCall func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error)

// oneDispute runs call on the dispute KEY ID and prints the answer.
func oneDispute(call disputeCall) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		id, err := caseArgID(pos[1])
		if err != nil {
			return usageError("dispute: ID %v", err)
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		d, err := call(ctx, cl, pos[0], id)
		if err != nil {
			return err
		}
		return out.print(d, func() { printDispute(out, d) })
	}
}

func visibility(private bool) string {
	if private {
		return "coordinator"
	}
	return "parties"
}

func runDispute(ctx context.Context, c *cli, args []string) error {
	verbs := map[string]caseVerb{
		"list": {nil, disputeList},
		"show": {[]string{"KEY", "ID"}, func(*flag.FlagSet) caseVerbRun {
			return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
				return cl.Dispute(ctx, key, id)
			})
		}},
		"open": {[]string{"KEY"}, disputeOpen},
		"position": {[]string{"KEY", "ID"}, func(fs *flag.FlagSet) caseVerbRun {
			text, private, as := fs.String("text", "", "the position (required)"), fs.Bool("private", false, "only the mediator reads it"), fs.Int64("as", 0, "the party")
			return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
				return cl.StatePosition(ctx, key, id, *as, *text, visibility(*private))
			})
		}},
		"post": {[]string{"KEY", "ID"}, func(fs *flag.FlagSet) caseVerbRun {
			body, as := fs.String("body", "", "the message, Markdown (required)"), fs.Int64("as", 0, "the party written for")
			return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
				return cl.PostDisputeMessage(ctx, key, id, *as, *body)
			})
		}},
		"propose": {[]string{"KEY", "ID"}, func(fs *flag.FlagSet) caseVerbRun {
			text := fs.String("text", "", "the proposed resolution (required)")
			return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
				return cl.ProposeResolution(ctx, key, id, *text)
			})
		}},
		"answer":   {[]string{"KEY", "ID", "RESOLUTION", "ANSWER"}, disputeAnswer},
		"decide":   {[]string{"KEY", "ID", "ANSWER"}, disputeDecide},
		"close":    {[]string{"KEY", "ID"}, disputeEnd((*client.Client).CloseDispute)},
		"withdraw": {[]string{"KEY", "ID"}, disputeEnd((*client.Client).WithdrawDispute)},
		"mediator": {[]string{"KEY"}, disputeMediator},
	}
	return runCaseVerbs(ctx, c, "dispute", disputeUsage, verbs, args)
}

func disputeList(fs *flag.FlagSet) caseVerbRun {
	var f client.DisputeFilter
	key := fs.String("case", "", "list this case's disputes (all states) instead of the open ones across cases")
	fs.StringVar(&f.Topic, "topic", "", "only this topic")
	fs.BoolVar(&f.Mine, "mine", false, "only the disputes you are a party to or mediate")
	fs.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the page before")
	fs.IntVar(&f.Limit, "limit", 0, "page size (1-200)")
	return func(ctx context.Context, out *caseOutput, _ []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		var l client.List[client.Dispute]
		if *key != "" {
			l.Items, err = cl.Disputes(ctx, *key)
		} else {
			l, err = cl.OpenDisputes(ctx, f)
		}
		if err != nil {
			return err
		}
		return out.print(l, func() {
			rows := [][]string{}
			for _, d := range l.Items {
				rows = append(rows, []string{d.CaseKey, fmt.Sprint(d.ID), d.Status, d.Topic, age(d.AgeSeconds), d.MediatorName, d.Title})
			}
			table(out.c.stdout, "CASE\tID\tSTATUS\tTOPIC\tAGE\tMEDIATOR\tTITLE", rows)
			if l.NextCursor != "" {
				out.f("more: --cursor %s\n", l.NextCursor)
			}
		})
	}
}

// age writes a duration in days and hours, e.g. "3d 4h".
func age(seconds int64) string {
	d := time.Duration(seconds) * time.Second
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

func disputeOpen(fs *flag.FlagSet) caseVerbRun {
	var in client.NewDispute
	fs.StringVar(&in.Topic, "topic", "", "what the dispute is about (required)")
	fs.StringVar(&in.Title, "title", "", "a one-line title (required)")
	with := fs.String("with", "", "the participants disputed with, e.g. 12,13 (default: the coordinator)")
	fs.Int64Var(&in.As, "as", 0, "the participant that opens it (default: yours)")
	fs.StringVar(&in.Position, "position", "", "your position")
	private := fs.Bool("private", false, "only the mediator reads your position")
	fs.StringVar(&in.Until, "until", "", "extensions: the end asked for, e.g. 2026-07-01T12:00 or an RFC 3339 time")
	fs.StringVar(&in.Zone, "zone", "", "extensions: the IANA time zone of --until, e.g. Europe/Berlin")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		if strings.TrimSpace(in.Topic) == "" || strings.TrimSpace(in.Title) == "" {
			return usageError("dispute open: --topic and --title are required")
		}
		ids, err := caseArgIDs(*with)
		if err != nil {
			return usageError("dispute open: --with %v", err)
		}
		in.With = ids
		if in.Position != "" {
			in.Visibility = visibility(*private)
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		d, err := cl.OpenDispute(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return out.print(d, func() { out.f("opened dispute %d in %s\n", d.ID, d.CaseKey); printDispute(out, d) })
	}
}

func disputeAnswer(fs *flag.FlagSet) caseVerbRun {
	comment, as := fs.String("comment", "", "why"), fs.Int64("as", 0, "the party answering")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		rid, err := caseArgID(pos[2])
		if err != nil {
			return usageError("dispute answer: RESOLUTION %v", err)
		}
		if pos[3] != "accept" && pos[3] != "reject" {
			return usageError("dispute answer: want accept or reject, got %q", pos[3])
		}
		return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
			return cl.AnswerResolution(ctx, key, id, rid, *as, pos[3] == "accept", *comment)
		})(ctx, out, pos)
	}
}

func disputeDecide(fs *flag.FlagSet) caseVerbRun {
	var in client.DisputeDecision
	fs.StringVar(&in.Until, "until", "", "the new end (partly; granted defaults to the end asked for)")
	fs.StringVar(&in.Zone, "zone", "", "the IANA time zone of --until")
	fs.StringVar(&in.Reasons, "reasons", "", "why (required for partly and denied)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		in.Answer = pos[2]
		return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
			return cl.DecideExtension(ctx, key, id, in)
		})(ctx, out, pos)
	}
}

func disputeEnd(end func(*client.Client, context.Context, string, int64, string, ...client.Option) (client.DisputeDetail, error)) func(*flag.FlagSet) caseVerbRun {
	return func(fs *flag.FlagSet) caseVerbRun {
		reasons := fs.String("reasons", "", "why")
		return oneDispute(func(ctx context.Context, cl *client.Client, key string, id int64) (client.DisputeDetail, error) {
			return end(cl, ctx, key, id, *reasons)
		})
	}
}

func disputeMediator(fs *flag.FlagSet) caseVerbRun {
	to, reason := fs.Int64("to", 0, "hand the case's disputes to this coordinator participant"), fs.String("reason", "", "why (shown on the case timeline)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		var m client.DisputeMediation
		if *to != 0 {
			m, err = cl.HandOver(ctx, pos[0], *to, *reason)
		} else {
			m, err = cl.Mediator(ctx, pos[0])
		}
		if err != nil {
			return err
		}
		return out.print(m, func() {
			out.f("disputes of %s are mediated by %s (participant %d)\n", pos[0], m.Name, m.ParticipantID)
			if m.HandedOver {
				out.f("handed over as neutral third party: %s\n", m.Reason)
			}
		})
	}
}

func printDispute(out *caseOutput, d client.DisputeDetail) {
	out.f("%s dispute %d: %s (%s), %s, open for %s\n", d.CaseKey, d.ID, d.Title, d.TopicLabel, d.Status, age(d.AgeSeconds))
	out.f("mediator: %s (participant %d)\n", d.MediatorName, d.Mediator)
	if d.RequestedUntil != nil {
		out.f("asks until: %s (%s)\n", d.RequestedUntil.Format(time.RFC3339), d.RequestedZone)
	}
	if d.Answer != "" {
		out.f("answer: %s", d.Answer)
		if d.GrantedUntil != nil {
			out.f(" until %s (%s)", d.GrantedUntil.Format(time.RFC3339), d.GrantedZone)
		}
		out.f("\n")
	}
	for _, p := range d.Parties {
		switch {
		case p.Hidden:
			out.f("party %d %s: (a position for the mediator only)\n", p.ParticipantID, p.Name)
		case p.Position != "":
			out.f("party %d %s (%s): %s\n", p.ParticipantID, p.Name, p.Visibility, p.Position)
		default:
			out.f("party %d %s: no position yet\n", p.ParticipantID, p.Name)
		}
	}
	for _, m := range d.Messages {
		out.f("%s %s (%s): %s\n", m.CreatedAt.Format("2006-01-02 15:04"), m.Name, m.Author, m.Body)
	}
	for _, r := range d.Resolutions {
		out.f("proposal %d, %s: %s\n", r.ID, r.Status, r.Proposal)
		for _, a := range r.Answers {
			out.f("  %s: %s %s\n", a.Name, a.Answer, a.Comment)
		}
	}
	if d.Outcome != "" {
		out.f("outcome: %s\n", d.Outcome)
	}
	if d.Reasons != "" {
		out.f("reasons: %s\n", d.Reasons)
	}
	if len(d.Access.Actions) > 0 {
		out.f("you may: %s\n", strings.Join(d.Access.Actions, ", "))
	}
}
