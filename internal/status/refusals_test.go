package status_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/status"
)

// TestRefusals: bad input and changes nobody may make are refused with
// their kind and field, and write nothing.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	st := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, w.affected("Acme Router")))
	with := func(change func(*status.Fields)) status.Fields {
		f := w.affected("Acme Switch")
		change(&f)
		return f
	}
	creates := []struct {
		name   string
		f      status.Fields
		kind   errs.Kind
		field  string
		author bool // as the coordinator instead of Acme
	}{
		{"unknown status", with(func(f *status.Fields) { f.Status = "broken" }), errs.Invalid, "status", false},
		{"no status", with(func(f *status.Fields) { f.Status = "" }), errs.Invalid, "status", false},
		{"unknown justification", with(func(f *status.Fields) { f.Status, f.Justification = status.NotAffected, "we say so" }), errs.Invalid, "justification", false},
		{"not affected without justification", with(func(f *status.Fields) { f.Status = status.NotAffected }), errs.Invalid, "justification", false},
		{"justification of affected", with(func(f *status.Fields) { f.Justification = status.ComponentNotPresent }), errs.Invalid, "justification", false},
		{"fixed without fixed version", with(func(f *status.Fields) { f.Status = status.Fixed }), errs.Invalid, "fixed_version", false},
		{"affected without action", with(func(f *status.Fields) { f.Action = " " }), errs.Invalid, "action_statement", false},
		{"empty range", with(func(f *status.Fields) { f.Versions = ">=2.4 <2.0" }), errs.Invalid, "versions", false},
		{"no operator", with(func(f *status.Fields) { f.Versions = "about 2.0" }), errs.Invalid, "versions", false},
		{"bad fixed version", with(func(f *status.Fields) { f.FixedVersion = "2.4 final" }), errs.Invalid, "fixed_version", false},
		{"no product", with(func(f *status.Fields) { f.Product = " " }), errs.Invalid, "product", false},
		{"bad purl", with(func(f *status.Fields) { f.PURL = "npm:left-pad" }), errs.Invalid, "purl", false},
		{"bad CPE", with(func(f *status.Fields) { f.CPE = "cpe:2.3:a:acme" }), errs.Invalid, "cpe", false},
		{"reference not http", with(func(f *status.Fields) { f.References = []string{"https://ok.example/", "javascript:alert(1)"} }), errs.Invalid, "references[1]", false},
		{"reference without host", with(func(f *status.Fields) { f.References = []string{"https:///x"} }), errs.Invalid, "references[0]", false},
		{"no vulnerability", with(func(f *status.Fields) { f.Vulnerability = 0 }), errs.Invalid, "vulnerability_id", false},
		{"vulnerability of another case", with(func(f *status.Fields) { f.Vulnerability = w.foreign }), errs.Invalid, "vulnerability_id", false},
		{"same product twice", with(func(f *status.Fields) { f.Product = "ACME ROUTER" }), errs.Conflict, "", false},
		{"for another vendor", with(func(f *status.Fields) { f.Participant = w.pid["CERT"] }), errs.Forbidden, "", false},
		{"the coordinator for Acme", with(func(f *status.Fields) { f.Participant = w.pid["Acme"] }), errs.Forbidden, "", true},
	}
	for _, c := range creates {
		p := w.memberA
		if c.author {
			p = w.staff
		}
		w.refused(c.name, c.kind, c.field, func() error { _, err := w.svc.Create(w.ctx, p, w.c.ID, c.f); return err })
	}
	w.refused("reporter states", errs.Forbidden, "", func() error {
		_, err := w.svc.Create(w.ctx, w.reporter, w.c.ID, w.affected("Fay's router"))
		return err
	})
	w.refused("outsider states", errs.NotFound, "", func() error {
		_, err := w.svc.Create(w.ctx, w.outside, w.c.ID, w.affected("Other router"))
		return err
	})
	w.refused("read-only token", errs.Forbidden, "", func() error {
		p := w.memberA
		p.Scope = "read"
		_, err := w.svc.Create(w.ctx, p, w.c.ID, w.affected("Acme Switch"))
		return err
	})

	edits := []struct {
		name  string
		patch status.Patch
		kind  errs.Kind
		field string
	}{
		{"stale version", status.Patch{Text: ptr("later"), Version: st.Version + 1}, errs.Conflict, ""},
		{"no version", status.Patch{Text: ptr("later")}, errs.Invalid, "version"},
		{"not affected without justification", status.Patch{Status: ptr(status.NotAffected), Version: st.Version}, errs.Invalid, "justification"},
		{"bad reference", status.Patch{References: &[]string{"ftp://acme.example/"}, Version: st.Version}, errs.Invalid, "references[0]"},
	}
	for _, c := range edits {
		w.refused(c.name, c.kind, c.field, func() error { _, err := w.svc.Update(w.ctx, w.memberA, w.c.ID, st.ID, c.patch); return err })
	}
	w.refused("the coordinator edits", errs.Forbidden, "", func() error {
		_, err := w.svc.Update(w.ctx, w.staff, w.c.ID, st.ID, status.Patch{Text: ptr("x"), Version: st.Version})
		return err
	})
	w.refused("the reporter edits an unshared one", errs.NotFound, "", func() error {
		_, err := w.svc.Update(w.ctx, w.reporter, w.c.ID, st.ID, status.Patch{Text: ptr("x"), Version: st.Version})
		return err
	})
	w.refused("another case's ID", errs.NotFound, "", func() error {
		_, err := w.svc.Update(w.ctx, w.memberA, w.other.ID, st.ID, status.Patch{Text: ptr("x"), Version: st.Version})
		return err
	})
	w.refused("Acme approves its own", errs.Forbidden, "", func() error {
		_, err := w.svc.Approve(w.ctx, w.memberA, w.c.ID, st.ID, st.Version, true)
		return err
	})
	w.refused("approve a stale version", errs.Conflict, "", func() error {
		_, err := w.svc.Approve(w.ctx, w.staff, w.c.ID, st.ID, st.Version+1, true)
		return err
	})
	w.refused("unapprove a draft", errs.Conflict, "", func() error {
		_, err := w.svc.Approve(w.ctx, w.staff, w.c.ID, st.ID, st.Version, false)
		return err
	})
	w.refused("export with nothing approved", errs.Conflict, "", func() error { _, err := w.svc.OpenVEX(w.ctx, w.staff, w.c.ID); return err })
	w.refused("a vendor exports", errs.Forbidden, "", func() error { _, err := w.svc.OpenVEX(w.ctx, w.memberA, w.c.ID); return err })
}
