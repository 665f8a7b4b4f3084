package main

import (
	"net/http"
	"strings"

	"github.com/parleycvd/parley/internal/web"
)

// pages returns the registrar of the web pages.
func (a *app) pages() (func(*http.ServeMux), error) {
	base := a.cfg.PublicURL()
	w, err := web.New(web.Deps{DB: a.db, Users: a.users, Orgs: a.orgs, Cases: a.cases, Reports: a.reports, SSVC: a.ssvc,
		Keyring: a.keyring, Now: a.now, Logger: a.log, Deadlines: a.deadlines, Disputes: a.disputes, Status: a.status, Threads: a.threads,
		Credits:  a.credits,
		Instance: a.cfg.Instance, Secure: a.cfg.TLSCert != "" || strings.HasPrefix(base, "https://"), Wake: a.runner.Wake,
		// Without a configured base URL, links follow the address requests come to.
		Security: web.SecurityTxt{BaseURL: a.cfg.BaseURL, Contacts: []string{"/report", "mailto:" + a.cfg.Intake()}, Languages: "en",
			Policy: "/process"}})
	if err != nil {
		return nil, err
	}
	w.Webhooks = a.webhooks
	w.Inbox = a.inbox
	return w.Register, nil
}
