package org

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Kind is what an organisation is in CVD.
type Kind string

// The kinds of organisation.
const (
	Coordinator Kind = "coordinator"
	Vendor      Kind = "vendor"
	Research    Kind = "research" // a research team or reporter organisation
	Deployer    Kind = "deployer" // a deployer or service provider
	ISAC        Kind = "isac"     // an ISAC or ISAO
	Other       Kind = "other"
)

// Kinds lists every kind, in the order forms show them.
var Kinds = []Kind{Coordinator, Vendor, Research, Deployer, ISAC, Other}

// Label is a kind's name for people.
func (k Kind) Label() string {
	switch k {
	case Coordinator:
		return "Coordinator (CSIRT, PSIRT hub)"
	case Vendor:
		return "Vendor"
	case Research:
		return "Research or reporter organisation"
	case Deployer:
		return "Deployer or service provider"
	case ISAC:
		return "ISAC / ISAO"
	}
	return "Other"
}

// Org is an organisation.
type Org struct {
	ID            int64
	Name          string
	Kind          Kind
	Description   string
	Website       string
	SecurityEmail string // where vendor notices go
	Version       int
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Fields are the editable details of an organisation.
type Fields struct {
	Name          string
	Kind          Kind
	Description   string
	Website       string
	SecurityEmail string
}

// check validates and normalises the fields, naming the first bad one.
func (f Fields) check() (Fields, error) {
	f.Name = strings.Join(strings.Fields(f.Name), " ")
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		return f, errs.Field("name", "is required")
	case n > 200:
		return f, errs.Field("name", "must be at most 200 characters long")
	}
	if !validKind(f.Kind) {
		return f, errs.Field("kind", "must be one of coordinator, vendor, research, deployer, isac, other")
	}
	if utf8.RuneCountInString(f.Description) > 5000 {
		return f, errs.Field("description", "must be at most 5000 characters long")
	}
	f.Website = strings.TrimSpace(f.Website)
	if f.Website != "" {
		u, err := url.Parse(f.Website)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(f.Website) > 500 {
			return f, errs.Field("website", "must be an http or https address")
		}
	}
	if strings.TrimSpace(f.SecurityEmail) != "" {
		e, err := auth.NormalizeEmail("security_email", f.SecurityEmail)
		if err != nil {
			return f, err
		}
		f.SecurityEmail = e
	}
	return f, nil
}

func validKind(k Kind) bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

var likeEscape = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

func itoa(n int) string { return strconv.Itoa(n) }

// nameKey is what makes two names the same name.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

const orgColumns = `id, name, kind, description, website, security_email, version, created_at, updated_at`

func scanOrg(row interface{ Scan(...any) error }) (Org, error) {
	var o Org
	var kind string
	err := row.Scan(&o.ID, &o.Name, &kind, &o.Description, &o.Website, &o.SecurityEmail, &o.Version, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, errs.E(errs.NotFound, "no such organisation")
	}
	o.Kind = Kind(kind)
	return o, err
}

func get(ctx context.Context, q store.Querier, id int64) (Org, error) {
	return scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = $1`, id))
}

// Filter narrows List.
type Filter struct {
	Kind  Kind
	Query string // part of the name
	Page  store.Page
}

func list(ctx context.Context, q store.Querier, f Filter) ([]Org, error) {
	args := []any{f.Page.After}
	where := "id > $1"
	if f.Kind != "" {
		args = append(args, string(f.Kind))
		where += " AND kind = $2"
	}
	if f.Query != "" {
		args = append(args, "%"+likeEscape.Replace(nameKey(f.Query))+"%")
		where += " AND name_key LIKE $" + itoa(len(args)) + ` ESCAPE '\'`
	}
	args = append(args, f.Page.Size())
	rows, err := q.QueryContext(ctx, `SELECT `+orgColumns+` FROM organisations WHERE `+where+` ORDER BY id LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
