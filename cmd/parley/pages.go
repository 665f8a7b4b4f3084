package main

import (
	"net/http"
	"strings"

	"github.com/parleycvd/parley/internal/web"
)

// pages returns the registrar of the web pages.
func (a *app) pages() (func(*http.ServeMux), error) {
	w, err := web.New(web.Deps{DB: a.db, Users: a.users, Orgs: a.orgs, Cases: a.cases, Now: a.now, Logger: a.log, Instance: a.cfg.Instance,
		Secure: a.cfg.TLSCert != "" || strings.HasPrefix(a.cfg.PublicURL(), "https://"), Wake: a.runner.Wake})
	if err != nil {
		return nil, err
	}
	return w.Register, nil
}
