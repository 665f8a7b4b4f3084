package reports_test

import (
	"slices"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

func ids(items []reports.QueueItem) []int64 {
	var out []int64
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func withText(title, desc, product, vendor string) reports.Submission {
	s := good()
	s.Title, s.Description = title, desc
	s.Products = []reports.Product{{Name: product, Versions: []string{"1.0"}}}
	s.Vendors = []reports.Vendor{{Name: vendor}}
	s.ProofOfConcept, s.Impact, s.HowFound, s.TrackingIDs = "", "", "", nil
	return s
}

func TestQueueFiltersAndOrder(t *testing.T) {
	e := setup(t, policy())
	a := e.submit(e.reporter, withText("SQL injection in search", "The q parameter is concatenated.", "Shop", "Webshop Inc"))
	e.now = e.now.Add(time.Hour)
	b := e.submit(auth.Principal{}, withText("Heap overflow in PNG decoder", "Crafted chunks overflow.", "Imaging lib", "Pixel Org"))
	e.now = e.now.Add(time.Hour)
	c := e.submit(auth.Principal{}, withText("Default credentials on the router", "admin/admin works.", "Router X200", "Acme Networks"))
	e.drive(c.ReportID, "invalidate", "close")
	rb := e.get(b.ReportID)
	rb, _ = e.svc.Assign(e.ctx, e.staff, rb.ID, rb.Version, e.staff.UserID)
	rb, _ = e.svc.SetPriority(e.ctx, e.staff, rb.ID, rb.Version, reports.PriorityHigh)
	if _, err := e.svc.AskForInfo(e.ctx, e.staff, rb.ID, rb.Version, "Which libpng version?"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		f    reports.Filter
		want []int64
	}{
		{"active, oldest first", reports.Filter{}, []int64{a.ReportID, b.ReportID}},
		{"all", reports.Filter{Status: reports.AnyStatus}, []int64{a.ReportID, b.ReportID, c.ReportID}},
		{"new", reports.Filter{Status: reports.StatusNew}, []int64{a.ReportID}},
		{"waiting", reports.Filter{Status: reports.StatusWaiting}, []int64{b.ReportID}},
		{"closed", reports.Filter{Status: reports.StatusClosed}, []int64{c.ReportID}},
		{"assignee", reports.Filter{Assignee: e.staff.UserID}, []int64{b.ReportID}},
		{"unassigned", reports.Filter{Assignee: reports.Unassigned, Status: reports.AnyStatus}, []int64{a.ReportID, c.ReportID}},
		{"priority", reports.Filter{Priority: reports.PriorityHigh}, []int64{b.ReportID}},
		{"no priority", reports.Filter{Priority: reports.PriorityNone}, []int64{a.ReportID}},
		{"page", reports.Filter{Status: reports.AnyStatus, Page: store.Page{After: a.ReportID, Limit: 1}}, []int64{b.ReportID}},
		{"full text, stemmed", reports.Filter{Query: "overflows"}, []int64{b.ReportID}},
		{"full text in the product", reports.Filter{Query: "imaging", Status: reports.AnyStatus}, []int64{b.ReportID}},
		{"full text in the vendor", reports.Filter{Query: "acme", Status: reports.AnyStatus}, []int64{c.ReportID}},
		{"every word must match", reports.Filter{Query: "heap injection"}, nil},
		{"query syntax is just words", reports.Filter{Query: `"sql* -(injection)" ^'`}, []int64{a.ReportID}},
		{"tracking ID", reports.Filter{Query: c.TrackingID, Status: reports.AnyStatus}, []int64{c.ReportID}},
		{"tracking ID in lower case", reports.Filter{Query: "rpt-2026-000001"}, []int64{a.ReportID}},
	}
	for _, tc := range cases {
		got, err := e.svc.Queue(e.ctx, e.staff, tc.f)
		if err != nil || !slices.Equal(ids(got), tc.want) {
			t.Errorf("%s: got %v, %v; want %v", tc.name, ids(got), err, tc.want)
		}
	}
	for _, bad := range []struct {
		f     reports.Filter
		field string
	}{
		{reports.Filter{Status: "lost"}, "status"}, {reports.Filter{Priority: "meh"}, "priority"}, {reports.Filter{Query: "-- !!"}, "query"},
	} {
		if _, err := e.svc.Queue(e.ctx, e.staff, bad.f); errs.FieldOf(err) != bad.field {
			t.Errorf("%+v: %v", bad.f, err)
		}
	}
	if _, err := e.svc.Queue(e.ctx, e.reporter, reports.Filter{}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter reads the queue: %v", err)
	}
}

func TestQueueClocksAndTrackRecord(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(e.reporter, good()) // Wednesday noon: due Friday noon
	old := e.get(e.submit(e.reporter, good()).ReportID)
	e.drive(old.ID, "validate")
	dup := e.get(e.submit(e.reporter, good()).ReportID)
	if _, err := e.svc.MarkDuplicate(e.ctx, e.staff, dup.ID, dup.Version, old.ID); err != nil {
		t.Fatal(err)
	}
	e.drive(e.submit(e.reporter, good()).ReportID, "invalidate")
	e.now = time.Date(2026, 5, 9, 12, 0, 0, 0, time.UTC) // Saturday
	items, err := e.svc.Queue(e.ctx, e.staff, reports.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	it := items[0]
	if it.ID != rc.ReportID || !it.Overdue || !it.AckDue.Equal(time.Date(2026, 5, 8, 12, 0, 0, 0, time.UTC)) || it.Age != 72*time.Hour {
		t.Errorf("first item: due %v overdue %v age %v", it.AckDue, it.Overdue, it.Age)
	}
	want := reports.TrackRecord{Valid: 1, Duplicate: 1, Invalid: 1, Pending: 1}
	if it.Reporter != want {
		t.Errorf("track record in the queue: %+v", it.Reporter)
	}
	if items[1].Overdue || !items[1].AckDue.IsZero() {
		t.Errorf("an acknowledged report is overdue: %+v", items[1])
	}
	tr, err := e.svc.TrackRecord(e.ctx, e.staff, e.reporter.UserID)
	if err != nil || tr != want || !tr.Known() {
		t.Errorf("track record: %+v, %v", tr, err)
	}
	if _, err := e.svc.TrackRecord(e.ctx, e.reporter, e.reporter.UserID); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter reads a track record: %v", err)
	}
}
