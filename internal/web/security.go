package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// SecurityTxt says what /.well-known/security.txt (RFC 9116) publishes.
type SecurityTxt struct {
	BaseURL   string   // https://parley.example.org, for the links; empty: the address requests come to
	Contacts  []string // mailto: and https: URIs (or paths on this site), in order of preference
	Languages string   // e.g. "en, de"
	Policy    string   // URL or path of the disclosure policy; empty: none
}

func (s *Web) wellKnownRoutes() []route {
	return []route{
		{"GET /.well-known/security.txt", anyone, s.securityTxt},
		{"GET /security.txt", anyone, s.securityTxt},
		{"GET /pgp-key.asc", anyone, s.publicKey},
	}
}

// securityTxt writes the file from configuration; Expires is always about
// eleven months ahead, so a running instance never publishes a stale one.
func (s *Web) securityTxt(w http.ResponseWriter, r *http.Request, v *visitor) {
	var b strings.Builder
	base := s.baseURL(r)
	abs := func(u string) string {
		if strings.HasPrefix(u, "/") {
			return base + u
		}
		return u
	}
	for _, c := range s.Security.Contacts {
		fmt.Fprintf(&b, "Contact: %s\n", abs(c))
	}
	fmt.Fprintf(&b, "Expires: %s\n", s.Now().UTC().AddDate(0, 11, 0).Truncate(24*time.Hour).Format(time.RFC3339))
	if s.Keyring != nil {
		fmt.Fprintf(&b, "Encryption: %s/pgp-key.asc\n", base)
	}
	if s.Security.Languages != "" {
		fmt.Fprintf(&b, "Preferred-Languages: %s\n", s.Security.Languages)
	}
	fmt.Fprintf(&b, "Canonical: %s/.well-known/security.txt\n", base)
	if s.Security.Policy != "" {
		fmt.Fprintf(&b, "Policy: %s\n", abs(s.Security.Policy))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte(b.String()))
}

// publicKey serves the instance's OpenPGP public key for reporters.
func (s *Web) publicKey(w http.ResponseWriter, r *http.Request, v *visitor) {
	if s.Keyring == nil {
		http.NotFound(w, r)
		return
	}
	armored, err := s.Keyring.PublicArmored(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	w.Header().Set("Content-Type", "application/pgp-keys")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write([]byte(armored))
}
