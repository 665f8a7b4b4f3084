package notify_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
)

// BenchmarkVendorNotices delivers the notices of a case with 1,000 vendors
// to a local SMTP server with the job runner's workers, as a running
// instance does, and reports messages per second. The target is 200/s.
func BenchmarkVendorNotices(b *testing.B) {
	const vendors = 1000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newFixture(b, time.Now)
		ctx, db, users, orgs, cs, p := f.ctx, f.db, f.users, f.orgs, f.cases, f.root
		c, err := cs.Create(ctx, p, cases.NewCase{Title: "Protocol flaw"})
		if err != nil {
			b.Fatal(err)
		}
		list := make([]cases.NewParticipant, vendors)
		for i := range list {
			o, err := orgs.Create(ctx, p, org.Fields{Name: fmt.Sprintf("Vendor %d", i), Kind: org.Vendor, SecurityEmail: fmt.Sprintf("psirt@v%d.example", i)})
			if err != nil {
				b.Fatal(err)
			}
			list[i] = cases.NewParticipant{OrgID: o.ID, Roles: []cases.Role{cases.RoleVendor}}
		}
		if _, err := cs.AddParticipants(ctx, p, c.ID, list); err != nil {
			b.Fatal(err)
		}
		srv := mailtest.Start(b)
		n, err := notify.New(notify.Config{BaseURL: "https://parley.test", From: "Parley <parley@parley.test>", Instance: "Parley"},
			mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: time.Now}, users)
		if err != nil {
			b.Fatal(err)
		}
		r := jobs.NewRunner(db, jobs.Config{Workers: 8, Poll: 10 * time.Millisecond})
		n.RegisterCases(r, cs)
		runCtx, stop := context.WithCancel(ctx)
		b.StartTimer()
		start := time.Now()
		done := make(chan struct{})
		go func() { r.Run(runCtx); close(done) }()
		got := srv.Wait(vendors, 5*time.Minute)
		elapsed := time.Since(start)
		b.StopTimer()
		stop()
		<-done
		if len(got) != vendors {
			b.Fatalf("%d of %d notices delivered", len(got), vendors)
		}
		b.ReportMetric(float64(vendors)/elapsed.Seconds(), "msgs/s")
	}
}
