package api_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
)

// newNotificationEnv serves the API with the inbox: CERT's staff member
// and Acme's admin, each with a token, in a case {key} (Acme a vendor);
// Initech's admin ("outsider") takes no part in it. Acme's admin has
// three notifications ({n1} oldest to {n3}), the staff member one ({staffN}).
func newNotificationEnv(t *testing.T) (*caseEnv, *store.DB) {
	t.Helper()
	var box *inbox.Service
	f := newFixture(t, may1, func(f *fixture, d *api.Deps) {
		box = inbox.NewService(f.db, f.clock, pgp.NewContacts(f.db, f.clock))
		d.Inbox = box
	})
	f.signUp(t, certAndVendors[0], certAndVendors[1], certAndVendors[3])
	c, _ := f.openCase(t, cases.NewCase{Title: "Router login bypass"}, "acme")
	var list []inbox.Notice
	for i, subject := range []string{"first", "second", "third"} {
		list = append(list, inbox.Notice{UserID: f.userIDs["acme"], CaseID: c.ID, CaseKey: c.Key, Kind: "thread.post", Subject: "[" + c.Key + "] " + subject,
			Body: "Someone wrote.", Link: "/cases/" + c.Key + "/threads/1", Key: "job:" + itoa(int64(i))})
	}
	list = append(list, inbox.Notice{UserID: f.userIDs["staff"], Kind: "report.new", Subject: "[RPT-1] new report", Link: "/triage/1"})
	got, err := box.Record(context.Background(), list)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range got[:3] {
		f.vars["n"+itoa(int64(i+1))] = itoa(n.ID)
	}
	f.vars["staffN"] = itoa(got[3].ID)
	return f.caseEnv, f.db
}

func TestNotificationScenarios(t *testing.T) {
	t.Parallel()
	e, db := newNotificationEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	put := func(as, path, body string) call { return call{as: as, method: "PUT", path: path, body: body} }
	del := func(as, path string) call { return call{as: as, method: "DELETE", path: path} }
	list, settings := "/api/v1/me/notifications", "/api/v1/me/notification-settings"
	subjects := func(want ...string) func(m map[string]any) bool {
		return func(m map[string]any) bool {
			var got []string
			for _, n := range items(m) {
				s, _ := n["subject"].(string)
				got = append(got, s[strings.Index(s, "] ")+2:])
			}
			return strings.Join(got, ",") == strings.Join(want, ",")
		}
	}
	journal := func(action string) int {
		var n int
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM journal WHERE action = $1`, action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	acmeKey, err := pgp.GenerateIdentity("Acme PSIRT", "psirt@acme.example", time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	armored, _ := json.Marshal(map[string]string{"key": acmeKey.Key.Armored})
	otherKey, _ := pgp.GenerateIdentity("Eve", "eve@example.org", time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	otherArmored, _ := json.Marshal(map[string]string{"key": otherKey.Key.Armored})

	e.run(t, []caseStep{
		{name: "anonymous", call: get("", list), status: 401, code: "unauthenticated"},
		{name: "newest first", call: get("acme-ro", list), status: 200, check: subjects("third", "second", "first")},
		{name: "a page", call: get("acme", list+"?limit=2"), status: 200, check: func(m map[string]any) bool {
			it := items(m)
			if len(it) != 2 || m["next_cursor"] == "" || it[0]["unread"] != true || it[0]["mail"] != "pending" ||
				it[0]["case_key"] != e.vars["key"] || it[0]["link"] != "/cases/"+e.vars["key"]+"/threads/1" || it[0]["read_at"] != nil {
				return false
			}
			e.vars["cursor"] = m["next_cursor"].(string)
			return true
		}},
		{name: "the next page", call: get("acme", list+"?limit=2&cursor={cursor}"), status: 200, check: func(m map[string]any) bool {
			return subjects("first")(m) && m["next_cursor"] == nil
		}},
		{name: "bad unread filter", call: get("acme", list+"?unread=maybe"), status: 422, code: "invalid", field: "unread"},
		{name: "staff sees only its own", call: get("staff", list), status: 200, check: func(m map[string]any) bool {
			it := items(m)
			return len(it) == 1 && it[0]["kind"] == "report.new" && it[0]["case_key"] == nil
		}},
		{name: "read one", call: post("acme", list+"/{n2}/read", ""), status: 200, check: func(m map[string]any) bool {
			return m["unread"] == false && m["read_at"] != nil
		}},
		{name: "read another's", call: post("acme", list+"/{staffN}/read", ""), status: 404, code: "not_found"},
		{name: "read with a read-only token", call: post("acme-ro", list+"/{n1}/read", ""), status: 403, code: "forbidden"},
		{name: "no such notification", call: post("acme", list+"/0/read", ""), status: 404, code: "not_found"},
		{name: "unread only", call: get("acme", list+"?unread=true"), status: 200, check: subjects("third", "first")},
		{name: "read all", call: post("acme", list+"/read-all", ""), status: 200, check: func(m map[string]any) bool { return m["marked"] == float64(2) }},
		{name: "none unread", call: get("acme", list+"?unread=true"), status: 200, check: subjects()},
		{name: "the staff member's is unread still", call: get("staff", list+"?unread=true"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 1 }},

		{name: "default settings", call: get("acme", settings), status: 200, check: func(m map[string]any) bool {
			k, _ := m["keys"].([]any)
			mu, _ := m["mutes"].([]any)
			return m["mail"] == "immediately" && m["digest_hour"] == float64(7) && m["version"] == float64(0) && k != nil && len(k) == 0 && mu != nil && len(mu) == 0
		}},
		{name: "a weekly digest", call: put("acme", settings, `{"mail":"weekly"}`), status: 422, code: "invalid", field: "mail"},
		{name: "hour 24", call: put("acme", settings, `{"digest_hour":24}`), status: 422, code: "invalid", field: "digest_hour"},
		{name: "unknown field", call: put("acme", settings, `{"mute":true}`), status: 422, code: "invalid", field: "mute"},
		{name: "read-only token", call: put("acme-ro", settings, `{"mail":"none"}`), status: 403, code: "forbidden"},
		{name: "nothing was journaled", call: get("acme", settings), status: 200, check: func(map[string]any) bool {
			return journal("notification.settings_changed") == 0
		}},
		{name: "a daily digest at 18", call: put("acme", settings, `{"mail":"digest","digest_hour":18,"version":0}`), status: 200, check: func(m map[string]any) bool {
			return m["mail"] == "digest" && m["digest_hour"] == float64(18) && m["version"] == float64(1) && m["next_digest_at"] == "2026-05-01T18:00:00Z" &&
				journal("notification.settings_changed") == 1
		}},
		{name: "a stale version", call: put("acme", settings, `{"mail":"none","version":7}`), status: 409, code: "conflict"},
		{name: "only the hour", call: put("acme", settings, `{"digest_hour":6}`), status: 200, check: func(m map[string]any) bool {
			return m["mail"] == "digest" && m["digest_hour"] == float64(6) && m["next_digest_at"] == "2026-05-02T06:00:00Z"
		}},

		{name: "mute the case", call: put("acme", settings+"/mutes/{key}", ""), status: 204},
		{name: "mute it again", call: put("acme", settings+"/mutes/{key}", ""), status: 204},
		{name: "mute a case one does not see", call: put("outsider", settings+"/mutes/{key}", ""), status: 404, code: "not_found"},
		{name: "mute no case", call: put("acme", settings+"/mutes/PAR-1999-0001", ""), status: 404, code: "not_found"},
		{name: "the mute is listed", call: get("acme", settings), status: 200, check: func(m map[string]any) bool {
			mu, _ := m["mutes"].([]any)
			return len(mu) == 1 && mu[0].(map[string]any)["case_key"] == e.vars["key"] && journal("notification.case_muted") == 1
		}},
		{name: "unmute another's mute", call: del("staff", settings+"/mutes/{key}"), status: 404, code: "not_found"},
		{name: "unmute", call: del("acme", settings+"/mutes/{key}"), status: 204},
		{name: "unmute again", call: del("acme", settings+"/mutes/{key}"), status: 404, code: "not_found"},

		{name: "a key of another address", call: post("acme", settings+"/keys", string(otherArmored)), status: 422, code: "invalid", field: "key"},
		{name: "not a key", call: post("acme", settings+"/keys", `{"key":"hello"}`), status: 422, code: "invalid", field: "key"},
		{name: "a key", call: post("acme", settings+"/keys", string(armored)), status: 201, check: func(m map[string]any) bool {
			e.vars["keyID"] = num(m["id"])
			return m["fingerprint"] == acmeKey.Key.Fingerprint && m["usable"] == true && len(strs(m["user_ids"])) == 1
		}},
		{name: "the key is listed", call: get("acme-ro", settings), status: 200, check: func(m map[string]any) bool {
			k, _ := m["keys"].([]any)
			return len(k) == 1 && k[0].(map[string]any)["fingerprint"] == acmeKey.Key.Fingerprint
		}},
		{name: "another removes it", call: del("staff", settings+"/keys/{keyID}"), status: 404, code: "not_found"},
		{name: "remove it", call: del("acme", settings+"/keys/{keyID}"), status: 204},
		{name: "it is gone", call: get("acme", settings), status: 200, check: func(m map[string]any) bool {
			k, _ := m["keys"].([]any)
			return len(k) == 0
		}},
	})
}
