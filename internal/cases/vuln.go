package cases

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Vulnerability is one vulnerability of a case.
type Vulnerability struct {
	ID           int64
	CaseID       int64
	Title        string
	Description  string
	CWE          string // e.g. CWE-79, or ""
	CVSS31Vector string
	CVSS31Score  float64 // the base score; meaningful only when CVSS31Vector is set
	CVSS40Vector string
	CVSS40Score  float64 // the score of the vector (CVSS-B, -BT, -BE or -BTE); meaningful only when CVSS40Vector is set
	CVE          string  // e.g. CVE-2026-12345, or ""
	Version      int
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// VulnFields are the editable details of a vulnerability. Only Title is
// required; CVSS scores are computed from the vectors.
type VulnFields struct {
	Title        string
	Description  string
	CWE          string
	CVSS31Vector string
	CVSS40Vector string
	CVE          string
}

// vulnRecord is a checked VulnFields with its scores, also the journal's
// form of a vulnerability.
type vulnRecord struct {
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	CWE          string   `json:"cwe,omitempty"`
	CVSS31Vector string   `json:"cvss31_vector,omitempty"`
	CVSS31Score  *float64 `json:"cvss31_score,omitempty"`
	CVSS40Vector string   `json:"cvss40_vector,omitempty"`
	CVSS40Score  *float64 `json:"cvss40_score,omitempty"`
	CVE          string   `json:"cve_id,omitempty"`
}

var (
	cwePattern = regexp.MustCompile(`^CWE-[1-9][0-9]{0,5}$`)
	cvePattern = regexp.MustCompile(`^CVE-([0-9]{4})-[0-9]{4,19}$`)
)

const (
	maxDescription = 20000
	maxVector      = 300
)

// check validates f; prefix goes before the field names in errors (e.g.
// "vulnerabilities[2].").
func (f VulnFields) check(prefix string) (vulnRecord, error) {
	var v vulnRecord
	var err error
	if v.Title, err = checkTitle(prefix+"title", f.Title); err != nil {
		return v, err
	}
	if v.Description, err = checkText(prefix+"description", f.Description, maxDescription); err != nil {
		return v, err
	}
	v.CWE = strings.ToUpper(strings.TrimSpace(f.CWE))
	if v.CWE != "" && !cwePattern.MatchString(v.CWE) {
		return v, errs.Field(prefix+"cwe", "must be a CWE ID like CWE-79")
	}
	v.CVE = strings.ToUpper(strings.TrimSpace(f.CVE))
	if v.CVE != "" {
		m := cvePattern.FindStringSubmatch(v.CVE)
		if m == nil {
			return v, errs.Field(prefix+"cve_id", "must be a CVE ID like CVE-2026-12345")
		}
		if year, _ := strconv.Atoi(m[1]); year < 1999 {
			return v, errs.Field(prefix+"cve_id", "must be a CVE ID like CVE-2026-12345 (CVE IDs start in 1999)")
		}
	}
	if v.CVSS31Vector, v.CVSS31Score, err = cvss31(prefix+"cvss31_vector", f.CVSS31Vector); err != nil {
		return v, err
	}
	v.CVSS40Vector, v.CVSS40Score, err = cvss40(prefix+"cvss40_vector", f.CVSS40Vector)
	return v, err
}

func cvss31(field, vector string) (string, *float64, error) {
	vector = strings.TrimSpace(vector)
	if vector == "" {
		return "", nil, nil
	}
	if len(vector) > maxVector {
		return "", nil, errs.Field(field, "is too long for a CVSS 3.1 vector")
	}
	c, err := gocvss31.ParseVector(vector)
	if err != nil {
		return "", nil, errs.Field(field, "is not a CVSS 3.1 vector like CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (%v)", err)
	}
	score := c.BaseScore()
	return vector, &score, nil
}

func cvss40(field, vector string) (string, *float64, error) {
	vector = strings.TrimSpace(vector)
	if vector == "" {
		return "", nil, nil
	}
	if len(vector) > maxVector {
		return "", nil, errs.Field(field, "is too long for a CVSS 4.0 vector")
	}
	c, err := gocvss40.ParseVector(vector)
	if err != nil {
		return "", nil, errs.Field(field, "is not a CVSS 4.0 vector like CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N (%v)", err)
	}
	score := c.Score()
	return vector, &score, nil
}

func nullScore(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}

// AddVulnerability adds a vulnerability to a case (its coordinators).
func (s *Service) AddVulnerability(ctx context.Context, p auth.Principal, caseID int64, f VulnFields) (Vulnerability, error) {
	v, err := f.check("")
	if err != nil {
		return Vulnerability{}, err
	}
	now := s.clock()
	var out Vulnerability
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.canManage(ctx, tx, p, caseID); err != nil {
			return err
		}
		out, err = addVuln(ctx, tx, now, p, caseID, v)
		return err
	})
	return out, err
}

// canManage checks CanManage for case caseID and that the case exists.
func (s *Service) canManage(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64) error {
	a, err := access(ctx, tx, p, caseID)
	if err != nil {
		return err
	}
	if err := CanManage(p, a); err != nil {
		return err
	}
	_, err = s.lockCase(ctx, tx, caseID)
	return err
}

func addVuln(ctx context.Context, tx *sql.Tx, at time.Time, p auth.Principal, caseID int64, v vulnRecord) (Vulnerability, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO case_vulnerabilities (case_id, title, description, cwe, cvss31_vector, cvss31_score,
		cvss40_vector, cvss40_score, cve_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
		caseID, v.Title, v.Description, v.CWE, v.CVSS31Vector, nullScore(v.CVSS31Score), v.CVSS40Vector, nullScore(v.CVSS40Score),
		v.CVE, at).Scan(&id)
	if err != nil {
		return Vulnerability{}, err
	}
	err = record(ctx, tx, at, p.Actor(), "case.vulnerability_added", caseID, entry{Vulnerability: id, Title: v.Title, CVE: v.CVE, After: &v})
	return fromRecord(id, caseID, v, 1, at, at), err
}

func fromRecord(id, caseID int64, v vulnRecord, version int, created, updated time.Time) Vulnerability {
	out := Vulnerability{ID: id, CaseID: caseID, Title: v.Title, Description: v.Description, CWE: v.CWE,
		CVSS31Vector: v.CVSS31Vector, CVSS40Vector: v.CVSS40Vector, CVE: v.CVE, Version: version, CreatedAt: created, UpdatedAt: updated}
	if v.CVSS31Score != nil {
		out.CVSS31Score = *v.CVSS31Score
	}
	if v.CVSS40Score != nil {
		out.CVSS40Score = *v.CVSS40Score
	}
	return out
}

func (v Vulnerability) record() vulnRecord {
	r := vulnRecord{Title: v.Title, Description: v.Description, CWE: v.CWE, CVSS31Vector: v.CVSS31Vector,
		CVSS40Vector: v.CVSS40Vector, CVE: v.CVE}
	if v.CVSS31Vector != "" {
		r.CVSS31Score = &v.CVSS31Score
	}
	if v.CVSS40Vector != "" {
		r.CVSS40Score = &v.CVSS40Score
	}
	return r
}

// UpdateVulnerability replaces a vulnerability's details if version is
// still the current one (its coordinators).
func (s *Service) UpdateVulnerability(ctx context.Context, p auth.Principal, caseID, vulnID int64, f VulnFields, version int) (Vulnerability, error) {
	if version <= 0 {
		return Vulnerability{}, errs.Field("version", "is required: send the version you read")
	}
	v, err := f.check("")
	if err != nil {
		return Vulnerability{}, err
	}
	now := s.clock()
	var out Vulnerability
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.canManage(ctx, tx, p, caseID); err != nil {
			return err
		}
		cur, err := scanVuln(tx.QueryRowContext(ctx, `SELECT `+vulnColumns+` FROM case_vulnerabilities WHERE id = $1 AND case_id = $2`, vulnID, caseID))
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errs.E(errs.Conflict, "the vulnerability was changed by someone else (version %d, you sent %d): reload and try again", cur.Version, version)
		}
		_, err = tx.ExecContext(ctx, `UPDATE case_vulnerabilities SET title = $1, description = $2, cwe = $3, cvss31_vector = $4,
			cvss31_score = $5, cvss40_vector = $6, cvss40_score = $7, cve_id = $8, version = version + 1, updated_at = $9 WHERE id = $10`,
			v.Title, v.Description, v.CWE, v.CVSS31Vector, nullScore(v.CVSS31Score), v.CVSS40Vector, nullScore(v.CVSS40Score), v.CVE, now, vulnID)
		if err != nil {
			return err
		}
		before := cur.record()
		out = fromRecord(vulnID, caseID, v, cur.Version+1, cur.CreatedAt, now)
		return record(ctx, tx, now, p.Actor(), "case.vulnerability_updated", caseID,
			entry{Vulnerability: vulnID, Title: v.Title, CVE: v.CVE, Before: &before, After: &v})
	})
	return out, err
}

const vulnColumns = `id, case_id, title, description, cwe, cvss31_vector, cvss31_score, cvss40_vector, cvss40_score,
	cve_id, version, created_at, updated_at`

func scanVuln(row interface{ Scan(...any) error }) (Vulnerability, error) {
	var v Vulnerability
	var s31, s40 sql.NullFloat64
	err := row.Scan(&v.ID, &v.CaseID, &v.Title, &v.Description, &v.CWE, &v.CVSS31Vector, &s31, &v.CVSS40Vector, &s40,
		&v.CVE, &v.Version, &v.CreatedAt, &v.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errs.E(errs.NotFound, "no such vulnerability in this case")
	}
	v.CVSS31Score, v.CVSS40Score = s31.Float64, s40.Float64
	v.CreatedAt, v.UpdatedAt = v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

func listVulns(ctx context.Context, q store.Querier, caseID int64) ([]Vulnerability, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+vulnColumns+` FROM case_vulnerabilities WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Vulnerability
	for rows.Next() {
		v, err := scanVuln(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
