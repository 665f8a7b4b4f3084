package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/config"
	"github.com/parleycvd/parley/internal/org"
)

// runBench measures the API against a bare net/http handler on the same
// machine in the same run, so the ratio means something on any hardware.
func runBench(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	clients := fs.Int("clients", 32, "concurrent clients")
	duration := fs.Duration("duration", 10*time.Second, "how long to drive each target")
	db := fs.String("db", "", "PostgreSQL URL to benchmark on, in a schema of its own dropped afterwards (default: SQLite in a temporary folder)")
	orgs := fs.Int("orgs", 1000, "organisations to seed")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the Parley run to this file")
	target := fs.String("target", "orgs", "what to measure: orgs (an authenticated read) or reports (report submission)")
	if err := fs.Parse(args); err != nil {
		return usageError("bench: %v", err)
	}
	if *target != "orgs" && *target != "reports" {
		return usageError("bench: --target %q: want orgs or reports", *target)
	}
	if *db != "" {
		dsn, drop, err := benchSchema(ctx, *db)
		if err != nil {
			return err
		}
		defer drop()
		*db = dsn
	}
	dir, err := os.MkdirTemp("", "parley-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, _, err := config.Load("bench", []string{"--data", dir, "--db", *db, "--require-totp=false", "--log-level", "error"}, func(string) string { return "" }, c.stderr)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return err
	}
	defer a.close()
	token, orgID, err := seedBench(ctx, a, *orgs)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if err := a.db.Optimize(ctx); err != nil { // what a running instance's hourly maintenance does
		return err
	}
	parleyURL, stop1, err := listen(a.handler)
	if err != nil {
		return err
	}
	defer stop1()
	body := fmt.Sprintf(`{"id":%d,"name":"Vendor 0001","kind":"vendor","description":"","website":"","security_email":"psirt@vendor0001.example","version":1,"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`+"\n", orgID)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
	bareURL, stop2, err := listen(bare)
	if err != nil {
		return err
	}
	defer stop2()
	fmt.Fprintf(c.stdout, "engine %s, %d organisations, %d clients, %s per target, GOMAXPROCS %d\n", a.db.Engine, *orgs, *clients, *duration, runtimeProcs())
	opt := benchOptions{duration: *duration, cpuProfile: *cpuProfile}
	var ref, floor, got result
	names, goal := [2]string{"bare net/http handler", "GET /api/v1/orgs/{id} (token)"}, 40
	if *target == "reports" {
		names, goal = [2]string{"bare handler: INSERT the body", "POST /api/v1/reports (token)"}, 50
		if ref, floor, got, err = benchReports(ctx, a, parleyURL, *clients, opt); err != nil {
			return err
		}
	} else {
		path := fmt.Sprintf("/api/v1/orgs/%d", orgID)
		get := request{method: "GET", want: http.StatusOK}
		if ref, err = drive(ctx, bareURL+path, "", *clients, benchOptions{duration: *duration}, get); err != nil {
			return err
		}
		if got, err = drive(ctx, parleyURL+path, token, *clients, opt, get); err != nil {
			return err
		}
	}
	fmt.Fprintln(c.stdout, ref.line(names[0]))
	if floor.n > 0 {
		fmt.Fprintln(c.stdout, floor.line("INSERT + journal entry + job"))
	}
	fmt.Fprintln(c.stdout, got.line(names[1]))
	fmt.Fprintf(c.stdout, "ratio: %.1f%% of the reference's throughput (target: at least %d%%)\n", 100*got.rps()/ref.rps(), goal)
	if floor.n > 0 {
		fmt.Fprintf(c.stdout, "       %.1f%% of INSERT + journal entry + job\n", 100*got.rps()/floor.rps())
	}
	if got.errors > 0 {
		return fmt.Errorf("%d requests failed", got.errors)
	}
	return nil
}

func seedBench(ctx context.Context, a *app, n int) (token string, orgID int64, err error) {
	admin, err := a.users.CreateAdmin(ctx, auth.NewUser{Email: "bench-admin@example.org", Name: "Admin", Password: "benchmark password", Admin: true, Staff: true})
	if err != nil {
		return "", 0, err
	}
	ap := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	for i := range n {
		o, err := a.orgs.Create(ctx, ap, org.Fields{Name: fmt.Sprintf("Vendor %04d", i+1), Kind: org.Vendor, SecurityEmail: fmt.Sprintf("psirt@vendor%04d.example", i+1)})
		if err != nil {
			return "", 0, err
		}
		if i == n/2 {
			orgID = o.ID
		}
	}
	if _, err := a.orgs.AddMember(ctx, ap, orgID, "psirt@vendor.example", "PSIRT", auth.OrgAdmin); err != nil {
		return "", 0, err
	}
	_, secret, err := a.users.CreateToken(ctx, ap, auth.NewToken{Name: "bench", Scope: auth.ScopeRead})
	return secret, orgID, err
}

func listen(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	// Stopping waits for the handlers still running (the last requests of
	// a run), so that none of them meets a closed database.
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), stop, nil
}

type result struct {
	n, errors int
	elapsed   time.Duration
	cpu       time.Duration // the process's CPU time during the run (server and clients)
	lat       []time.Duration
}

func (r result) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*p))]
}

func (r result) line(name string) string {
	return fmt.Sprintf("%-32s %8.0f req/s  p50 %8s  p99 %8s  cpu %3.0f%%  (%d requests, %d errors)", name, r.rps(),
		r.pct(0.50).Round(time.Microsecond), r.pct(0.99).Round(time.Microsecond), 100*r.cpu.Seconds()/r.elapsed.Seconds(), r.n, r.errors)
}

// benchOptions are the settings every target shares.
type benchOptions struct {
	duration   time.Duration
	cpuProfile string // profile the Parley run (not the reference) into this file
}

// request is what each client sends, and the status that counts as success.
type request struct {
	method, body string
	want         int
}

// drive sends requests from clients goroutines for opt.duration, after a
// warm-up, and gathers latencies; the CPU profile covers the measured run.
func drive(ctx context.Context, url, token string, clients int, opt benchOptions, rq request) (result, error) {
	d := opt.duration
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	warm, cancelWarm := context.WithTimeout(ctx, d/10)
	load(warm, hc, url, token, clients, rq) // open connections and warm caches
	cancelWarm()
	stop, err := startCPUProfile(opt.cpuProfile)
	if err != nil {
		return result{}, err
	}
	run, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	start, cpu0 := time.Now(), cpuTime()
	res := load(run, hc, url, token, clients, rq)
	res.elapsed, res.cpu = time.Since(start), cpuTime()-cpu0
	stop()
	slices.Sort(res.lat)
	return res, nil
}

func load(ctx context.Context, hc *http.Client, url, token string, clients int, rq request) result {
	var mu sync.Mutex
	var total result
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			var mine result
			for ctx.Err() == nil {
				var body io.Reader
				if rq.body != "" {
					body = strings.NewReader(rq.body)
				}
				req, _ := http.NewRequestWithContext(ctx, rq.method, url, body)
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil && (err != nil || errors.Is(err, context.DeadlineExceeded)) {
					break
				}
				mine.lat = append(mine.lat, time.Since(t0))
				mine.n++
				if err != nil || resp.StatusCode != rq.want {
					mine.errors++
				}
			}
			mu.Lock()
			total.n += mine.n
			total.errors += mine.errors
			total.lat = append(total.lat, mine.lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	return total
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPUProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
