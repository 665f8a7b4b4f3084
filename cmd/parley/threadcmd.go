package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

func threadCommands() []command {
	return []command{
		{"thread", "discussion threads in cases: list, show, start, post, edit, pin, history, download, settings", runThread},
	}
}

const threadUsage = `thread: want one of
  list KEY
  show KEY ID [--cursor C] [--limit N]
  start KEY --title TITLE --body TEXT [--with PARTICIPANT[,PARTICIPANT...]] [--case-wide] [--as PARTICIPANT] [--attach FILE]...
  post KEY ID --body TEXT [--as PARTICIPANT] [--attach FILE]...
  edit KEY ID POST --body TEXT --version N
  pin KEY ID POST [--unpin]
  history KEY ID POST
  download KEY ID POST FILE [--out PATH]
  settings KEY --vendors-invite-vendors true|false
Without --with or --case-wide a thread is with the coordinators; --case-wide is
every participant (coordinators only). Bodies are Markdown; @name, @[Name with
spaces] and @someone@example.org mention users and organisations of the
thread. Every command takes --json`

// attachFlag is a repeated --attach flag.
type attachFlag []string

func (f *attachFlag) String() string     { return strings.Join(*f, ",") }
func (f *attachFlag) Set(v string) error { *f = append(*f, v); return nil }

// read loads the files to attach, named by their base names.
func (f attachFlag) read() ([]client.NewAttachment, error) {
	var out []client.NewAttachment
	for _, path := range f {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, usageError("thread: --attach: %v", err)
		}
		out = append(out, client.NewAttachment{Name: filepath.Base(path), Data: b})
	}
	return out, nil
}

// threadIDs reads the numeric positional arguments after KEY.
func threadIDs(pos []string) ([]int64, error) {
	var out []int64
	for _, s := range pos[1:] {
		id, err := caseArgID(s)
		if err != nil {
			return nil, usageError("thread: %v", err)
		}
		out = append(out, id)
	}
	return out, nil
}

func runThread(ctx context.Context, c *cli, args []string) error {
	verbs := map[string]caseVerb{
		"list":     {[]string{"KEY"}, threadList},
		"show":     {[]string{"KEY", "ID"}, threadShow},
		"start":    {[]string{"KEY"}, threadStart},
		"post":     {[]string{"KEY", "ID"}, threadPost},
		"edit":     {[]string{"KEY", "ID", "POST"}, threadEdit},
		"pin":      {[]string{"KEY", "ID", "POST"}, threadPin},
		"history":  {[]string{"KEY", "ID", "POST"}, threadHistory},
		"download": {[]string{"KEY", "ID", "POST", "FILE"}, threadDownload},
		"settings": {[]string{"KEY"}, threadSettings},
	}
	return runCaseVerbs(ctx, c, "thread", threadUsage, verbs, args)
}

func threadList(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		l, err := cl.Threads(ctx, pos[0])
		if err != nil {
			return err
		}
		return out.print(l, func() {
			rows := [][]string{}
			for _, t := range l.Items {
				rows = append(rows, []string{fmt.Sprint(t.ID), audienceWords(t), fmt.Sprint(t.Posts), t.LastPostAt.Format("2006-01-02 15:04"), t.Title})
			}
			table(out.c.stdout, "ID\tWITH\tPOSTS\tLAST POST\tTITLE", rows)
			if l.Settings.VendorsInviteVendors {
				out.f("vendors may invite other vendors to threads in %s\n", pos[0])
			}
		})
	}
}

// audienceWords names who reads a thread.
func audienceWords(t client.Thread) string {
	if t.Audience == "case" {
		return "whole case"
	}
	names := make([]string, len(t.Members))
	for i, m := range t.Members {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

func threadShow(fs *flag.FlagSet) caseVerbRun {
	cursor, limit := fs.String("cursor", "", "the next_cursor of the page before"), fs.Int("limit", 0, "posts per page (1-200)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		d, err := cl.Thread(ctx, pos[0], ids[0], *cursor, *limit)
		if err != nil {
			return err
		}
		return out.print(d, func() { printThread(out, d) })
	}
}

func threadStart(fs *flag.FlagSet) caseVerbRun {
	var in client.NewThread
	var attach attachFlag
	fs.StringVar(&in.Title, "title", "", "a one-line title (required)")
	fs.StringVar(&in.Body, "body", "", "the first post, Markdown (required)")
	with := fs.String("with", "", "the participants to name besides the coordinators, e.g. 12,13")
	wide := fs.Bool("case-wide", false, "with every participant of the case")
	fs.Int64Var(&in.As, "as", 0, "the participant that starts it (default: yours)")
	fs.Var(&attach, "attach", "a file to attach (repeat for more)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		if strings.TrimSpace(in.Title) == "" || strings.TrimSpace(in.Body) == "" {
			return usageError("thread start: --title and --body are required")
		}
		ids, err := caseArgIDs(*with)
		if err != nil {
			return usageError("thread start: --with %v", err)
		}
		if in.With = ids; *wide {
			in.Audience = "case"
		}
		if in.Attachments, err = attach.read(); err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		d, err := cl.StartThread(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return out.print(d, func() { out.f("started thread %d in %s\n", d.ID, d.CaseKey); printThread(out, d) })
	}
}

func threadPost(fs *flag.FlagSet) caseVerbRun {
	var in client.NewThreadPost
	var attach attachFlag
	fs.StringVar(&in.Body, "body", "", "the post, Markdown (required)")
	fs.Int64Var(&in.As, "as", 0, "the participant written for (default: yours)")
	fs.Var(&attach, "attach", "a file to attach (repeat for more)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		if strings.TrimSpace(in.Body) == "" {
			return usageError("thread post: --body is required")
		}
		if in.Attachments, err = attach.read(); err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		p, err := cl.PostInThread(ctx, pos[0], ids[0], in)
		if err != nil {
			return err
		}
		return out.print(p, func() { printPost(out, p) })
	}
}

func threadEdit(fs *flag.FlagSet) caseVerbRun {
	body, version := fs.String("body", "", "the new text, Markdown (required)"), fs.Int("version", 0, "the version of the post you edit (required)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		if strings.TrimSpace(*body) == "" || *version < 1 {
			return usageError("thread edit: --body and --version are required")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		p, err := cl.EditThreadPost(ctx, pos[0], ids[0], ids[1], *body, *version)
		if err != nil {
			return err
		}
		return out.print(p, func() { printPost(out, p) })
	}
}

func threadPin(fs *flag.FlagSet) caseVerbRun {
	unpin := fs.Bool("unpin", false, "unpin the post instead")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		p, err := cl.PinThreadPost(ctx, pos[0], ids[0], ids[1], !*unpin)
		if err != nil {
			return err
		}
		return out.print(p, func() { printPost(out, p) })
	}
}

func threadHistory(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		h, err := cl.ThreadPostHistory(ctx, pos[0], ids[0], ids[1])
		if err != nil {
			return err
		}
		return out.print(h, func() {
			printPost(out, h.Post)
			for _, e := range h.Edits {
				out.f("version %d, replaced by %s at %s: %s\n", e.Version, e.EditedBy, e.EditedAt.Format("2006-01-02 15:04"), e.Body)
			}
		})
	}
}

func threadDownload(fs *flag.FlagSet) caseVerbRun {
	to := fs.String("out", "-", "where to write the file (- for standard output)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		ids, err := threadIDs(pos)
		if err != nil {
			return err
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		_, data, err := cl.ThreadAttachment(ctx, pos[0], ids[0], ids[1], ids[2])
		if err != nil {
			return err
		}
		if *to == "-" {
			_, err = out.c.stdout.Write(data)
			return err
		}
		return os.WriteFile(*to, data, 0o600)
	}
}

func threadSettings(fs *flag.FlagSet) caseVerbRun {
	value := fs.String("vendors-invite-vendors", "", "whether vendors may start threads with other vendors: true or false (required)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		on, err := strconv.ParseBool(*value)
		if err != nil {
			return usageError("thread settings: --vendors-invite-vendors must be true or false")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		s, err := cl.SetThreadSettings(ctx, pos[0], on)
		if err != nil {
			return err
		}
		return out.print(s, func() { out.f("vendors may invite other vendors: %v\n", s.VendorsInviteVendors) })
	}
}

func printThread(out *caseOutput, d client.ThreadDetail) {
	out.f("%s thread %d: %s (with %s), started by %s\n", d.CaseKey, d.ID, d.Title, audienceWords(d.Thread), d.StarterName)
	for _, p := range d.Pinned {
		out.f("pinned: post %d by %s\n", p.ID, p.Name)
	}
	for _, p := range d.Posts {
		printPost(out, p)
	}
	if d.NextCursor != "" {
		out.f("more: --cursor %s\n", d.NextCursor)
	}
	if len(d.Access.Actions) > 0 {
		out.f("you may: %s\n", strings.Join(d.Access.Actions, ", "))
	}
}

func printPost(out *caseOutput, p client.ThreadPost) {
	who := p.Name
	if who == "" {
		who = "coordinators"
	}
	flags := ""
	if p.Pinned {
		flags += " [pinned]"
	}
	if p.EditedAt != nil {
		flags += fmt.Sprintf(" [edited, version %d]", p.Version)
	}
	out.f("post %d, %s %s (%s)%s: %s\n", p.ID, p.CreatedAt.Format("2006-01-02 15:04"), who, p.Author, flags, p.Body)
	for _, a := range p.Attachments {
		out.f("  file %d: %s (%s, %d bytes, sha256 %s)\n", a.ID, a.Name, a.ContentType, a.Size, a.SHA256)
	}
}
