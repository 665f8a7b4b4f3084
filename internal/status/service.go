package status

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// Config names the instance in the OpenVEX documents it writes.
type Config struct {
	// BaseURL is the instance's public address: a document's @id is
	// BaseURL/api/v1/cases/KEY/vex. Empty: a URN instead.
	BaseURL string
	// Author is the document's author; empty: "Parley".
	Author string
}

// Service keeps the vendors' statements in cases.
type Service struct {
	db    *store.DB
	now   func() time.Time
	cases *cases.Service
	cfg   Config
}

// NewService makes a Service on the cases of cs; now is the clock.
func NewService(db *store.DB, now func() time.Time, cs *cases.Service, cfg Config) *Service {
	if cfg.Author == "" {
		cfg.Author = "Parley"
	}
	return &Service{db: db, now: now, cases: cs, cfg: cfg}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// op is one change to a case's statements, inside its transaction.
type op struct {
	tx  *sql.Tx
	now time.Time
	p   auth.Principal
	w   cases.Within
}

// change runs fn in one transaction after locking case caseID (Within:
// changes to one case take turns, so versions and the first statement
// date are read and written without a race). fn checks its permission.
func (s *Service) change(ctx context.Context, p auth.Principal, caseID int64, fn func(ctx context.Context, o *op) error) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		return fn(ctx, &op{tx: tx, now: now, p: p, w: w})
	})
}

// record journals a change of statement st (its whole new state, for the
// record) and writes it in words on the case timeline, as an entry about
// the vendor: only the vendor and those who manage the case see it. A
// vendor that is also a coordinator would show it to every participant, so
// there the journal entry alone records it.
func (o *op) record(ctx context.Context, action string, st Statement, vendor cases.Participant, words string) error {
	_, err := journal.Append(ctx, o.tx, journal.Change{At: o.now, Actor: o.p.Actor(), Action: action, ObjectType: "vendor_statement",
		ObjectID: itoa(st.ID), Data: entryOf(st)})
	if err != nil || vendor.Roles.Has(cases.RoleCoordinator) {
		return err
	}
	text := fmt.Sprintf("%s %s: %s, %s", vendor.Name, words, st.Product, st.VulnLabel())
	return cases.RecordNote(ctx, o.tx, o.now, o.p.Actor(), st.CaseID, cases.Note{Action: action, Participant: st.Participant, Text: text})
}

// stated notes that the vendor gave a statement: the first one dates the
// vendor's statement (case_participants.statement_at, the one column of
// cases' tables status writes), and any one meets its open statement
// deadline.
func (o *op) stated(ctx context.Context, caseID, participant int64) error {
	_, err := o.tx.ExecContext(ctx, `UPDATE case_participants SET statement_at = $1 WHERE id = $2 AND case_id = $3 AND statement_at IS NULL`,
		o.now, participant, caseID)
	if err != nil {
		return err
	}
	_, err = deadlines.Meet(ctx, o.tx, o.now, caseID, participant, deadlines.Statement)
	return err
}

// bumpVEX raises the version of the case's OpenVEX document: the set of
// approved statements changed.
func (o *op) bumpVEX(ctx context.Context, caseID int64) error {
	_, err := o.tx.ExecContext(ctx, `INSERT INTO vex_documents (case_id, version, first_at, updated_at) VALUES ($1, 1, $2, $2)
		ON CONFLICT (case_id) DO UPDATE SET version = vex_documents.version + 1, updated_at = excluded.updated_at`, caseID, o.now)
	return err
}

// entry is the journal's form of a statement.
type entry struct {
	CaseID        int64    `json:"case_id"`
	Participant   int64    `json:"participant_id"`
	Vulnerability int64    `json:"vulnerability_id"`
	Product       string   `json:"product"`
	PURL          string   `json:"purl,omitempty"`
	CPE           string   `json:"cpe,omitempty"`
	Versions      string   `json:"versions,omitempty"`
	FixedVersion  string   `json:"fixed_version,omitempty"`
	Status        Status   `json:"status"`
	Justification string   `json:"justification,omitempty"`
	Action        string   `json:"action_statement,omitempty"`
	Text          string   `json:"statement,omitempty"`
	References    []string `json:"references,omitempty"`
	Shared        bool     `json:"shared"`
	Approval      Approval `json:"approval"`
	Version       int      `json:"version"`
}

func entryOf(s Statement) entry {
	return entry{CaseID: s.CaseID, Participant: s.Participant, Vulnerability: s.Vulnerability, Product: s.Product, PURL: s.PURL,
		CPE: s.CPE, Versions: s.Versions, FixedVersion: s.FixedVersion, Status: s.Status, Justification: string(s.Justification),
		Action: s.Action, Text: s.Text, References: s.References, Shared: s.Shared, Approval: s.Approval(), Version: s.Version}
}
