package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/config"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mailin"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/server"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
	"github.com/parleycvd/parley/internal/webhooks"
)

// app is every part of a running Parley, wired together. This is the only
// place that knows how the packages fit.
type app struct {
	cfg      config.Config
	log      *slog.Logger
	db       *store.DB
	now      func() time.Time
	users    *auth.Service
	orgs     *org.Service
	cases    *cases.Service
	reports  *reports.Service
	intake   *mailin.Intake
	keyring  *pgp.Keyring
	contacts *pgp.Contacts
	ssvc     *ssvc.Registry
	api      *api.API
	runner   *jobs.Runner
	registry *prometheus.Registry
	handler  http.Handler

	deadlines *deadlines.Service // who owes what by when; calendar feeds
	disputes  *disputes.Service  // disputes in cases and their mediation

	threads *threads.Service // discussion threads in cases

	status *status.Service // vendor status (VEX) in cases

	credits *credits.Service // credits in cases and the credited's answers

	webhooks *webhooks.Service // organisations' signed webhooks

	inbox *inbox.Service // users' notifications, mail preferences and mutes
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cfg config.Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.Database())
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if n > 0 {
		log.Info("database migrated", "engine", db.Engine, "applied", n)
	}
	return db, nil
}

func newApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	a, err := newCoreApp(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	if err := a.wireHTTP(); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// newCoreApp is newApp without the HTTP handler (API and pages), for
// one-shot commands such as `intake mail` that serve nothing.
func newCoreApp(ctx context.Context, cfg config.Config, log *slog.Logger) (*app, error) {
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, db: db, now: time.Now, registry: prometheus.NewRegistry()}
	if err := a.wire(); err != nil {
		db.Close()
		return nil, err
	}
	return a, nil
}

func (a *app) wire() error {
	authCfg := auth.DefaultConfig()
	authCfg.Issuer = a.cfg.Instance
	authCfg.RequireTOTPForStaff = a.cfg.RequireTOTP
	a.users = auth.NewService(a.db, a.now, authCfg)
	a.orgs = org.NewService(a.db, a.now, a.users)
	a.cases = cases.NewService(a.db, a.now, cases.Config{KeyPrefix: a.cfg.CasePrefix})
	a.disputes = disputes.NewService(a.db, a.now, a.cases, disputes.Config{ReviseEmbargo: a.reviseEmbargo})
	a.threads = threads.NewService(a.db, a.now, a.cases, threads.Config{})
	a.deadlines = deadlines.NewService(a.db, a.now, deadlines.Config{BaseURL: a.cfg.PublicURL()})
	a.status = status.NewService(a.db, a.now, a.cases, status.Config{BaseURL: a.cfg.PublicURL(), Author: a.cfg.Instance})
	a.credits = credits.NewService(a.db, a.now, a.cases)
	a.keyring = pgp.NewKeyring(a.db, a.now, pgp.KeyringConfig{Name: a.cfg.Instance, Email: a.cfg.Intake(),
		Passphrase: []byte(a.cfg.PGPPassphrase)})
	a.contacts = pgp.NewContacts(a.db, a.now)
	a.inbox = inbox.NewService(a.db, a.now, a.contacts)
	reg, err := ssvc.New()
	if err != nil {
		return fmt.Errorf("SSVC data: %w", err)
	}
	a.ssvc = reg
	a.reports = reports.NewService(a.db, a.now, a.users, a.ssvc, reports.DefaultPolicy())
	a.intake = mailin.NewIntake(a.db, a.now, a.keyring, a.contacts, mailin.IntakeConfig{Reference: mailin.ReferencePattern(a.cfg.CasePrefix, "RPT")})
	jobMetrics := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "parley_jobs_total", Help: "Background jobs run, by kind and outcome."},
		[]string{"kind", "outcome"})
	a.registry.MustRegister(jobMetrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	a.runner = jobs.NewRunner(a.db, jobs.Config{
		Workers: a.cfg.Workers, Now: a.now, Logger: a.log,
		Observe: func(kind string, _ time.Duration, err error) {
			outcome := "ok"
			if err != nil {
				outcome = "error"
			}
			jobMetrics.WithLabelValues(kind, outcome).Inc()
		},
	})
	notifier, err := notify.New(notify.Config{BaseURL: a.cfg.PublicURL(), From: a.cfg.Sender(), Instance: a.cfg.Instance, Now: a.now}, a.mailSender(), a.users)
	if err != nil {
		return err
	}
	notifier.Register(a.runner)
	notifier.UseOpenPGP(a.keyring, a.contacts)
	notifier.RegisterCases(a.runner, a.cases)
	notifier.RegisterReports(a.runner, a.reports, notify.ReportsConfig{ReplyTo: a.cfg.Intake()})
	notifier.RegisterDisputes(a.runner, a.disputes, a.cases)
	notifier.RegisterThreads(a.runner, a.threads, a.cases)
	notifier.UseInbox(a.runner, a.inbox, a.orgs)
	notifier.RegisterNews(a.runner, a.cases)
	a.runner.Handle(inbox.JobSweep, a.inbox.SweepJob)
	a.runner.Every(inbox.JobSweep, 10*time.Minute)
	a.runner.Handle(reports.JobExpireWaiting, a.reports.ExpireJob)
	a.runner.Every(reports.JobExpireWaiting, time.Hour)
	a.runner.Handle(reports.JobIndex, a.reports.IndexJob)
	a.runner.Every(reports.JobIndex, time.Minute)
	a.runner.Handle(mailin.JobRetry, a.retryMailJob)
	a.runner.Every(mailin.JobRetry, time.Minute)
	notifier.RegisterDeadlines(a.runner, a.deadlines, a.cases)
	a.runner.Handle(deadlines.JobSweep, a.deadlines.SweepJob)
	a.runner.Every(deadlines.JobSweep, 10*time.Minute)
	a.runner.Handle(cases.JobExpireSilence, a.cases.ExpireSilenceJob)
	a.runner.Every(cases.JobExpireSilence, time.Hour)
	a.runner.Handle(cases.JobEscalate, a.cases.EscalateJob)
	a.runner.Every(cases.JobEscalate, time.Hour)
	a.webhooks = webhooks.NewService(a.db, a.now, a.cases, webhooks.Config{Timeout: 10 * time.Second, AllowPrivate: a.cfg.WebhooksAllowPrivate})
	a.runner.Handle(webhooks.JobDispatch, a.webhooks.DispatchJob)
	a.runner.Every(webhooks.JobDispatch, time.Minute)
	a.runner.Handle(webhooks.JobDeliver, a.webhooks.DeliverJob)
	a.api = api.New(api.Deps{DB: a.db, Users: a.users, Orgs: a.orgs, Cases: a.cases, Reports: a.reports, SSVC: a.ssvc, Now: a.now,
		Logger: a.log, Wake: a.runner.Wake, Deadlines: a.deadlines, Disputes: a.disputes, Threads: a.threads,
		Status: a.status, Credits: a.credits})
	a.api.Webhooks = a.webhooks
	a.api.Inbox = a.inbox
	a.runner.Handle("maintenance.purge", a.purge)
	a.runner.Every("maintenance.purge", time.Hour)
	return nil
}

// wireHTTP builds the HTTP handler: the API and the pages.
func (a *app) wireHTTP() error {
	pages, err := a.pages()
	if err != nil {
		return err
	}
	a.handler = server.New(server.Deps{
		DB: a.db, Logger: a.log, Registry: a.registry, TLS: a.cfg.TLSCert != "",
		Register: []func(*http.ServeMux){a.api.Register, pages},
	})
	return nil
}

func (a *app) mailSender() mail.Sender {
	if a.cfg.SMTPHost == "" {
		return mail.Mailbox{DB: a.db, Now: a.now}
	}
	return mail.SMTP{Host: a.cfg.SMTPHost, Port: a.cfg.SMTPPort, Username: a.cfg.SMTPUser, Password: a.cfg.SMTPPassword,
		TLS: a.cfg.SMTPTLS, Now: a.now}
}

// purge forgets what is no longer needed: finished jobs, ended sessions,
// spent links, old idempotency keys and notifications past their keeping
// time; then it refreshes the planner's statistics. The journal is never
// purged.
func (a *app) purge(ctx context.Context, _ jobs.Job) error {
	now := a.now()
	if _, err := jobs.Purge(ctx, a.db, now.Add(-7*24*time.Hour)); err != nil {
		return err
	}
	if days := a.cfg.NotificationsKeepDays; days > 0 {
		if _, err := a.inbox.Purge(ctx, now.AddDate(0, 0, -days)); err != nil {
			return err
		}
	}
	if err := a.users.Purge(ctx); err != nil {
		return err
	}
	if err := a.api.PurgeIdempotencyKeys(ctx, now.Add(-24*time.Hour)); err != nil {
		return err
	}
	return a.db.Optimize(ctx) // the planner's statistics, after what changed the tables most
}

func (a *app) close() { a.db.Close() }

// setupHint tells how the first administrator gets in, when there is none.
func (a *app) setupHint(ctx context.Context) (string, error) {
	secret, err := a.users.SetupLink(ctx)
	if err != nil || secret == "" {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "No administrator yet. Open this one-time link (valid 24 hours) to create one:\n  %s/setup?token=%s\n", a.cfg.PublicURL(), secret)
	fmt.Fprintf(&b, "or run: parley admin create-user --admin --email you@example.org --name 'Your Name'\n")
	return b.String(), nil
}

// reviseEmbargo puts a deadline extension granted in a dispute to the case
// as new embargo terms, in the dispute's transaction.
func (a *app) reviseEmbargo(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64, until time.Time, zone, reason string) error {
	_, err := a.cases.ProposeWithin(ctx, tx, p, caseID, cases.Terms{EndsAt: until, Zone: zone, Justification: reason})
	return err
}
