package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/parleycvd/parley/client"
)

func statusCommands() []command {
	return []command{
		{"status", "vendor status (VEX) in cases: list, show, set, approve, vex", runStatus},
	}
}

const statusUsage = `status: want one of
  list KEY [--vendor PARTICIPANT] [--vuln ID] [--status STATUS] [--approval draft|approved] [--cursor C] [--limit N]
  show KEY ID
  set KEY --vuln ID --product NAME [--status STATUS] [--versions RANGE] [--fixed VERSION]
      [--justification J] [--action TEXT] [--statement TEXT] [--ref URL]... [--purl PURL] [--cpe CPE]
      [--share[=false]] [--as PARTICIPANT]
  approve KEY ID [--undo]
  vex KEY
STATUS is under_investigation, affected (needs --action), not_affected (needs --justification:
component_not_present, vulnerable_code_not_present, vulnerable_code_not_in_execute_path,
vulnerable_code_cannot_be_controlled_by_adversary or inline_mitigations_already_exist) or fixed
(needs --fixed). RANGE is constraints such as ">=2.0 <2.4.1 || =1.9.7". set creates your
vendor's statement on the product, or changes the flags given of the one it has; --share shows it
to the other participants before publication. vex prints the OpenVEX document of the approved
statements. Every command takes --json`

func runStatus(ctx context.Context, c *cli, args []string) error {
	verbs := map[string]caseVerb{
		"list": {[]string{"KEY"}, statusList},
		"show": {[]string{"KEY", "ID"}, func(*flag.FlagSet) caseVerbRun {
			return oneStatement(func(ctx context.Context, cl *client.Client, key string, id int64) (client.VendorStatement, error) {
				return cl.Statement(ctx, key, id)
			})
		}},
		"set": {[]string{"KEY"}, statusSet},
		"approve": {[]string{"KEY", "ID"}, func(fs *flag.FlagSet) caseVerbRun {
			undo := fs.Bool("undo", false, "return the statement to a draft instead")
			return oneStatement(func(ctx context.Context, cl *client.Client, key string, id int64) (client.VendorStatement, error) {
				st, err := cl.Statement(ctx, key, id)
				if err != nil {
					return st, err
				}
				return cl.ApproveStatement(ctx, key, id, st.Version, !*undo)
			})
		}},
		"vex": {[]string{"KEY"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				doc, err := cl.VEX(ctx, pos[0])
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(out.c.stdout, strings.TrimSpace(string(doc)))
				return err
			}
		}},
	}
	return runCaseVerbs(ctx, c, "status", statusUsage, verbs, args)
}

// oneStatement runs call on statement KEY ID and prints the answer.
func oneStatement(call func(ctx context.Context, cl *client.Client, key string, id int64) (client.VendorStatement, error)) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		id, err := caseArgID(pos[1])
		if err != nil {
			return usageError("status: ID %v", err)
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		st, err := call(ctx, cl, pos[0], id)
		if err != nil {
			return err
		}
		return out.print(st, func() { printStatement(out, st) })
	}
}

func statusList(fs *flag.FlagSet) caseVerbRun {
	var f client.StatementFilter
	fs.Int64Var(&f.Vendor, "vendor", 0, "only this vendor participant's statements")
	fs.Int64Var(&f.Vulnerability, "vuln", 0, "only statements on this vulnerability of the case")
	fs.StringVar(&f.Status, "status", "", "only this status")
	fs.StringVar(&f.Approval, "approval", "", "draft or approved")
	fs.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the page before")
	fs.IntVar(&f.Limit, "limit", 0, "page size (1-200)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		l, err := cl.Statements(ctx, pos[0], f)
		if err != nil {
			return err
		}
		return out.print(l, func() {
			rows := [][]string{}
			for _, s := range l.Items {
				rows = append(rows, []string{fmt.Sprint(s.ID), s.Vendor, s.Vulnerability, s.Product, dash(s.Versions), statusWords(s),
					s.Approval, map[bool]string{true: "shared", false: "private"}[s.Shared]})
			}
			table(out.c.stdout, "ID\tVENDOR\tVULNERABILITY\tPRODUCT\tVERSIONS\tSTATUS\tAPPROVAL\tSHARING", rows)
			if l.NextCursor != "" {
				out.f("more: --cursor %s\n", l.NextCursor)
			}
		})
	}
}

// stringFlags are set's text flags by name, so that a change sends only
// those given.
type stringFlags map[string]*string

func statusSet(fs *flag.FlagSet) caseVerbRun {
	vuln, as := fs.Int64("vuln", 0, "the vulnerability of the case (required)"), fs.Int64("as", 0, "the vendor participant (default: yours)")
	share := fs.Bool("share", false, "show it to the case's other participants before publication")
	var refs refList
	fs.Var(&refs, "ref", "a reference URL (repeat for more; replaces the statement's references)")
	texts := stringFlags{}
	for name, usage := range map[string]string{"product": "the product (required)", "status": "the status (required for a new statement)",
		"versions": "the affected versions", "fixed": "the first fixed version", "justification": "why not affected",
		"action": "what users should do (affected)", "statement": "your statement in your own words", "purl": "the product's package URL",
		"cpe": "the product's CPE 2.3 name"} {
		texts[name] = fs.String(name, "", usage)
	}
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		if *vuln <= 0 || strings.TrimSpace(*texts["product"]) == "" {
			return usageError("status set: --vuln and --product are required")
		}
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		cl, err := out.client()
		if err != nil {
			return err
		}
		old, found, err := findStatement(ctx, cl, pos[0], *as, *vuln, *texts["product"])
		if err != nil {
			return err
		}
		var st client.VendorStatement
		if found {
			st, err = cl.UpdateStatement(ctx, pos[0], old.ID, setPatch(texts, given, refs, *share, old.Version))
		} else {
			st, err = cl.CreateStatement(ctx, pos[0], setInput(texts, refs, *share, *vuln, *as))
		}
		if err != nil {
			return err
		}
		return out.print(st, func() { printStatement(out, st) })
	}
}

// findStatement finds the statement of the caller's vendor (as, else the
// one vendor the caller sees as its own) on vuln and product.
func findStatement(ctx context.Context, cl *client.Client, key string, as, vuln int64, product string) (client.VendorStatement, bool, error) {
	if as == 0 {
		mine, err := cl.Participants(ctx, key, client.ParticipantFilter{Role: "vendor"})
		if err != nil {
			return client.VendorStatement{}, false, err
		}
		if len(mine.Items) != 1 {
			return client.VendorStatement{}, false, nil // the server says why it refuses, or which to name
		}
		as = mine.Items[0].ID
	}
	l, err := cl.Statements(ctx, key, client.StatementFilter{Vendor: as, Vulnerability: vuln, Limit: 200})
	for _, s := range l.Items {
		if strings.EqualFold(s.Product, strings.TrimSpace(product)) {
			return s, true, err
		}
	}
	return client.VendorStatement{}, false, err
}

func setInput(t stringFlags, refs refList, share bool, vuln, as int64) client.StatementInput {
	return client.StatementInput{ParticipantID: as, VulnerabilityID: vuln, Product: *t["product"], PURL: *t["purl"], CPE: *t["cpe"],
		Versions: *t["versions"], FixedVersion: *t["fixed"], Status: *t["status"], Justification: *t["justification"],
		ActionStatement: *t["action"], Statement: *t["statement"], References: refs, Shared: share}
}

// setPatch sends the flags given, and the product as typed.
func setPatch(t stringFlags, given map[string]bool, refs refList, share bool, version int) client.StatementPatch {
	pick := func(name string) *string {
		if given[name] {
			return t[name]
		}
		return nil
	}
	p := client.StatementPatch{Product: t["product"], PURL: pick("purl"), CPE: pick("cpe"), Versions: pick("versions"),
		FixedVersion: pick("fixed"), Status: pick("status"), Justification: pick("justification"), ActionStatement: pick("action"),
		Statement: pick("statement"), Version: version}
	if given["ref"] {
		r := []string(refs)
		p.References = &r
	}
	if given["share"] {
		p.Shared = &share
	}
	return p
}

// refList collects repeated --ref flags.
type refList []string

func (r *refList) String() string { return strings.Join(*r, " ") }

func (r *refList) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty URL")
	}
	*r = append(*r, s)
	return nil
}

func statusWords(s client.VendorStatement) string {
	switch s.Status {
	case "not_affected":
		return "not_affected (" + s.Justification + ")"
	case "fixed":
		return "fixed in " + s.FixedVersion
	}
	return s.Status
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func printStatement(out *caseOutput, s client.VendorStatement) {
	out.f("statement %d in %s by %s (participant %d), version %d\n", s.ID, s.CaseKey, s.Vendor, s.ParticipantID, s.Version)
	out.f("vulnerability: %s %s\n", s.Vulnerability, s.VulnerabilityTitle)
	out.f("product: %s", s.Product)
	for _, id := range []string{s.PURL, s.CPE} {
		if id != "" {
			out.f(" [%s]", id)
		}
	}
	out.f("\nversions: %s\nstatus: %s\n", dash(s.Versions), statusWords(s))
	if s.ActionStatement != "" {
		out.f("action: %s\n", s.ActionStatement)
	}
	if s.Statement != "" {
		out.f("statement: %s\n", s.Statement)
	}
	for _, r := range s.References {
		out.f("reference: %s\n", r)
	}
	out.f("approval: %s", s.Approval)
	if s.ApprovedAt != nil {
		out.f(" by %s at %s", s.ApprovedBy, s.ApprovedAt.UTC().Format("2006-01-02 15:04 UTC"))
	}
	out.f("; %s\n", map[bool]string{true: "shared with the other participants", false: "not shared"}[s.Shared])
}
