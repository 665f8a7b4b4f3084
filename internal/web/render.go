package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

type pageTemplate struct{ t *template.Template }

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"iso":        func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"termsWords": cases.TermsWords,
	"days":       func(hours float64) int { return int(hours / 24) },
	"kindLabel":  func(k org.Kind) string { return kindLabels[k] },
	"blankVuln": func() struct {
		Vuln cases.VulnFields
		Form Form
	} {
		return struct {
			Vuln cases.VulnFields
			Form Form
		}{}
	},
}

var kindLabels = map[org.Kind]string{
	org.Coordinator: "Coordinator (CSIRT, national CSIRT, PSIRT hub)",
	org.Vendor:      "Vendor (PSIRT)",
	org.Research:    "Research team or reporter organisation",
	org.Deployer:    "Deployer or service provider",
	org.ISAC:        "ISAC or ISAO",
	org.Other:       "Other",
}

// parseTemplates parses layout.html with each page file into its own set,
// so every page defines its own "content".
func parseTemplates() (map[string]*pageTemplate, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*pageTemplate{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = &pageTemplate{t: t}
	}
	return out, nil
}

// Layout is what every page shows around its content.
type Layout struct {
	Title    string
	Instance string
	Me       auth.Principal
	Flash    string
	Nav      string // the section to mark as current
	Unread   string // the unread notifications badge: "", "3" or "9+"
}

// SignedIn tells the layout whether to show the account menu.
func (l Layout) SignedIn() bool { return !l.Me.Anonymous() }

// Form carries a form's error: one message, and the field it names.
type Form struct {
	Error string
	Field string
}

// Err is the message for field f, if the error names it.
func (f Form) Err(field string) string {
	if f.Field == field {
		return f.Error
	}
	return ""
}

// General is the message when no single field is named.
func (f Form) General() string {
	if f.Field == "" {
		return f.Error
	}
	return ""
}

func formOf(err error) Form {
	return Form{Error: errs.Public(err), Field: errs.FieldOf(err)}
}

func (s *Web) layout(v *visitor, title, nav string) Layout {
	return Layout{Title: title, Instance: s.Instance, Me: v.P, Flash: v.flash, Nav: nav, Unread: s.unreadBadge(v)}
}

// render writes a page; it renders into a buffer first so that a template
// error never sends half a page.
func (s *Web) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	p, ok := s.pages[name]
	if !ok {
		s.Logger.Error("no such template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := p.t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		s.Logger.Error("render", "template", name, "path", r.URL.Path, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// statusOf is the one table from error kinds to HTTP statuses for pages.
var statusOf = map[errs.Kind]int{
	errs.Invalid:         http.StatusUnprocessableEntity,
	errs.NotFound:        http.StatusNotFound,
	errs.Conflict:        http.StatusConflict,
	errs.Forbidden:       http.StatusForbidden,
	errs.Unauthenticated: http.StatusUnauthorized,
	errs.TooMany:         http.StatusTooManyRequests,
	errs.TooLarge:        http.StatusRequestEntityTooLarge,
	errs.Internal:        http.StatusInternalServerError,
}

func status(err error) int {
	if st, ok := statusOf[errs.KindOf(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func isUnauthenticated(err error) bool { return errs.Is(err, errs.Unauthenticated) }

// errorPage is shown when a page cannot be shown at all.
type errorPage struct {
	Layout
	Status  int
	Message string
}

// fail shows an error page; an ended session goes back to sign-in.
func (s *Web) fail(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	if isUnauthenticated(err) {
		s.clearSession(w)
		redirect(w, r, "/login?next="+url.QueryEscape(localPath(r.URL.Path)), "Please sign in again.")
		return
	}
	if r.Context().Err() != nil { // the visitor left; the error is the cancellation's
		s.Logger.Debug("page: visitor went away", "path", r.URL.Path, "err", err)
		w.WriteHeader(499) // nginx's "client closed request", for the request log and metrics
		return
	}
	st := status(err)
	if st == http.StatusInternalServerError {
		s.Logger.Error("page", "path", r.URL.Path, "err", err)
	}
	title := http.StatusText(st)
	s.render(w, r, st, "error", errorPage{Layout: s.layout(v, title, ""), Status: st, Message: errs.Public(err)})
}

// formStatus is the status of a form shown again with its error.
func formStatus(err error) int { return status(err) }
