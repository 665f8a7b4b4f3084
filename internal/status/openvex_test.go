package status_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/parleycvd/parley/internal/status"
)

// openVEXSchema compiles testdata/openvex_json_schema.json with format
// assertions and no loader, so nothing is fetched.
func openVEXSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "openvex_json_schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://github.com/openvex/spec/openvex_json_schema_0.2.0.json"
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(v)
}

// vexDoc is what the test reads back of a document.
type vexDoc struct {
	Context     string    `json:"@context"`
	ID          string    `json:"@id"`
	Author      string    `json:"author"`
	Version     int       `json:"version"`
	Timestamp   time.Time `json:"timestamp"`
	LastUpdated time.Time `json:"last_updated"`
	Statements  []struct {
		Vulnerability struct {
			ID      string   `json:"@id"`
			Name    string   `json:"name"`
			Aliases []string `json:"aliases"`
		} `json:"vulnerability"`
		Products []struct {
			ID          string            `json:"@id"`
			Identifiers map[string]string `json:"identifiers"`
		} `json:"products"`
		Status          string `json:"status"`
		Supplier        string `json:"supplier"`
		Justification   string `json:"justification"`
		ImpactStatement string `json:"impact_statement"`
		ActionStatement string `json:"action_statement"`
		StatusNotes     string `json:"status_notes"`
	} `json:"statements"`
}

// TestOpenVEX: the approved statements make a document the OpenVEX schema
// accepts, named as the package says; drafts stay out, and each change of
// the approved set raises the document's version.
func TestOpenVEX(t *testing.T) {
	w := newWorld(t)
	sch := openVEXSchema(t)
	if err := validate(t, sch, []byte(`{"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","author":"a","timestamp":"2026-01-01T00:00:00Z","version":1,"statements":[]}`)); err == nil {
		t.Fatal("the schema accepts a document without statements: it checks nothing")
	}
	router := w.affected("Acme Router")
	router.PURL = "pkg:deb/acme/router@2.4.0?arch=arm64"
	a := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, router))
	b := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, status.Fields{Vulnerability: w.vuln[1], Product: "Acme Switch", Status: status.NotAffected,
		Justification: status.VulnerableCodeNotInExecutePath, Text: "Option 82 is never parsed.", CPE: "cpe:2.3:a:acme:switch:1.0:*:*:*:*:*:*:*"}))
	c := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, status.Fields{Vulnerability: w.vuln[1], Product: "Acme Hub", Status: status.Fixed, FixedVersion: "3.1"}))
	must(w.svc.Create(w.ctx, w.memberA, w.c.ID, status.Fields{Vulnerability: w.vuln[0], Product: "Acme Draft", Status: status.UnderInvestigation}))
	for _, st := range []status.Statement{a, b, c} {
		w.now = w.now.Add(time.Minute)
		must(w.svc.Approve(w.ctx, w.staff, w.c.ID, st.ID, st.Version, true))
	}
	doc := w.export(t, sch)
	if doc.Context != status.OpenVEXContext || doc.ID != "https://parley.test/api/v1/cases/"+w.c.Key+"/vex" || doc.Author != "CERT Example" ||
		doc.Version != 3 || len(doc.Statements) != 3 || !doc.LastUpdated.After(doc.Timestamp) {
		t.Fatalf("document %+v", doc)
	}
	router0, sw, hub := doc.Statements[0], doc.Statements[1], doc.Statements[2]
	if router0.Vulnerability.Name != "CVE-2026-12345" || router0.Vulnerability.ID != "https://www.cve.org/CVERecord?id=CVE-2026-12345" ||
		len(router0.Vulnerability.Aliases) != 1 || router0.Vulnerability.Aliases[0] != w.c.Key+"-V"+itoa(w.vuln[0]) ||
		router0.Products[0].ID != router.PURL || router0.Products[0].Identifiers["purl"] != router.PURL || router0.Status != "affected" ||
		router0.ActionStatement != "Update to 2.4.1." || router0.Supplier != "Acme" ||
		router0.StatusNotes != "Affected versions: >=2.0 <2.4.1.\nReferences: https://acme.example/advisories/1" {
		t.Errorf("affected statement %+v", router0)
	}
	if hub.Vulnerability.Name != w.c.Key+"-V"+itoa(w.vuln[1]) || hub.Products[0].ID != "urn:x-parley:product:Acme/Acme%20Hub" ||
		hub.Status != "fixed" || hub.StatusNotes != "Fixed in 3.1." {
		t.Errorf("fixed statement %+v", hub)
	}
	if sw.Status != "not_affected" || sw.Justification != "vulnerable_code_not_in_execute_path" || sw.ImpactStatement != "Option 82 is never parsed." ||
		sw.Products[0].Identifiers["cpe23"] == "" || sw.ActionStatement != "" {
		t.Errorf("not affected statement %+v", sw)
	}

	// Taking an approval back drops the statement and raises the version.
	hubNow := must(w.svc.Get(w.ctx, w.staff, w.c.ID, c.ID))
	must(w.svc.Approve(w.ctx, w.staff, w.c.ID, c.ID, hubNow.Version, false))
	if doc := w.export(t, sch); doc.Version != 4 || len(doc.Statements) != 2 {
		t.Errorf("after unapproving: version %d, %d statements", doc.Version, len(doc.Statements))
	}
}

func (w *world) export(t *testing.T, sch *jsonschema.Schema) vexDoc {
	t.Helper()
	b, err := w.svc.OpenVEX(w.ctx, w.staff, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, sch, b); err != nil {
		t.Fatalf("the document breaks the schema: %v\n%s", err, b)
	}
	var doc vexDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
