package api_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/threads"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestThreadScenarios(t *testing.T) {
	t.Parallel()
	// certAndVendors, a case {key} and its participants {coordP}, {acmeP}
	// and {globexP}, with threads served (files of at most 1 KiB).
	e, db := newParticipantsEnv(t, func(f *fixture, d *api.Deps) {
		d.Threads = threads.NewService(f.db, f.clock, f.cases, threads.Config{Limits: threads.Limits{MaxAttachmentSize: 1 << 10, MaxAttachmentsSize: 2 << 10,
			MaxAttachments: 3}})
	})
	add := func(s ...caseStep) { e.run(t, s) }
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	patch := func(as, path, body string) call { return call{as: as, method: "PATCH", path: path, body: body} }
	const list, one, p1 = "/api/v1/cases/{key}/threads", "/api/v1/cases/{key}/threads/{t}", "/api/v1/cases/{key}/threads/{t}/posts/{p1}"
	journal := func() int {
		var n int
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM journal`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The coordinators start a thread with Acme alone.
	add(
		caseStep{name: "staff starts a thread with Acme", call: post("staff", list, `{"title":"Patch review","body":"See the diff, @[Acme] and @[Globex].",
			"with":[{acmeP}],"attachments":[{"name":"../fix.diff","data":"`+b64("--- a\n+++ b\n")+`"}]}`), status: 201,
			check: func(m map[string]any) bool {
				posts, members := items(map[string]any{"items": m["posts"]}), items(map[string]any{"items": m["members"]})
				files, mentions := items(map[string]any{"items": posts[0]["attachments"]}), items(map[string]any{"items": posts[0]["mentions"]})
				acc, _ := m["access"].(map[string]any)
				return m["audience"] == "listed" && len(members) == 2 && members[1]["name"] == "Acme" && len(posts) == 1 &&
					len(files) == 1 && files[0]["name"] == "fix.diff" && len(mentions) == 1 && mentions[0]["name"] == "Acme" &&
					sameStrings(strs(acc["actions"]), "post", "pin")
			}, save: func(m map[string]any) {
				e.vars["t"] = num(m["id"])
				p := items(map[string]any{"items": m["posts"]})[0]
				e.vars["p1"] = num(p["id"])
				e.vars["a1"] = num(items(map[string]any{"items": p["attachments"]})[0]["id"])
			}},
		caseStep{name: "Acme lists it", call: get("acme-ro", list), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			set, _ := m["settings"].(map[string]any)
			return len(l) == 1 && l[0]["title"] == "Patch review" && l[0]["posts"] == 1.0 && set["vendors_invite_vendors"] == false
		}},
		caseStep{name: "Globex lists nothing", call: get("globex", list), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		caseStep{name: "Globex reads it", call: get("globex", one), status: 404, code: "not_found"},
		caseStep{name: "Globex downloads its file", call: get("globex", p1+"/attachments/{a1}"), status: 404, code: "not_found"},
		caseStep{name: "Globex reads its history", call: get("globex", p1+"/edits"), status: 404, code: "not_found"},
		caseStep{name: "Globex writes in it", call: post("globex", one+"/posts", `{"body":"Me too"}`), status: 404, code: "not_found"},
		caseStep{name: "an outsider lists", call: get("outsider", list), status: 404, code: "not_found"},
		caseStep{name: "anonymous", call: get("", list), status: 401, code: "unauthenticated"},
	)
	// Acme answers, edits its post; history, pins and refusals.
	add(
		caseStep{name: "Acme answers", call: post("acme", one+"/posts", `{"body":"Looks right."}`), status: 201, check: func(m map[string]any) bool {
			return m["name"] == "Acme" && m["editable"] == true && m["version"] == 1.0
		}, save: func(m map[string]any) { e.vars["p2"] = num(m["id"]) }},
		caseStep{name: "Acme edits", call: patch("acme", one+"/posts/{p2}", `{"body":"Looks right to us.","version":1}`), status: 200,
			check: func(m map[string]any) bool { return m["version"] == 2.0 && m["edits"] == 1.0 && m["edited_at"] != nil }},
		caseStep{name: "a stale version", call: patch("acme", one+"/posts/{p2}", `{"body":"x","version":1}`), status: 409, code: "conflict", field: "version"},
		caseStep{name: "staff edits Acme's post", call: patch("staff", one+"/posts/{p2}", `{"body":"x","version":2}`), status: 403, code: "forbidden"},
		caseStep{name: "a read-only token posts", call: post("acme-ro", one+"/posts", `{"body":"x"}`), status: 403, code: "forbidden"},
		caseStep{name: "the history", call: get("staff", one+"/posts/{p2}/edits"), status: 200, check: func(m map[string]any) bool {
			edits := items(map[string]any{"items": m["edits"]})
			p, _ := m["post"].(map[string]any)
			return len(edits) == 1 && edits[0]["body"] == "Looks right." && p["body"] == "Looks right to us." && p["editable"] == false
		}},
		caseStep{name: "Acme pins", call: post("acme", p1+"/pin", `{"pinned":true}`), status: 403, code: "forbidden"},
		caseStep{name: "pin without saying", call: post("staff", p1+"/pin", `{}`), status: 422, code: "invalid", field: "pinned"},
		caseStep{name: "staff pins", call: post("staff", p1+"/pin", `{"pinned":true}`), status: 200, check: func(m map[string]any) bool { return m["pinned"] == true }},
		caseStep{name: "a page of one post", call: get("acme", one+"?limit=1"), status: 200, check: func(m map[string]any) bool {
			return len(items(map[string]any{"items": m["posts"]})) == 1 && m["next_cursor"] != nil && len(items(map[string]any{"items": m["pinned"]})) == 1
		}, save: func(m map[string]any) { e.vars["cursor"] = m["next_cursor"].(string) }},
		caseStep{name: "the next page", call: get("acme", one+"?limit=1&cursor={cursor}"), status: 200, check: func(m map[string]any) bool {
			posts := items(map[string]any{"items": m["posts"]})
			return len(posts) == 1 && posts[0]["body"] == "Looks right to us."
		}},
	)
	// Bad input, which writes nothing.
	before := journal()
	add(
		caseStep{name: "no title", call: post("staff", list, `{"body":"b"}`), status: 422, code: "invalid", field: "title"},
		caseStep{name: "unknown field", call: post("staff", list, `{"title":"T","body":"b","topic":"x"}`), status: 422, code: "invalid", field: "topic"},
		caseStep{name: "bad base64", call: post("acme", one+"/posts", `{"body":"b","attachments":[{"name":"a","data":"!!"}]}`),
			status: 422, code: "invalid", field: "attachments[0].data"},
		caseStep{name: "a file over the limit", call: post("acme", one+"/posts", `{"body":"b","attachments":[{"name":"a","data":"`+b64(strings.Repeat("a", 1025))+`"}]}`),
			status: 413, code: "too_large", field: "attachments[0]"},
		caseStep{name: "a participant of no case", call: post("staff", list, `{"title":"T","body":"b","with":[99999]}`), status: 422, code: "invalid", field: "with"},
		caseStep{name: "no such post", call: patch("acme", one+"/posts/99999", `{"body":"x","version":1}`), status: 404, code: "not_found"},
	)
	if got := journal(); got != before {
		t.Errorf("the refusals wrote %d journal entries", got-before)
	}
	// Vendors invite vendors only when the case allows it.
	add(
		caseStep{name: "Acme invites Globex", call: post("acme", list, `{"title":"Joint fix","body":"Shall we?","with":[{globexP}]}`),
			status: 403, code: "forbidden", field: "with"},
		caseStep{name: "Acme changes the setting", call: patch("acme", list+"/settings", `{"vendors_invite_vendors":true}`), status: 403, code: "forbidden"},
		caseStep{name: "a setting without a value", call: patch("staff", list+"/settings", `{}`), status: 422, code: "invalid", field: "vendors_invite_vendors"},
		caseStep{name: "staff allows it", call: patch("staff", list+"/settings", `{"vendors_invite_vendors":true}`), status: 200,
			check: func(m map[string]any) bool { return m["vendors_invite_vendors"] == true }},
		caseStep{name: "Acme invites Globex now", call: post("acme", list, `{"title":"Joint fix","body":"Shall we?","with":[{globexP}]}`), status: 201,
			check: func(m map[string]any) bool {
				acc, _ := m["access"].(map[string]any)
				return len(items(map[string]any{"items": m["members"]})) == 3 && sameStrings(strs(acc["actions"]), "post")
			}},
		caseStep{name: "Globex lists it", call: get("globex", list), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["title"] == "Joint fix" && l[0]["started_by_name"] == "Acme"
		}},
	)
	checkDownload(t, e)
}

// checkDownload fetches the first post's file as Acme: a download, never
// shown.
func checkDownload(t *testing.T, e *caseEnv) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+e.expand("/api/v1/cases/{key}/threads/{t}/posts/{p1}/attachments/{a1}"), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens["acme"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	h := resp.Header
	if resp.StatusCode != 200 || string(b) != "--- a\n+++ b\n" || h.Get("Content-Disposition") != `attachment; filename=fix.diff` ||
		h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("download: %d %q %v", resp.StatusCode, b, h)
	}
}
