package threads_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/threads"
)

func TestMentions(t *testing.T) {
	table := []struct {
		body string
		want []string
	}{
		{"@acme please look", []string{"acme"}},
		{"Hi @lee@acme.example.", []string{"lee@acme.example"}},
		{"mail lee@acme.example, not a mention", nil},
		{"cc @[Acme Routers] and (@bolt)", []string{"Acme Routers", "bolt"}},
		{"@[  Acme   Routers ]", []string{"Acme Routers"}},
		{"@[unclosed bracket", nil},
		{"@[two\nlines]", nil},
		{"@[] and @ and @. and @-x", nil},
		{"@Acme @ACME @acme", []string{"Acme"}},
		{"`@code` stays @plain", []string{"plain"}},
		{"```\n@fenced\n```\n@after", []string{"after"}},
		{`\@escaped and "@quoted"`, []string{"quoted"}},
		{"@Jürgen's fix", []string{"Jürgen's"}},
		{"@@double", nil},
	}
	for _, c := range table {
		if got := threads.Mentions(c.body); !slices.Equal(got, c.want) {
			t.Errorf("Mentions(%q) = %q, want %q", c.body, got, c.want)
		}
	}
	var many []string
	for i := range threads.MaxMentions + 5 {
		many = append(many, "@user"+strings.Repeat("x", i))
	}
	if got := threads.Mentions(strings.Join(many, " ")); len(got) != threads.MaxMentions {
		t.Errorf("%d mentions counted, want at most %d", len(got), threads.MaxMentions)
	}
}

// FuzzMentions: any text is parsed without panic into at most
// MaxMentions distinct one-line names, each found in the text.
func FuzzMentions(f *testing.F) {
	for _, s := range []string{"@a @b", "@[Acme Routers]", "x@y @z@w.example", "```\n@x\n```", "@\xff\xfe", "`@a` @[b", "@[\x00]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		got := threads.Mentions(body)
		if len(got) > threads.MaxMentions {
			t.Fatalf("%d mentions", len(got))
		}
		seen := map[string]bool{}
		for _, name := range got {
			key := strings.ToLower(name)
			switch {
			case name == "" || len(name) > 254 || !utf8.ValidString(name) || strings.ContainsAny(name, "\r\n[]"):
				t.Fatalf("bad name %q from %q", name, body)
			case seen[key]:
				t.Fatalf("%q twice from %q", name, body)
			case !strings.Contains(body, strings.Fields(name)[0]):
				t.Fatalf("%q is not in %q", name, body)
			}
			seen[key] = true
		}
	})
}

// In a thread with the whole case a post reads only the participants it
// may name, not the case's vendors; a mention still names any of them,
// whatever the case and spacing of the name, and nobody outside the case.
func TestCaseThreadMentionsAnyVendor(t *testing.T) {
	w := newWorld(t)
	w.newOrg("Ødegaard Systems", org.Vendor)
	w.add(w.c, "Ødegaard Systems")
	th := must(w.svc.Start(w.ctx, w.staff, w.c.ID, threads.NewThread{Title: "Fix dates", Audience: threads.AudienceCase, Body: "Dates, please."}))
	post := must(w.svc.Post(w.ctx, w.memberA, w.c.ID, th.ID, threads.NewPost{
		Body: "Agreed with @[bolt], @[ødegaard  SYSTEMS] and @[Other Corp]; @psirt@crux.example too."}))
	var names []string
	for _, m := range post.Mentions {
		names = append(names, m.Name)
	}
	if post.Name != "Acme" || !slices.Equal(names, []string{"Bolt", "Ødegaard Systems", "psirt"}) || post.Mentions[2].UserID != w.memberC.UserID {
		t.Fatalf("post by %q mentions %v", post.Name, names)
	}
	edited := must(w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Only @Crux now.", post.Version))
	if len(edited.Mentions) != 1 || edited.Mentions[0].OrgID != w.org["Crux"].ID {
		t.Errorf("edited mentions %+v", edited.Mentions)
	}
}

// An edit that adds mentions tells only those it adds; one that adds none
// tells nobody.
func TestEditTellsNewMentionsOnly(t *testing.T) {
	w := newWorld(t)
	th := must(w.svc.Start(w.ctx, w.staff, w.c.ID, threads.NewThread{Title: "Fix dates", Audience: threads.AudienceCase, Body: "Dates, please."}))
	post := must(w.svc.Post(w.ctx, w.memberA, w.c.ID, th.ID, threads.NewPost{Body: "Ours is ready, @Bolt?"}))
	jobs := w.jobs()
	post = must(w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Ours is ready, @Bolt? And @psirt@crux.example?", post.Version))
	if w.jobs() != jobs+1 {
		t.Fatalf("jobs %d -> %d, want one notice", jobs, w.jobs())
	}
	var payload string
	if err := w.db.Read().QueryRowContext(w.ctx, `SELECT payload FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT 1`, threads.JobPost).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var ev threads.Event
	if err := json.Unmarshal([]byte(payload), &ev); err != nil || ev.PostID != post.ID || len(ev.Mentioned) != 1 || ev.Mentioned[0].UserID != w.memberC.UserID {
		t.Fatalf("the edit's event %s (%v)", payload, err)
	}
	n := must(w.svc.Notice(w.ctx, ev))
	if !n.Edited || len(n.To) != 0 || len(n.Users) != 1 || n.Users[0].UserID != w.memberC.UserID {
		t.Errorf("the edit's notice %+v, want Crux's account alone", n)
	}
	must(w.svc.Edit(w.ctx, w.memberA, w.c.ID, th.ID, post.ID, "Ours is ready, @Bolt.", post.Version))
	if w.jobs() != jobs+1 {
		t.Errorf("an edit adding no mention queued a notice")
	}
}
