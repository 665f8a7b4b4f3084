package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleycvd/parley/internal/config"
	"github.com/parleycvd/parley/internal/mailin"
)

func serverCommands() []command {
	return []command{
		{"serve", "start the Parley server (SQLite in --data by default; --db for PostgreSQL)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"config", "print the effective configuration, secrets redacted", runConfig},
		{"admin", "administration: create-user, setup-link, verify-journal, backup", runAdmin},
		{"bench", "measure the API under load against a bare net/http handler", runBench},
	}
}

func loadConfig(c *cli, name string, args []string) (config.Config, []string, error) {
	cfg, rest, err := config.Load(name, args, c.getenv, c.stderr)
	if err != nil {
		return cfg, nil, usageError("%s: %v", name, err)
	}
	return cfg, rest, nil
}

func runConfig(_ context.Context, c *cli, args []string) error {
	cfg, _, err := loadConfig(c, "config", args)
	if err != nil {
		return err
	}
	cfg.Print(c.stdout)
	return nil
}

func runMigrate(ctx context.Context, c *cli, args []string) error {
	cfg, _, err := loadConfig(c, "migrate", args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, c.stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "database (%s) is at schema version %d\n", db.Engine, v)
	return nil
}

func runServe(ctx context.Context, c *cli, args []string) error {
	demo := false
	var rest []string
	for _, a := range args { // --demo is serve's own flag, not configuration
		if a == "--demo" || a == "-demo" {
			demo = true
		} else {
			rest = append(rest, a)
		}
	}
	cfg, _, err := loadConfig(c, "serve", rest)
	if err != nil {
		return err
	}
	log := newLogger(cfg, c.stderr)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.close()
	if demo {
		if err := seedDemo(ctx, a, c.stdout); err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return a.serve(ctx, ln, c)
}

// serve runs the HTTP server and the job workers until ctx ends, then
// stops both, letting requests in flight finish.
func (a *app) serve(ctx context.Context, ln net.Listener, c *cli) error {
	srv := &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	url := a.cfg.PublicURL()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && a.cfg.BaseURL == "" {
		scheme := "http"
		if a.cfg.TLSCert != "" {
			scheme = "https"
		}
		url = fmt.Sprintf("%s://%s", scheme, net.JoinHostPort(hostForURL(tcp.IP), fmt.Sprint(tcp.Port)))
		a.cfg.BaseURL = url
	}
	fmt.Fprintf(c.stdout, "Parley is listening on %s (database: %s)\n", url, a.db.Engine)
	if hint, err := a.setupHint(ctx); err != nil {
		return err
	} else if hint != "" {
		fmt.Fprint(c.stdout, hint)
	}
	smtp, smtpLn, err := a.intakeListener(c)
	if err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { a.runner.Run(workCtx) })
	if smtp != nil {
		// Stopped with the workers, after the HTTP server: a delivery in
		// progress is cancelled and its sender tries again later.
		wg.Go(func() {
			if err := smtp.Serve(workCtx, smtpLn); err != nil {
				a.log.Error("mail intake stopped", "err", err)
			}
		})
	}
	errc := make(chan error, 1)
	go func() {
		if a.cfg.TLSCert != "" {
			errc <- srv.ServeTLS(ln, a.cfg.TLSCert, a.cfg.TLSKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err = <-errc:
	case <-ctx.Done():
		a.log.Info("shutting down")
		shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err = srv.Shutdown(shutCtx)
		cancel()
	}
	stopWork()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	fmt.Fprintln(c.stdout, "Parley stopped")
	return err
}

// intakeListener opens the built-in SMTP listener for reports when
// intake-listen is set; it accepts mail for the intake address's domain.
func (a *app) intakeListener(c *cli) (*mailin.Server, net.Listener, error) {
	if a.cfg.IntakeListen == "" {
		return nil, nil, nil
	}
	addr := a.cfg.Intake()
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	ln, err := net.Listen("tcp", a.cfg.IntakeListen)
	if err != nil {
		return nil, nil, fmt.Errorf("intake-listen: %w", err)
	}
	fmt.Fprintf(c.stdout, "Mail intake (SMTP) is listening on %s for mail to @%s\n", ln.Addr(), domain)
	return mailin.NewServer(mailin.Config{Addr: a.cfg.IntakeListen, Domain: domain}, a.deliverMail, a.log), ln, nil
}

func hostForURL(ip net.IP) string {
	if ip == nil || ip.IsUnspecified() {
		return "localhost"
	}
	return ip.String()
}
