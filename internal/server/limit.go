package server

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter throttles some requests per client address: sign-in attempts, so
// that password guessing is slow even across many accounts (per-account
// lockouts live in auth), and report submissions, so that one address
// cannot flood the triage queue. State is per process; a cluster
// multiplies the budget.
type limiter struct {
	mu      sync.Mutex
	perIP   map[string]*entry
	rate    rate.Limit
	burst   int
	lastGC  time.Time
	guarded map[string]bool
	what    string // "sign-in attempts", in the refusal
	// anonymous limits only requests without a token or session: signed-in
	// reporters and programs have quotas of their own in reports.
	anonymous bool
}

type entry struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(n int, per time.Duration, what string, routes ...string) *limiter {
	l := &limiter{perIP: map[string]*entry{}, rate: rate.Every(per / time.Duration(n)), burst: n, guarded: map[string]bool{}, what: what}
	for _, r := range routes {
		l.guarded[r] = true
	}
	return l
}

// signInRoutes and reportRoutes are what the two limiters guard.
var (
	signInRoutes = []string{"POST /login", "POST /login/totp", "POST /account/reset", "POST /api/v1/auth/token", "POST /setup", "POST /account/link"}
	reportRoutes = []string{"POST /report", "POST /report/follow-up", "POST /api/v1/reports"}
)

func (l *limiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastGC) > 10*time.Minute {
		for k, e := range l.perIP {
			if now.Sub(e.seen) > 10*time.Minute {
				delete(l.perIP, k)
			}
		}
		l.lastGC = now
	}
	e, ok := l.perIP[ip]
	if !ok {
		e = &entry{l: rate.NewLimiter(l.rate, l.burst)}
		l.perIP[ip] = e
	}
	e.seen = now
	return e.l.AllowN(now, 1)
}

func (l *limiter) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.guarded[r.Method+" "+r.URL.Path] && (!l.anonymous || anonymous(r)) && !l.allow(clientIP(r), time.Now()) {
			w.Header().Set("Retry-After", "60")
			if len(r.URL.Path) > 8 && r.URL.Path[:8] == "/api/v1/" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"error":{"code":"too_many_requests","message":"too many ` + l.what + ` from your address; wait a minute"}}` + "\n"))
				return
			}
			http.Error(w, "Too many "+l.what+" from your address. Wait a minute and try again; nothing you sent was stored.", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func anonymous(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" {
		return false
	}
	_, err := r.Cookie("parley_session")
	return err != nil
}
