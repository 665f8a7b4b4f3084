package web

import (
	"crypto/rand"
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	vendorstatus "github.com/parleycvd/parley/internal/status" // the package name is taken by render.go's status()
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
	"github.com/parleycvd/parley/internal/webhooks"
)

//go:embed templates static
var files embed.FS

// Deps are what the pages serve.
type Deps struct {
	DB       *store.DB
	Users    *auth.Service
	Orgs     *org.Service
	Cases    *cases.Service
	Reports  *reports.Service
	SSVC     *ssvc.Registry // decision models for the triage form
	FormKey  []byte         // signs the report form's proof-of-work challenges; nil: a random key per process
	Keyring  *pgp.Keyring   // the instance's OpenPGP key; nil: none published
	Security SecurityTxt
	Now      func() time.Time
	Logger   *slog.Logger
	Instance string // the instance's name, shown in the header
	Secure   bool   // cookies only over HTTPS
	Wake     func() // tells job workers that a change queued work; may be nil

	// Deadlines keeps who owes what by when, and the calendar feeds.
	Deadlines *deadlines.Service
	// Disputes keeps the disputes in cases and their mediation.
	Disputes *disputes.Service

	// Threads keeps the discussion threads of cases.
	Threads *threads.Service

	// Status keeps the vendors' statements (VEX) and their approval.
	Status *vendorstatus.Service

	// Credits keeps the credits of cases and the credited's answers.
	Credits *credits.Service

	// Webhooks keeps the organisations' signed webhooks and their deliveries.
	Webhooks *webhooks.Service

	// Inbox keeps each user's notifications, mail preferences and mutes.
	Inbox *inbox.Service
}

// Web holds the page handlers and their parsed templates.
type Web struct {
	Deps
	pages map[string]*pageTemplate
}

// New parses every template; a broken template fails the start.
func New(d Deps) (*Web, error) {
	if d.Wake == nil {
		d.Wake = func() {}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Instance == "" {
		d.Instance = "Parley"
	}
	if len(d.FormKey) == 0 {
		d.FormKey = make([]byte, 32)
		_, _ = rand.Read(d.FormKey) // never fails (Go 1.24+)
	}
	if d.SSVC == nil {
		reg, err := ssvc.New()
		if err != nil {
			return nil, err
		}
		d.SSVC = reg
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	return &Web{Deps: d, pages: pages}, nil
}

// handlerFunc is a page handler that knows who is asking.
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *visitor)

// route is one page; access says who may reach it.
type route struct {
	pattern string
	access  access
	handle  handlerFunc
}

func (s *Web) routes() []route {
	return []route{
		{"GET /{$}", anyone, s.home},
		{"GET /setup", anyone, s.setupForm},
		{"POST /setup", anyone, s.setup},
		{"GET /login", anyone, s.loginForm},
		{"POST /login", anyone, s.login},
		{"GET /login/totp", pendingTOTP, s.totpForm},
		{"POST /login/totp", pendingTOTP, s.totp},
		{"POST /logout", anyone, s.logout},
		{"GET /account/reset", anyone, s.resetForm},
		{"POST /account/reset", anyone, s.reset},
		{"GET /account/link", anyone, s.linkForm},
		{"POST /account/link", anyone, s.link},
		{"GET /account", enrolling, s.account},
		{"POST /account/password", enrolling, s.changePassword},
		{"GET /account/totp", enrolling, s.totpEnrolForm},
		{"POST /account/totp", enrolling, s.totpEnrol},
		{"POST /account/tokens", signedIn, s.createToken},
		{"POST /account/tokens/{id}/revoke", signedIn, s.revokeToken},
		{"POST /account/sessions/{id}/revoke", enrolling, s.revokeSession},
		{"GET /orgs", signedIn, s.orgList},
		{"GET /orgs/new", signedIn, s.orgNewForm},
		{"POST /orgs/new", signedIn, s.orgCreate},
		{"GET /orgs/{id}", signedIn, s.orgDetail},
		{"GET /orgs/{id}/edit", signedIn, s.orgEditForm},
		{"POST /orgs/{id}/edit", signedIn, s.orgUpdate},
		{"POST /orgs/{id}/members", signedIn, s.memberAdd},
		{"POST /orgs/{id}/members/{user}/role", signedIn, s.memberRole},
		{"POST /orgs/{id}/members/{user}/remove", signedIn, s.memberRemove},
		{"GET /admin/users", signedIn, s.userList},
		{"POST /admin/users", signedIn, s.userCreate},
		{"GET /admin/users/{id}", signedIn, s.userEditForm},
		{"POST /admin/users/{id}", signedIn, s.userUpdate},
		{"GET /admin/mail", signedIn, s.mailbox},
		{"GET /admin/journal", signedIn, s.journalPage},
	}
}

// Register adds the pages and the static assets to mux.
func (s *Web) Register(mux *http.ServeMux) {
	all := append(s.routes(), s.caseRoutes()...)
	all = append(all, s.reportRoutes()...)
	all = append(all, s.embargoRoutes()...)
	all = append(all, s.listRoutes()...)
	all = append(all, s.deadlineRoutes()...)
	all = append(all, s.disputeRoutes()...)
	all = append(all, s.statusRoutes()...)
	all = append(all, s.threadRoutes()...)
	all = append(all, s.webhookRoutes()...)
	all = append(all, s.creditRoutes()...)
	all = append(all, s.notificationRoutes()...)
	all = append(all, s.programRoutes()...)
	for _, rt := range append(all, s.wellKnownRoutes()...) {
		mux.Handle(rt.pattern, s.guard(rt.access, rt.handle))
	}
	static, _ := fs.Sub(files, "static")
	assets := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", cacheFor(assets, 24*time.Hour))
}

func cacheFor(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+itoa(int64(d/time.Second)))
		h.ServeHTTP(w, r)
	})
}
