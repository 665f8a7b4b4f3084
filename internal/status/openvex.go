package status

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// OpenVEX 0.2 (https://github.com/openvex/spec): the approved statements
// of a case as one document. The types below are the format's, so they
// carry its JSON names; nothing else uses them.

// OpenVEXContext is the @context of every document.
const OpenVEXContext = "https://openvex.dev/ns/v0.2.0"

type vexDocument struct {
	Context     string         `json:"@context"`
	ID          string         `json:"@id"`
	Author      string         `json:"author"`
	Role        string         `json:"role"`
	Timestamp   time.Time      `json:"timestamp"`
	LastUpdated time.Time      `json:"last_updated"`
	Version     int            `json:"version"`
	Tooling     string         `json:"tooling"`
	Statements  []vexStatement `json:"statements"`
}

type vexStatement struct {
	Vulnerability   vexVulnerability `json:"vulnerability"`
	Timestamp       time.Time        `json:"timestamp"`
	Products        []vexProduct     `json:"products"`
	Status          string           `json:"status"`
	Supplier        string           `json:"supplier,omitempty"`
	StatusNotes     string           `json:"status_notes,omitempty"`
	Justification   string           `json:"justification,omitempty"`
	ImpactStatement string           `json:"impact_statement,omitempty"`
	ActionStatement string           `json:"action_statement,omitempty"`
}

type vexVulnerability struct {
	ID          string   `json:"@id,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
}

type vexProduct struct {
	ID          string          `json:"@id"`
	Identifiers *vexIdentifiers `json:"identifiers,omitempty"`
}

type vexIdentifiers struct {
	PURL  string `json:"purl,omitempty"`
	CPE22 string `json:"cpe22,omitempty"`
	CPE23 string `json:"cpe23,omitempty"`
}

// OpenVEX returns the OpenVEX document of the approved statements of case
// caseID, one statement per product, for those who manage the case
// (CanExport). Its version goes up whenever the approved set changes. A
// case with nothing approved has no document (conflict: OpenVEX wants one
// statement at least).
func (s *Service) OpenVEX(ctx context.Context, p auth.Principal, caseID int64) ([]byte, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	if err := CanExport(p, a); err != nil {
		return nil, err
	}
	q := s.db.Read()
	doc, err := s.document(ctx, q, caseID)
	if err != nil {
		return nil, err
	}
	list, err := approved(ctx, q, caseID)
	if err == nil {
		err = s.name(ctx, q, caseID, list)
	}
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errs.E(errs.Conflict, "no statement of this case is approved for publication yet")
	}
	for _, st := range list {
		doc.Statements = append(doc.Statements, vexOf(st))
	}
	return json.MarshalIndent(doc, "", "  ")
}

// document is the case's document without its statements.
func (s *Service) document(ctx context.Context, q store.Querier, caseID int64) (vexDocument, error) {
	doc := vexDocument{Context: OpenVEXContext, Author: s.cfg.Author, Role: "Coordinator", Tooling: "Parley"}
	var key string
	err := q.QueryRowContext(ctx, `SELECT c.key, d.version, d.first_at, d.updated_at FROM cases c
		JOIN vex_documents d ON d.case_id = c.id WHERE c.id = $1`, caseID).Scan(&key, &doc.Version, &doc.Timestamp, &doc.LastUpdated)
	if errors.Is(err, sql.ErrNoRows) {
		return doc, errs.E(errs.Conflict, "no statement of this case is approved for publication yet")
	}
	doc.Timestamp, doc.LastUpdated = doc.Timestamp.UTC(), doc.LastUpdated.UTC()
	doc.ID = "urn:x-parley:vex:" + key
	if s.cfg.BaseURL != "" {
		doc.ID = strings.TrimRight(s.cfg.BaseURL, "/") + "/api/v1/cases/" + key + "/vex"
	}
	return doc, err
}

// approved reads the approved statements of a case, by vulnerability.
func approved(ctx context.Context, q store.Querier, caseID int64) ([]Statement, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+statementColumns+statementFrom+` WHERE s.case_id = $1 AND s.approved_at IS NOT NULL
		ORDER BY s.vulnerability_id, s.participant_id, s.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Statement
	for rows.Next() {
		st, err := scanStatement(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// vexOf is one statement in OpenVEX. The versions, the fixed version and
// the references have no field of their own there: they go into the
// status notes, as does the vendor's text (but for not_affected, whose
// text is the impact statement).
func vexOf(st Statement) vexStatement {
	v := vexStatement{Vulnerability: vulnerabilityOf(st), Timestamp: st.ApprovedAt, Products: []vexProduct{productOf(st)},
		Status: string(st.Status), Supplier: st.Vendor, Justification: string(st.Justification)}
	var notes []string
	if st.Versions != "" {
		notes = append(notes, "Affected versions: "+st.Versions+".")
	}
	if st.FixedVersion != "" {
		notes = append(notes, "Fixed in "+st.FixedVersion+".")
	}
	switch {
	case st.Status == NotAffected:
		v.ImpactStatement = st.Text
	case st.Text != "":
		notes = append(notes, st.Text)
	}
	if len(st.References) > 0 {
		notes = append(notes, "References: "+strings.Join(st.References, " "))
	}
	v.StatusNotes = strings.Join(notes, "\n")
	if st.Status == Affected {
		v.ActionStatement = st.Action
	}
	return v
}

// vulnerabilityOf names the vulnerability by its CVE ID (with its record
// at cve.org, and the case-local name as an alias), else by the case-local
// name.
func vulnerabilityOf(st Statement) vexVulnerability {
	local := VulnName(st.CaseKey, st.Vulnerability, "")
	v := vexVulnerability{Name: local, Description: st.VulnTitle}
	if st.CVE != "" {
		v.ID, v.Name, v.Aliases = "https://www.cve.org/CVERecord?id="+st.CVE, st.CVE, []string{local}
	}
	return v
}

// productOf identifies the product by its purl, else by a URN of its
// vendor's and its own name (the same in every case); a purl or CPE also
// goes into its identifiers (a CPE may hold characters an IRI may not, so
// it never is the @id).
func productOf(st Statement) vexProduct {
	pr := vexProduct{ID: "urn:x-parley:product:" + url.PathEscape(st.Vendor) + "/" + url.PathEscape(st.Product)}
	if st.PURL == "" && st.CPE == "" {
		return pr
	}
	ids := &vexIdentifiers{PURL: st.PURL}
	if strings.HasPrefix(st.CPE, "cpe:2.3:") {
		ids.CPE23 = st.CPE
	} else {
		ids.CPE22 = st.CPE
	}
	pr.Identifiers = ids
	if st.PURL != "" {
		pr.ID = st.PURL
	}
	return pr
}
