package server

import (
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter throttles sign-in attempts per client address, so that password
// guessing is slow even across many accounts. (Per-account lockouts live
// in auth.) State is per process; a cluster multiplies the budget.
type limiter struct {
	mu      sync.Mutex
	perIP   map[string]*entry
	rate    rate.Limit
	burst   int
	lastGC  time.Time
	guarded map[string]bool
}

type entry struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(n int, per time.Duration) *limiter {
	return &limiter{
		perIP: map[string]*entry{}, rate: rate.Every(per / time.Duration(n)), burst: n,
		guarded: map[string]bool{
			"POST /login": true, "POST /login/totp": true, "POST /account/reset": true,
			"POST /api/v1/auth/token": true, "POST /setup": true, "POST /account/link": true,
		},
	}
}

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
		if l.guarded[r.Method+" "+r.URL.Path] && !l.allow(clientIP(r), time.Now()) {
			w.Header().Set("Retry-After", "60")
			if len(r.URL.Path) > 8 && r.URL.Path[:8] == "/api/v1/" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"error":{"code":"too_many_requests","message":"too many sign-in attempts from your address; wait a minute"}}` + "\n"))
				return
			}
			http.Error(w, "Too many sign-in attempts from your address. Wait a minute and try again.", http.StatusTooManyRequests)
			return
		}
		next.ServeHTTP(w, r)
	})
}
