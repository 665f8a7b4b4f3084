package threads_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
)

// TestRefusals: bad input and changes nobody may make are refused with
// their kind and the field at fault, and write nothing.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.cory, w.c.ID, threads.NewThread{Title: "Patch", Body: "Here", With: []int64{w.pid["Acme"]}}))
	post := must(w.svc.Get(w.ctx, w.cory, w.c.ID, th.ID, store.Page{})).Posts[0]
	other := w.open("Another case", "Acme")
	long := strings.Repeat("x", threads.MaxBody+1)
	file := func(n int) threads.NewAttachment {
		return threads.NewAttachment{Name: "f", Data: bytes.Repeat([]byte{'a'}, n)}
	}
	start := func(p auth.Principal, nt threads.NewThread) func() error {
		return func() error { _, err := w.svc.Start(w.ctx, p, w.c.ID, nt); return err }
	}
	postAs := func(p auth.Principal, np threads.NewPost) func() error {
		return func() error { _, err := w.svc.Post(w.ctx, p, w.c.ID, th.ID, np); return err }
	}
	readOnly := w.memberA
	readOnly.Scope = auth.ScopeRead
	table := []struct {
		name  string
		kind  errs.Kind
		field string
		do    func() error
	}{
		{"empty title", errs.Invalid, "title", start(w.cory, threads.NewThread{Title: " ", Body: "b"})},
		{"two-line title", errs.Invalid, "title", start(w.cory, threads.NewThread{Title: "a\nb", Body: "b"})},
		{"oversized title", errs.Invalid, "title", start(w.cory, threads.NewThread{Title: strings.Repeat("t", threads.MaxTitle+1), Body: "b"})},
		{"empty body", errs.Invalid, "body", start(w.cory, threads.NewThread{Title: "T", Body: "\n "})},
		{"oversized body", errs.Invalid, "body", start(w.cory, threads.NewThread{Title: "T", Body: long})},
		{"unknown audience", errs.Invalid, "audience", start(w.cory, threads.NewThread{Title: "T", Body: "b", Audience: "world"})},
		{"a whole-case thread naming participants", errs.Invalid, "with", start(w.cory, threads.NewThread{Title: "T", Body: "b",
			Audience: threads.AudienceCase, With: []int64{w.pid["Acme"]}})},
		{"a participant not in the case", errs.Invalid, "with", start(w.cory, threads.NewThread{Title: "T", Body: "b", With: []int64{99999}})},
		{"a participant of another case", errs.Invalid, "with", start(w.cory, threads.NewThread{Title: "T", Body: "b",
			With: []int64{w.participants(other)["Acme"]}})},
		{"a vendor invites a vendor (setting off)", errs.Forbidden, "with", start(w.memberA, threads.NewThread{Title: "T", Body: "b",
			With: []int64{w.pid["Bolt"]}})},
		{"as another vendor", errs.Forbidden, "as", start(w.memberA, threads.NewThread{Title: "T", Body: "b", As: w.pid["Bolt"]})},
		{"by an outsider", errs.NotFound, "", start(w.outside, threads.NewThread{Title: "T", Body: "b"})},
		{"with a read-only token", errs.Forbidden, "", start(readOnly, threads.NewThread{Title: "T", Body: "b"})},
		{"too many files", errs.Invalid, "attachments", start(w.cory, threads.NewThread{Title: "T", Body: "b",
			Attachments: []threads.NewAttachment{file(1), file(1), file(1)}})},
		{"a file over the limit", errs.TooLarge, "attachments[0]", postAs(w.memberA, threads.NewPost{Body: "b",
			Attachments: []threads.NewAttachment{file(int(limits.MaxAttachmentSize) + 1)}})},
		{"files over the limit per post", errs.TooLarge, "attachments", postAs(w.memberA, threads.NewPost{Body: "b",
			Attachments: []threads.NewAttachment{file(1000), file(1000)}})},
		{"an empty file", errs.Invalid, "attachments[0]", postAs(w.memberA, threads.NewPost{Body: "b",
			Attachments: []threads.NewAttachment{file(0)}})},
		{"an empty post", errs.Invalid, "body", postAs(w.memberA, threads.NewPost{Body: ""})},
		{"a post by a vendor outside the audience", errs.NotFound, "", postAs(w.memberB, threads.NewPost{Body: "b"})},
		{"a post for another participant", errs.Forbidden, "as", postAs(w.memberA, threads.NewPost{Body: "b", As: w.pid["CERT"]})},
		{"a post by a read-only token", errs.Forbidden, "", postAs(readOnly, threads.NewPost{Body: "b"})},
		{"a post in a thread of another case", errs.NotFound, "", func() error {
			_, err := w.svc.Post(w.ctx, w.cory, other.ID, th.ID, threads.NewPost{Body: "b"})
			return err
		}},
		{"editing someone else's post", errs.Forbidden, "", func() error {
			_, err := w.svc.Edit(w.ctx, w.staff, w.c.ID, th.ID, post.ID, "mine now", 1)
			return err
		}},
		{"an edit without a version", errs.Invalid, "version", func() error {
			_, err := w.svc.Edit(w.ctx, w.cory, w.c.ID, th.ID, post.ID, "new", 0)
			return err
		}},
		{"a stale version", errs.Conflict, "version", func() error {
			_, err := w.svc.Edit(w.ctx, w.cory, w.c.ID, th.ID, post.ID, "new", 7)
			return err
		}},
		{"an edit to a post of another thread", errs.NotFound, "", func() error {
			_, err := w.svc.Edit(w.ctx, w.cory, w.c.ID, th.ID, post.ID+1000, "new", 1)
			return err
		}},
		{"a pin by a vendor", errs.Forbidden, "", func() error {
			_, err := w.svc.Pin(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, true)
			return err
		}},
	}
	for _, c := range table {
		w.refused(c.name, c.kind, c.field, c.do)
	}
	if det := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, th.ID, store.Page{})); len(det.Posts) != 1 || det.Posts[0].Body != "Here" {
		t.Errorf("the refusals changed the thread: %+v", det.Posts)
	}
}

// TestClosedCase: a case whose coordinators closed their reports takes no
// new thread, post, edit, pin or setting.
func TestClosedCase(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.cory, w.c.ID, threads.NewThread{Title: "Before", Body: "Open still", Audience: threads.AudienceCase}))
	post := must(w.svc.Get(w.ctx, w.cory, w.c.ID, th.ID, store.Page{})).Posts[0]
	if _, err := w.cases.StepRM(w.ctx, w.staff, w.c.ID, w.pid["CERT"], protocol.RMClose, ""); err != nil {
		t.Fatal(err)
	}
	w.refused("a thread", errs.Conflict, "", func() error {
		_, err := w.svc.Start(w.ctx, w.cory, w.c.ID, threads.NewThread{Title: "Late", Body: "Too late"})
		return err
	})
	w.refused("a post", errs.Conflict, "", func() error {
		_, err := w.svc.Post(w.ctx, w.memberA, w.c.ID, th.ID, threads.NewPost{Body: "Too late"})
		return err
	})
	w.refused("an edit", errs.Conflict, "", func() error {
		_, err := w.svc.Edit(w.ctx, w.cory, w.c.ID, th.ID, post.ID, "Changed", 1)
		return err
	})
	w.refused("a pin", errs.Conflict, "", func() error {
		_, err := w.svc.Pin(w.ctx, w.cory, w.c.ID, th.ID, post.ID, true)
		return err
	})
	w.refused("a setting", errs.Conflict, "", func() error {
		_, err := w.svc.SetSettings(w.ctx, w.cory, w.c.ID, threads.Settings{VendorsInviteVendors: true})
		return err
	})
	if got := w.titles(w.memberA, w.c); len(got) != 1 {
		t.Errorf("the closed case's threads are still read: %v", got)
	}
}
