package threads_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
)

// TestListedThread: the coordinators start a thread with Acme alone. Acme
// reads and answers it; Bolt learns nothing of it, in lists, reads,
// downloads, history or timeline; the post's mentions count only inside
// the audience; every post queues one notice.
func TestListedThread(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.cory, w.c.ID, threads.NewThread{Title: "Patch review", With: []int64{w.pid["Acme"]},
		Body:        "Hello @[Acme], @dana@acme.example and @psirt@bolt.example: see the diff. Mail lee@acme.example.",
		Attachments: []threads.NewAttachment{{Name: "../fix.diff", Data: []byte("--- a\n+++ b\n")}}}))
	if th.Audience != threads.AudienceListed || !slices.Equal(th.Members, []int64{w.pid["Acme"]}) || th.StartedBy != w.pid["CERT"] || th.Posts != 1 {
		t.Fatalf("started %+v", th)
	}
	for _, p := range []string{"staff", "cory", "desk", "admin", "acme", "dana"} {
		if got := w.titles(w.who(p), w.c); !slices.Equal(got, []string{"Patch review"}) {
			t.Errorf("%s lists %v", p, got)
		}
	}
	if got := w.titles(w.memberB, w.c); len(got) != 0 {
		t.Errorf("Bolt lists %v", got)
	}
	det := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, th.ID, store.Page{}))
	first := det.Posts[0]
	if len(det.Posts) != 1 || first.Name != "CERT" || len(first.Attachments) != 1 || first.Attachments[0].Name != "fix.diff" {
		t.Fatalf("Acme reads %+v", det)
	}
	if m := first.Mentions; len(m) != 2 || m[0].OrgID != w.org["Acme"].ID || m[0].Name != "Acme" || m[1].UserID != w.dana.UserID {
		t.Errorf("mentions %+v: Bolt's address is outside the audience", m)
	}
	if listed := det.Listed; len(listed) != 2 || listed[0].Name != "CERT" || listed[1].Name != "Acme" {
		t.Errorf("the audience shows as %+v", listed)
	}
	file := must(w.svc.Attachment(w.ctx, w.dana, w.c.ID, th.ID, first.ID, first.Attachments[0].ID))
	if string(file.Data) != "--- a\n+++ b\n" || file.ContentType != "text/plain; charset=utf-8" {
		t.Errorf("download %+v", file)
	}
	for name, do := range map[string]func() error{
		"get": func() error { _, err := w.svc.Get(w.ctx, w.memberB, w.c.ID, th.ID, store.Page{}); return err },
		"download": func() error {
			_, err := w.svc.Attachment(w.ctx, w.memberB, w.c.ID, th.ID, first.ID, first.Attachments[0].ID)
			return err
		},
		"history":  func() error { _, _, err := w.svc.History(w.ctx, w.memberB, w.c.ID, th.ID, first.ID); return err },
		"outsider": func() error { _, err := w.svc.Get(w.ctx, w.outside, w.c.ID, th.ID, store.Page{}); return err },
	} {
		if err := do(); !errs.Is(err, errs.NotFound) {
			t.Errorf("Bolt's %s: %v, want not found", name, err)
		}
	}
	if tl := w.timeline(w.memberA, w.c); !strings.Contains(tl, `Thread "Patch review" started by CERT`) {
		t.Errorf("Acme's timeline:\n%s", tl)
	}
	if tl := w.timeline(w.memberB, w.c); strings.Contains(tl, "Patch review") {
		t.Errorf("Bolt's timeline shows the thread:\n%s", tl)
	}

	reply := must(w.svc.Post(w.ctx, w.memberA, w.c.ID, th.ID, threads.NewPost{Body: "Thanks @cory@cert.example, looks right."}))
	if reply.Participant != w.pid["Acme"] || reply.Name != "Acme" || len(reply.Mentions) != 1 {
		t.Errorf("reply %+v", reply)
	}
	n := must(w.svc.Notice(w.ctx, threads.Event{ThreadID: th.ID, CaseID: w.c.ID, PostID: reply.ID, By: w.pid["Acme"]}))
	if !slices.Equal(n.To, []int64{w.pid["CERT"]}) || len(n.Users) != 1 || n.Users[0].Email != "cory@cert.example" || n.ByName != "Acme" {
		t.Errorf("the reply's notice %+v", n)
	}
	n = must(w.svc.Notice(w.ctx, threads.Event{ThreadID: th.ID, CaseID: w.c.ID, PostID: first.ID, By: w.pid["CERT"], Started: true}))
	if !slices.Equal(n.To, []int64{w.pid["Acme"]}) || !slices.Equal(n.Mentioned, []int64{w.pid["Acme"]}) || len(n.Users) != 1 || n.Users[0].Email != "dana@acme.example" {
		t.Errorf("the first post's notice %+v", n)
	}
	if got := w.jobs(); got != 2 {
		t.Errorf("%d notice jobs, want one per post", got)
	}
}

// who names the world's principals for tables.
func (w *world) who(name string) auth.Principal {
	return map[string]auth.Principal{"staff": w.staff, "cory": w.cory, "desk": w.desk, "admin": w.admin, "acme": w.memberA,
		"dana": w.dana, "bolt": w.memberB, "crux": w.memberC, "outside": w.outside}[name]
}

func mentionNames(list []threads.Mention) []string {
	var out []string
	for _, m := range list {
		out = append(out, m.Name)
	}
	return out
}

// TestEditAndPin: authors edit their own posts against the version they
// read, the history keeps every earlier text, and the coordinators pin.
func TestEditAndPin(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.memberA, w.c.ID, threads.NewThread{Title: "Our fix", Body: "Draft one"}))
	if !slices.Equal(th.Members, []int64{w.pid["Acme"]}) || th.StartedBy != w.pid["Acme"] {
		t.Fatalf("Acme's thread with the coordinators: %+v", th)
	}
	post := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, th.ID, store.Page{})).Posts[0]
	edited := must(w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Draft two", 1))
	if edited.Version != 2 || !edited.Edited() || edited.Body != "Draft two" || edited.Edits != 1 {
		t.Fatalf("edited %+v", edited)
	}
	w.refused("a stale version", errs.Conflict, "version", func() error {
		_, err := w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Draft three", 1)
		return err
	})
	w.refused("someone else's post, even a colleague's", errs.Forbidden, "", func() error {
		_, err := w.svc.Edit(w.ctx, w.dana, w.c.ID, th.ID, post.ID, "Dana's", 2)
		return err
	})
	must(w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Draft three", 2))
	cur, hist := must2(w.svc.History(w.ctx, w.cory, w.c.ID, th.ID, post.ID))
	if cur.Body != "Draft three" || len(hist) != 2 || hist[0].Body != "Draft two" || hist[1].Body != "Draft one" || hist[1].By != "psirt@acme.example" {
		t.Fatalf("history %+v %+v", cur, hist)
	}
	w.refused("a vendor pins", errs.Forbidden, "", func() error {
		_, err := w.svc.Pin(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, true)
		return err
	})
	if p := must(w.svc.Pin(w.ctx, w.cory, w.c.ID, th.ID, post.ID, true)); !p.Pinned {
		t.Fatal("not pinned")
	}
	det := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, th.ID, store.Page{}))
	if len(det.Pinned) != 1 || det.Pinned[0].ID != post.ID {
		t.Errorf("pinned %+v", det.Pinned)
	}
	journal := w.journalCount()
	must(w.svc.Pin(w.ctx, w.cory, w.c.ID, th.ID, post.ID, true)) // already pinned: nothing changes
	must(w.svc.Pin(w.ctx, w.staff, w.c.ID, th.ID, post.ID, false))
	if got := w.journalCount() - journal; got != 1 {
		t.Errorf("pinning twice and unpinning wrote %d entries, want 1", got)
	}
}

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(err)
	}
	return a, b
}

// TestPostPages: posts come in pages, oldest first.
func TestPostPages(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.staff, w.c.ID, threads.NewThread{Title: "Many", Body: "0", Audience: threads.AudienceCase}))
	for i := 1; i < 5; i++ {
		must(w.svc.Post(w.ctx, w.memberB, w.c.ID, th.ID, threads.NewPost{Body: strings.Repeat("x", i)}))
	}
	page := must(w.svc.Get(w.ctx, w.memberC, w.c.ID, th.ID, store.Page{Limit: 2}))
	next := must(w.svc.Get(w.ctx, w.memberC, w.c.ID, th.ID, store.Page{After: page.Posts[1].ID, Limit: 2}))
	last := must(w.svc.Get(w.ctx, w.memberC, w.c.ID, th.ID, store.Page{After: next.Posts[1].ID, Limit: 2}))
	if len(page.Posts) != 2 || page.Posts[0].Body != "0" || next.Posts[0].Body != "xx" || len(last.Posts) != 1 || last.Posts[0].Body != "xxxx" || last.Posts[0].Name != "Bolt" {
		t.Errorf("pages %+v / %+v / %+v", page.Posts, next.Posts, last.Posts)
	}
}
