package notify_test

import (
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/threads"
)

// inboxWorld is an instance whose notices to accounts go through the
// inbox: CERT (security contact cert@cert.example, staff member Sam)
// coordinates a case with Acme, which has no security contact, so its
// notices go to its admins Lee, Kim, Max and Ned, accounts all.
type inboxWorld struct {
	*fixture
	at       time.Time
	srv      *mailtest.Server
	r        *jobs.Runner
	n        *notify.Notifier
	box      *inbox.Service
	contacts *pgp.Contacts
	c        cases.Case
	acme     cases.Participant
	who      map[string]auth.Principal // by first name, lower case
	sent     int                       // messages already looked at
}

func newInboxWorld(t *testing.T) *inboxWorld {
	t.Helper()
	w := &inboxWorld{at: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), who: map[string]auth.Principal{}}
	now := func() time.Time { return w.at }
	w.fixture = newFixture(t, now)
	w.contacts = pgp.NewContacts(w.db, now)
	w.box = inbox.NewService(w.db, now, w.contacts)
	cert, _ := w.orgs.Create(w.ctx, w.root, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := w.orgs.Create(w.ctx, w.root, org.Fields{Name: "Acme", Kind: org.Vendor})
	member := func(o org.Org, name string, role auth.OrgRole) {
		email := name + "@" + strings.ToLower(o.Name) + ".example"
		m, err := w.orgs.AddMember(w.ctx, w.root, o.ID, email, name, role)
		if err != nil {
			t.Fatal(err)
		}
		roles, _ := w.orgs.RolesOf(w.ctx, m.UserID)
		w.who[name] = auth.Principal{UserID: m.UserID, Email: email, Name: name, Orgs: roles}
	}
	member(cert, "sam", auth.OrgMember)
	for _, name := range []string{"lee", "kim", "max", "ned"} {
		member(acme, name, auth.OrgAdmin)
	}
	c, err := w.cases.Create(w.ctx, w.root, cases.NewCase{Title: "Heap overflow in SecretRouter 3000", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	w.c = c
	parts, err := w.cases.AddParticipants(w.ctx, w.root, w.c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err != nil {
		t.Fatal(err)
	}
	w.acme = parts[0]
	w.srv, w.n, w.r = startNotifier(t, w.db, w.users, now)
	w.n.Register(w.r)
	w.n.UseOpenPGP(pgp.NewKeyring(w.db, now, pgp.KeyringConfig{Name: "Parley", Email: "security@parley.test"}), w.contacts)
	w.n.UseInbox(w.r, w.box, w.orgs)
	w.n.RegisterCases(w.r, w.cases)
	w.n.RegisterNews(w.r, w.cases)
	w.r.Handle(inbox.JobSweep, w.box.SweepJob)
	return w
}

// drain runs the due jobs and returns the messages they sent, by
// recipient (bodies with soft line breaks undone).
func (w *inboxWorld) drain() map[string][]string {
	w.t.Helper()
	if _, err := w.r.Drain(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	got := w.srv.Messages()
	out := map[string][]string{}
	for _, m := range got[w.sent:] {
		out[m.To[0]] = append(out[m.To[0]], strings.ReplaceAll(string(m.Data), "=\r\n", ""))
	}
	w.sent = len(got)
	return out
}

func (w *inboxWorld) list(name string) []inbox.Notification {
	w.t.Helper()
	list, err := w.box.List(w.ctx, w.who[name], inbox.Filter{})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

// TestNoticesToAccounts: the first notice to a vendor is a contact
// attempt, mailed to every admin at once whatever they prefer; after that
// each account's notices follow its preferences: Lee's mail comes at once,
// encrypted to the key on file; Kim's waits for the digest; Max wants no
// mail; Ned muted the case, so his notice is listed read. The security
// contact of CERT, an outside address, is mailed at once. A job run again
// neither lists nor mails an account's notice twice; account-security mail
// reaches Max even so.
func TestNoticesToAccounts(t *testing.T) {
	w := newInboxWorld(t)
	first := w.drain() // invitations and the vendor notice
	for _, name := range []string{"lee", "kim", "max", "ned"} {
		addr := name + "@acme.example"
		if len(first[addr]) != 2 || !strings.Contains(strings.Join(first[addr], "\n"), "a vulnerability report may concern Acme") {
			t.Fatalf("%s got %d mails:\n%s", addr, len(first[addr]), strings.Join(first[addr], "\n----\n"))
		}
		if list := w.list(name); len(list) != 1 || list[0].Kind != cases.JobVendorNotice || list[0].Delivery != inbox.Sent || list[0].Link != "/cases/"+w.c.Key {
			t.Fatalf("%s's notifications after the vendor notice: %+v", name, list)
		}
	}
	leeKey, err := pgp.GenerateIdentity("Lee", "lee@acme.example", w.at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.box.AddKey(w.ctx, w.who["lee"], []byte(leeKey.Key.Armored)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.box.SetSettings(w.ctx, w.who["kim"], inbox.Patch{Mail: ptr(inbox.Daily), DigestHour: ptr(18)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.box.SetSettings(w.ctx, w.who["max"], inbox.Patch{Mail: ptr(inbox.NoMail)}); err != nil {
		t.Fatal(err)
	}
	if err := w.box.Mute(w.ctx, w.who["ned"], w.c.ID, w.c.Key); err != nil {
		t.Fatal(err)
	}

	ts := threads.NewService(w.db, func() time.Time { return w.at }, w.cases, threads.Config{})
	w.n.RegisterThreads(w.r, ts, w.cases)
	if _, err := ts.Start(w.ctx, w.who["sam"], w.c.ID, threads.NewThread{Title: "Patch review", With: []int64{w.acme.ID},
		Body: "The SecretRouter diff is attached."}); err != nil {
		t.Fatal(err)
	}
	got := w.drain()
	if len(got["lee@acme.example"]) != 1 || len(got["kim@acme.example"])+len(got["max@acme.example"])+len(got["ned@acme.example"]) != 0 {
		t.Fatalf("thread notices went to %v", keysOf(got))
	}
	lee := got["lee@acme.example"][0]
	if !strings.Contains(lee, "multipart/encrypted") || !strings.Contains(lee, "Subject: ["+w.c.Key+"] Encrypted message") || strings.Contains(lee, "Patch review") {
		t.Fatalf("Lee's mail is not encrypted:\n%s", lee)
	}
	if plain := w.decrypt("lee@acme.example", leeKey); !strings.Contains(plain, "Patch review") || !strings.Contains(plain, "started a discussion thread") {
		t.Fatalf("Lee's mail decrypted:\n%s", plain)
	}
	for name, want := range map[string]struct {
		d      inbox.Delivery
		unread bool
	}{"lee": {inbox.Sent, true}, "kim": {inbox.Digest, true}, "max": {inbox.None, true}, "ned": {inbox.None, false}} {
		list := w.list(name)
		if len(list) != 2 || list[0].Kind != threads.JobPost || list[0].Delivery != want.d || list[0].Unread() != want.unread ||
			!strings.Contains(list[0].Subject, "Patch review") || !strings.HasPrefix(list[0].Link, "/cases/"+w.c.Key+"/threads/") {
			t.Errorf("%s's notifications: %+v", name, list)
		}
	}

	// The thread job runs again (as after a crash): the accounts are
	// neither listed nor mailed again.
	if err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(w.ctx, `UPDATE jobs SET state = 'pending', run_at = $1 WHERE kind = $2`, w.at, threads.JobPost)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if again := w.drain(); len(again) != 0 {
		t.Fatalf("a retry mailed %v", keysOf(again))
	}
	if list := w.list("lee"); len(list) != 2 {
		t.Fatalf("a retry listed Lee's notice again: %d", len(list))
	}

	// Kim's digest at 18:00 UTC lists the post without its text.
	w.at = time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)
	if n, err := w.box.Sweep(w.ctx, w.at); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
	digest := w.drain()
	kim := strings.Join(digest["kim@acme.example"], "")
	if len(digest) != 1 || !strings.Contains(kim, "Subject: Parley: your daily digest, 1 notice") || !strings.Contains(kim, "Patch review") ||
		!strings.Contains(kim, "https://parley.test/cases/"+w.c.Key+"/threads/") || strings.Contains(kim, "SecretRouter") {
		t.Fatalf("digest to %v:\n%s", keysOf(digest), kim)
	}
	if list := w.list("kim"); list[0].Delivery != inbox.Sent {
		t.Fatalf("Kim's notice after the digest: %+v", list[0])
	}
	if n, _ := w.box.Sweep(w.ctx, w.at); n != 0 {
		t.Fatalf("a second sweep enqueued %d digests", n)
	}

	// With a key on file, the next digest is encrypted and carries the
	// notices' texts.
	kimKey, _ := pgp.GenerateIdentity("Kim", "kim@acme.example", w.at)
	if _, err := w.box.AddKey(w.ctx, w.who["kim"], []byte(kimKey.Key.Armored)); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Start(w.ctx, w.who["sam"], w.c.ID, threads.NewThread{Title: "Release date", With: []int64{w.acme.ID}, Body: "When?"}); err != nil {
		t.Fatal(err)
	}
	w.drain()
	w.at = time.Date(2026, 5, 2, 18, 30, 0, 0, time.UTC)
	if n, err := w.box.Sweep(w.ctx, w.at); err != nil || n != 1 {
		t.Fatalf("the next day's sweep: %d %v", n, err)
	}
	digest = w.drain()
	kim = strings.Join(digest["kim@acme.example"], "")
	if !strings.Contains(kim, "multipart/encrypted") || !strings.Contains(kim, "Subject: Parley: your daily digest") || strings.Contains(kim, "Release date") {
		t.Fatalf("the encrypted digest:\n%s", kim)
	}
	if plain := w.decrypt("kim@acme.example", kimKey); !strings.Contains(plain, "Release date") || !strings.Contains(plain, "started a discussion thread") ||
		strings.Contains(plain, "Patch review") {
		t.Fatalf("the encrypted digest decrypted:\n%s", plain)
	}

	// Account-security mail ignores the preferences.
	if err := w.users.RequestReset(w.ctx, "max@acme.example"); err != nil {
		t.Fatal(err)
	}
	if reset := w.drain(); len(reset["max@acme.example"]) != 1 || !strings.Contains(reset["max@acme.example"][0], "reset your password") {
		t.Fatalf("Max's password reset: %v", keysOf(reset))
	}
}

// TestCreditAndStatementNews: a credit proposed to an account tells it;
// an answer of its own does not. A statement Acme shares tells the other
// participants (CERT's security contact), its approval tells Acme.
func TestCreditAndStatementNews(t *testing.T) {
	w := newInboxWorld(t)
	w.drain()
	fay, err := w.users.CreateUser(w.ctx, w.root, auth.NewUser{Email: "fay@example.net", Name: "Fay", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.who["fay"] = auth.Principal{UserID: fay.ID, Email: fay.Email, Name: fay.Name}
	w.drain() // Fay's invitation
	clock := func() time.Time { return w.at }
	cr := credits.NewService(w.db, clock, w.cases)
	c, err := cr.Propose(w.ctx, w.root, w.c.ID, credits.NewCredit{Type: credits.Finder, UserID: fay.ID})
	if err != nil {
		t.Fatal(err)
	}
	got := w.drain()
	mailFay := strings.Join(got["fay@example.net"], "")
	if len(got) != 1 || !strings.Contains(mailFay, "a credit was proposed to you") || !strings.Contains(mailFay, "Finder") ||
		!strings.Contains(mailFay, "https://parley.test/credits") {
		t.Fatalf("credit notice to %v:\n%s", keysOf(got), mailFay)
	}
	if list := w.list("fay"); len(list) != 1 || list[0].Kind != "credit.proposed" || list[0].CaseKey != w.c.Key || list[0].Link != "/credits" {
		t.Fatalf("Fay's notifications: %+v", list)
	}
	if _, err := cr.Answer(w.ctx, w.who["fay"], c.ID, credits.Answer{Accept: true}); err != nil {
		t.Fatal(err)
	}
	if got := w.drain(); len(got) != 0 {
		t.Fatalf("Fay's own answer mailed %v", keysOf(got))
	}

	st := status.NewService(w.db, clock, w.cases, status.Config{})
	vuln, err := w.cases.AddVulnerability(w.ctx, w.root, w.c.ID, cases.VulnFields{Title: "Heap overflow"})
	if err != nil {
		t.Fatal(err)
	}
	stmt, err := st.Create(w.ctx, w.who["lee"], w.c.ID, status.Fields{Vulnerability: vuln.ID, Product: "SecretRouter 3000",
		Status: status.Fixed, FixedVersion: "3.1", Shared: true})
	if err != nil {
		t.Fatal(err)
	}
	got = w.drain()
	cert := strings.Join(got["cert@cert.example"], "")
	if len(got["cert@cert.example"]) != 1 || !strings.Contains(cert, "Acme shared a vendor statement") || strings.Contains(cert, "3.1") ||
		len(got["lee@acme.example"]) != 0 {
		t.Fatalf("statement shared: mail to %v:\n%s", keysOf(got), cert)
	}
	if _, err := st.Approve(w.ctx, w.root, w.c.ID, stmt.ID, stmt.Version, true); err != nil {
		t.Fatal(err)
	}
	got = w.drain()
	if len(got["lee@acme.example"]) != 1 || !strings.Contains(got["lee@acme.example"][0], "your vendor statement was approved") || len(got["cert@cert.example"]) != 0 {
		t.Fatalf("approval: mail to %v", keysOf(got))
	}
	if list := w.list("kim"); len(list) != 2 || list[0].Kind != "status.approved" || list[0].Link != "/cases/"+w.c.Key+"/status" {
		t.Fatalf("Kim's notifications: %+v", list)
	}
}

func ptr[T any](v T) *T { return &v }

func keysOf(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// decrypt returns the plain text of the last message to addr, a PGP/MIME
// message encrypted to id.
func (w *inboxWorld) decrypt(addr string, id *pgp.Identity) string {
	w.t.Helper()
	var raw string
	for _, m := range w.srv.Messages() {
		if m.To[0] == addr {
			raw = strings.ReplaceAll(string(m.Data), "\r\n", "\n")
		}
	}
	from := strings.Index(raw, "-----BEGIN PGP MESSAGE-----")
	to := strings.Index(raw, "-----END PGP MESSAGE-----")
	if from < 0 || to < from {
		w.t.Fatalf("no OpenPGP message in:\n%s", raw)
	}
	d, err := pgp.Decrypt([]byte(raw[from:to+len("-----END PGP MESSAGE-----")]), []*pgp.Identity{id}, nil, w.at)
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.ReplaceAll(string(d.Plaintext), "=\r\n", "")
}

// TestVendorNoticeListedForAdmins: a vendor with a security contact gets
// its notice there; its admins find the notice in Parley, unmailed (their
// contact address was told), and its members who are not admins do not.
func TestVendorNoticeListedForAdmins(t *testing.T) {
	w := newInboxWorld(t)
	w.drain()
	bolt, err := w.orgs.Create(w.ctx, w.root, org.Fields{Name: "Bolt", Kind: org.Vendor, SecurityEmail: "psirt@bolt.example"})
	if err != nil {
		t.Fatal(err)
	}
	ava, err := w.orgs.AddMember(w.ctx, w.root, bolt.ID, "ava@bolt.example", "Ava", auth.OrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	dev, err := w.orgs.AddMember(w.ctx, w.root, bolt.ID, "dev@bolt.example", "Dev", auth.OrgMember)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.cases.AddParticipants(w.ctx, w.root, w.c.ID, []cases.NewParticipant{{OrgID: bolt.ID, Roles: []cases.Role{cases.RoleVendor}}}); err != nil {
		t.Fatal(err)
	}
	got := w.drain()
	if len(got["psirt@bolt.example"]) != 1 || !strings.Contains(got["psirt@bolt.example"][0], "a vulnerability report may concern Bolt") {
		t.Fatalf("the security contact got %q", got["psirt@bolt.example"])
	}
	for _, m := range got["ava@bolt.example"] {
		if strings.Contains(m, "may concern Bolt") {
			t.Fatal("the admin was mailed the notice too")
		}
	}
	list, err := w.box.List(w.ctx, auth.Principal{UserID: ava.UserID, Email: ava.Email}, inbox.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Kind != cases.JobVendorNotice || list[0].Delivery != inbox.None || !list[0].ReadAt.IsZero() || list[0].Link != "/cases/"+w.c.Key {
		t.Fatalf("Ava's notifications: %+v", list)
	}
	if list, err := w.box.List(w.ctx, auth.Principal{UserID: dev.UserID, Email: dev.Email}, inbox.Filter{}); err != nil || len(list) != 0 {
		t.Fatalf("Dev's notifications: %+v, %v", list, err)
	}
}
