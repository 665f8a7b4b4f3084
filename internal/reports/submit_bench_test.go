package reports_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// BenchmarkSubmit32 takes reports in from 32 concurrent submitters through
// the service, without HTTP: what the database side of a submission
// (storage, journal, outbox, receipt queued) allows at most. `parley bench
// --target reports` measures the whole request.
//
//	go test -run '^$' -bench Submit32 -benchtime 20000x ./internal/reports/
func BenchmarkSubmit32(b *testing.B) {
	ctx := context.Background()
	db := storetest.New(b)
	reg, err := ssvc.New()
	if err != nil {
		b.Fatal(err)
	}
	pol := reports.DefaultPolicy()
	pol.Quota = 0 // one anonymous address sends them all
	svc := reports.NewService(db, time.Now, auth.NewService(db, time.Now, auth.DefaultConfig()), reg, pol)
	sub := reports.Submission{Channel: reports.ChannelAPI, Details: reports.Details{
		Title:          "Stack overflow in the AR-100 web UI",
		Description:    "A long Host header overflows a stack buffer in the admin web server of the AR-100 router before authentication.",
		Vendors:        []reports.Vendor{{Name: "Acme Routers"}},
		Products:       []reports.Product{{Name: "AR-100", Versions: []string{"2.1.3"}}},
		ProofOfConcept: "curl -H 'Host: AAAA' http://192.0.2.1/", Impact: "Remote code execution before login",
		AIUse: reports.AINone, Contact: reports.Contact{Name: "Bench Reporter", Email: "bench-reporter@example.org"}}}
	b.SetParallelism((32 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := svc.Submit(ctx, auth.Principal{}, sub); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reports/s")
}
