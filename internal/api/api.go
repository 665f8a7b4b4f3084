// Package api is Parley's REST API under /api/v1: JSON in and out, one
// error format, cursor pagination, versions on mutable resources and
// Idempotency-Key on POST. Handlers are thin: they parse, call one service
// method and render the result.
package api

import (
	"context"
	"embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
	"github.com/parleycvd/parley/internal/webhooks"
)

//go:embed openapi.json
var openapiDoc embed.FS

// Deps are what the API serves.
type Deps struct {
	DB       *store.DB
	Users    *auth.Service
	Orgs     *org.Service
	Cases    *cases.Service
	Reports  *reports.Service
	Disputes *disputes.Service
	SSVC     *ssvc.Registry
	Now      func() time.Time
	Logger   *slog.Logger
	Wake     func() // tells job workers that a change queued work; may be nil

	// Deadlines keeps who owes what by when, and the calendar feeds.
	Deadlines *deadlines.Service

	// Threads keeps the discussion threads of cases.
	Threads *threads.Service

	// Status keeps the vendors' statements (VEX) and their approval.
	Status *status.Service

	// Credits keeps the credits of cases and the credited's answers.
	Credits *credits.Service

	// Webhooks keeps the organisations' signed webhooks and their deliveries.
	Webhooks *webhooks.Service

	// Inbox keeps each user's notifications, mail preferences and mutes.
	Inbox *inbox.Service
}

// API holds the handlers.
type API struct {
	Deps
	log *slog.Logger
}

// New makes the API.
func New(d Deps) *API {
	if d.Wake == nil {
		d.Wake = func() {}
	}
	return &API{Deps: d, log: d.Logger}
}

// Route is one endpoint; the table is what the OpenAPI test compares.
type Route struct {
	Method  string
	Path    string // as in the OpenAPI document, e.g. /api/v1/orgs/{id}
	handler func(http.ResponseWriter, *http.Request, auth.Principal)
}

// Routes lists every endpoint.
func (a *API) Routes() []Route {
	list := a.coreRoutes()
	list = append(list, a.embargoRoutes()...)
	list = append(list, a.listRoutes()...)
	list = append(list, a.deadlineRoutes()...)
	list = append(list, a.disputeRoutes()...)
	list = append(list, a.statusRoutes()...)
	list = append(list, a.threadRoutes()...)
	list = append(list, a.webhookRoutes()...)
	list = append(list, a.notificationRoutes()...)
	list = append(list, a.programRoutes()...)
	list = append(list, a.reportExtraRoutes()...)
	list = append(list, a.capacityRoutes()...)
	return append(list, a.creditRoutes()...)
}

func (a *API) coreRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/openapi.json", a.openapi},
		{"POST", "/api/v1/auth/token", a.loginForToken},
		{"GET", "/api/v1/me", a.me},
		{"GET", "/api/v1/me/tokens", a.listTokens},
		{"DELETE", "/api/v1/me/tokens/{id}", a.revokeToken},
		{"GET", "/api/v1/me/sessions", a.listSessions},
		{"DELETE", "/api/v1/me/sessions/{id}", a.revokeSession},
		{"GET", "/api/v1/users", a.listUsers},
		{"POST", "/api/v1/users", a.createUser},
		{"GET", "/api/v1/users/{id}", a.getUser},
		{"PATCH", "/api/v1/users/{id}", a.updateUser},
		{"GET", "/api/v1/orgs", a.listOrgs},
		{"POST", "/api/v1/orgs", a.createOrg},
		{"GET", "/api/v1/orgs/{id}", a.getOrg},
		{"PATCH", "/api/v1/orgs/{id}", a.updateOrg},
		{"GET", "/api/v1/orgs/{id}/members", a.listMembers},
		{"POST", "/api/v1/orgs/{id}/members", a.addMember},
		{"PATCH", "/api/v1/orgs/{id}/members/{user}", a.setMemberRole},
		{"DELETE", "/api/v1/orgs/{id}/members/{user}", a.removeMember},
		{"GET", "/api/v1/ssvc/trees", a.ssvcTrees},
		{"POST", "/api/v1/ssvc/trees/{tree}/evaluate", a.ssvcEvaluate},
		{"GET", "/api/v1/cases", a.listCases},
		{"POST", "/api/v1/cases", a.createCase},
		{"GET", "/api/v1/cases/{key}", a.getCase},
		{"POST", "/api/v1/cases/{key}/vulnerabilities", a.addCaseVulnerability},
		{"PATCH", "/api/v1/cases/{key}/vulnerabilities/{id}", a.updateCaseVulnerability},
		{"GET", "/api/v1/cases/{key}/participants", a.listCaseParticipants},
		{"POST", "/api/v1/cases/{key}/participants", a.addCaseParticipants},
		{"POST", "/api/v1/cases/{key}/participants/{id}/rm", a.stepCaseRM},
		{"POST", "/api/v1/cases/{key}/participants/{id}/consent", a.stepCaseConsent},
		{"POST", "/api/v1/cases/{key}/cs", a.recordCaseCS},
		{"POST", "/api/v1/cases/{key}/send", a.sendCaseReport},
		{"GET", "/api/v1/cases/{key}/timeline", a.caseTimeline},
		{"POST", "/api/v1/reports", a.submitReport},
		{"GET", "/api/v1/reports", a.listReports},
		{"GET", "/api/v1/reports/mine", a.myReports},
		{"GET", "/api/v1/reports/{id}", a.getReport},
		{"POST", "/api/v1/reports/{id}/messages", a.addReportMessage},
		{"POST", "/api/v1/reports/{id}/acknowledge", a.acknowledgeReport()},
		{"POST", "/api/v1/reports/{id}/ask", a.askReport()},
		{"POST", "/api/v1/reports/{id}/validate", a.decideReport((*reports.Service).Validate)},
		{"POST", "/api/v1/reports/{id}/invalidate", a.decideReport((*reports.Service).Invalidate)},
		{"POST", "/api/v1/reports/{id}/accept", a.decideReport((*reports.Service).Accept)},
		{"POST", "/api/v1/reports/{id}/defer", a.decideReport((*reports.Service).Defer)},
		{"POST", "/api/v1/reports/{id}/close", a.decideReport((*reports.Service).Close)},
		{"POST", "/api/v1/reports/{id}/assess", a.assessReport},
		{"POST", "/api/v1/reports/{id}/case", a.reportToCase},
	}
}

// Register adds every route to mux, and a JSON 404 for unknown API paths.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		h := rt.handler
		handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := a.principal(r)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			if r.Method == http.MethodPost && r.Header.Get("Idempotency-Key") != "" {
				a.idempotent(w, r, p, h)
				return
			}
			h(w, r, p)
		})
		mux.Handle(rt.Method+" "+rt.Path, handler)
	}
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, ErrorBody{Error: ErrorDetail{Code: "not_found", Message: "no such endpoint: " + r.Method + " " + r.URL.Path}})
	})
}

// principal finds who is calling: a bearer token, else the web session
// cookie (so pages can call the API), else nobody.
func (a *API) principal(r *http.Request) (auth.Principal, error) {
	ctx := r.Context()
	var p auth.Principal
	var err error
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return p, errAuthHeader
		}
		p, err = a.Users.TokenPrincipal(ctx, strings.TrimSpace(token))
	} else if c, cerr := r.Cookie("parley_session"); cerr == nil {
		p, err = a.Users.Session(ctx, c.Value)
	} else {
		return p, nil
	}
	if err != nil {
		return p, err
	}
	return a.withRoles(ctx, p)
}

func (a *API) withRoles(ctx context.Context, p auth.Principal) (auth.Principal, error) {
	roles, err := a.Orgs.RolesOf(ctx, p.UserID)
	p.Orgs = roles
	return p, err
}

func (a *API) openapi(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	b, err := openapiDoc.ReadFile("openapi.json")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
