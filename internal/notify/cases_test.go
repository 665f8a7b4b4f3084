package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/protocol"
)

// TestVendorNotice: adding vendors to a case mails each its security
// contact (or, without one, its admins) once, with no vulnerability detail,
// and records V; a vendor nobody can be written to is a failed delivery.
func TestVendorNotice(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	f := newFixture(t, now)
	ctx, db, orgs, cs, p := f.ctx, f.db, f.orgs, f.cases, f.root
	acme, _ := orgs.Create(ctx, p, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	globex, _ := orgs.Create(ctx, p, org.Fields{Name: "Globex", Kind: org.Vendor})
	if _, err := orgs.AddMember(ctx, p, globex.ID, "boss@globex.example", "Boss", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	silent, _ := orgs.Create(ctx, p, org.Fields{Name: "Initech", Kind: org.Vendor})
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Heap overflow in the DHCP client of SecretRouter 3000"})
	if err != nil {
		t.Fatal(err)
	}
	vendor := []cases.Role{cases.RoleVendor}
	if _, err := cs.AddParticipants(ctx, p, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: vendor}, {OrgID: globex.ID, Roles: vendor}, {OrgID: silent.ID, Roles: vendor}}); err != nil {
		t.Fatal(err)
	}
	srv, n, r := startNotifier(t, db, f.users, now)
	// Acme has an OpenPGP key on file for its security contact: its notice is
	// encrypted and carries the details.
	acmeKey, err := pgp.GenerateIdentity("Acme PSIRT", "psirt@acme.example", now())
	if err != nil {
		t.Fatal(err)
	}
	contacts := pgp.NewContacts(db, now)
	if _, err := contacts.Add(ctx, p.Actor(), pgp.Owner{Type: pgp.OwnerOrg, ID: acme.ID}, []byte(acmeKey.Key.Armored)); err != nil {
		t.Fatal(err)
	}
	keyring := pgp.NewKeyring(db, now, pgp.KeyringConfig{Name: "Parley", Email: "security@parley.test"})
	n.UseOpenPGP(keyring, contacts)
	n.Register(r)
	n.RegisterCases(r, cs)
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(3, 5*time.Second) // Globex's admin also gets an invitation
	notices, raw := map[string]string{}, map[string]string{}
	for _, m := range got {
		body := strings.ReplaceAll(string(m.Data), "=\r\n", "")
		if strings.Contains(body, c.Key) {
			notices[m.To[0]], raw[m.To[0]] = body, string(m.Data)
		}
	}
	if len(notices) != 2 || notices["psirt@acme.example"] == "" || notices["boss@globex.example"] == "" {
		t.Fatalf("notices went to %v", keys(notices))
	}
	for to, body := range notices {
		if strings.Contains(body, "DHCP") || strings.Contains(body, "SecretRouter") {
			t.Errorf("the notice to %s reveals the vulnerability in clear:\n%s", to, body)
		}
	}
	if !strings.Contains(notices["boss@globex.example"], "https://parley.test/cases/"+c.Key) {
		t.Errorf("no link in the plain notice:\n%s", notices["boss@globex.example"])
	}
	acmeMail := raw["psirt@acme.example"]
	if !strings.Contains(acmeMail, "multipart/encrypted") {
		t.Fatalf("Acme's notice is not PGP/MIME:\n%s", acmeMail)
	}
	start, end := strings.Index(acmeMail, "-----BEGIN PGP MESSAGE-----"), strings.Index(acmeMail, "-----END PGP MESSAGE-----")
	if start < 0 || end < start {
		t.Fatalf("no armoured message in:\n%s", acmeMail)
	}
	plain, err := pgp.Decrypt([]byte(acmeMail[start:end+len("-----END PGP MESSAGE-----")]), []*pgp.Identity{acmeKey}, nil, now())
	if err != nil {
		t.Fatal(err)
	}
	if text := string(plain.Plaintext); !strings.Contains(text, "SecretRouter") || !strings.Contains(text, "/cases/"+c.Key) {
		t.Errorf("the encrypted notice lacks the details:\n%s", text)
	}
	parts, err := cs.Participants(ctx, p, c.ID, cases.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, pt := range parts {
		if !pt.HasVFD {
			continue
		}
		notified := pt.VFD.Has(protocol.VendorAware)
		switch {
		case pt.Name == "Initech" && (notified || pt.DeliveryFailures != 1):
			t.Errorf("Initech: V %v, failures %d; want no V and one failure", notified, pt.DeliveryFailures)
		case pt.Name != "Initech" && (!notified || pt.ContactAttempts != 1 || pt.FirstContactAt.IsZero()):
			t.Errorf("%s: V %v, attempts %d", pt.Name, notified, pt.ContactAttempts)
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
