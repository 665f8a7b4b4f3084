package main

import (
	"context"
	"fmt"
	"io"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// demoPassword is the password of every demo account; the demo is for
// trying Parley on one's own machine, never for a public server.
const demoPassword = "parley-demo-password"

type demoOrg struct {
	fields  org.Fields
	members []demoUser
}

type demoUser struct {
	email, name string
	role        auth.OrgRole
	staff       bool
}

func demoData() []demoOrg {
	return []demoOrg{
		{org.Fields{Name: "Demo CERT", Kind: org.Coordinator, Website: "https://cert.example.org", SecurityEmail: "cert@cert.example.org",
			Description: "A national CSIRT coordinating multi-vendor disclosures."},
			[]demoUser{{"coordinator@cert.example.org", "Casey Coordinator", auth.OrgAdmin, true}}},
		{org.Fields{Name: "Acme Routers", Kind: org.Vendor, Website: "https://acme.example.com", SecurityEmail: "psirt@acme.example.com",
			Description: "Maker of home and small-office routers."},
			[]demoUser{{"psirt@acme.example.com", "Avery (Acme PSIRT)", auth.OrgAdmin, false}, {"dev@acme.example.com", "Dana Developer", auth.OrgMember, false}}},
		{org.Fields{Name: "Globex Firmware", Kind: org.Vendor, Website: "https://globex.example.net", SecurityEmail: "security@globex.example.net",
			Description: "Supplier of an embedded TCP/IP stack used by many device vendors."},
			[]demoUser{{"security@globex.example.net", "Gil (Globex Security)", auth.OrgAdmin, false}}},
		{org.Fields{Name: "Night Owl Research", Kind: org.Research, Description: "An independent security research team."},
			[]demoUser{{"finder@nightowl.example", "Robin Reporter", auth.OrgAdmin, false}}},
		{org.Fields{Name: "Energy ISAC", Kind: org.ISAC, Description: "Information sharing for the energy sector."},
			[]demoUser{{"analyst@energy-isac.example", "Ira Analyst", auth.OrgAdmin, false}}},
	}
}

// seedDemo fills an empty instance with a realistic sample: a coordinator
// team, vendors with users, a research team and an ISAC.
func seedDemo(ctx context.Context, a *app, w io.Writer) error {
	empty, err := a.users.NeedsSetup(ctx)
	if err != nil {
		return err
	}
	if !empty {
		fmt.Fprintln(w, "demo: this instance has users already; no demo data added")
		return nil
	}
	admin, err := a.users.CreateAdmin(ctx, auth.NewUser{Email: "admin@cert.example.org", Name: "Ada Admin", Password: demoPassword, Admin: true, Staff: true})
	if err != nil {
		return err
	}
	ap := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	fmt.Fprintf(w, "Demo accounts (password %q for all):\n  %-32s administrator\n", demoPassword, admin.Email)
	ids := map[string]int64{}
	for _, d := range demoData() {
		o, err := a.orgs.Create(ctx, ap, d.fields)
		if err != nil {
			return err
		}
		ids[o.Name] = o.ID
		for _, m := range d.members {
			u, err := a.users.CreateUser(ctx, ap, auth.NewUser{Email: m.email, Name: m.name, Password: demoPassword, Staff: m.staff})
			if err != nil {
				return err
			}
			if _, err := a.orgs.AddMember(ctx, ap, o.ID, u.Email, u.Name, m.role); err != nil {
				return err
			}
			role := string(m.role) + " of " + o.Name
			if m.staff {
				role += ", coordinator staff"
			}
			fmt.Fprintf(w, "  %-32s %s\n", u.Email, role)
		}
	}
	if err := demoCase(ctx, a, ap, ids, w); err != nil {
		return err
	}
	if _, err := a.orgs.SaveProgram(ctx, ap, ids["Demo CERT"], demoProgram); err != nil {
		return err
	}
	fmt.Fprintln(w, "Demo CERT's disclosure program: /programs/demo-cert")
	if a.cfg.RequireTOTP {
		fmt.Fprintln(w, "Staff and administrators set up two-factor authentication at their first sign-in.")
	}
	return nil
}

// demoCase opens a multi-vendor case led by Demo CERT: a flaw in Globex's
// TCP/IP stack that Acme's routers embed (a vertical supply chain).
func demoCase(ctx context.Context, a *app, ap auth.Principal, ids map[string]int64, w io.Writer) error {
	c, err := a.cases.Create(ctx, ap, cases.NewCase{
		Title:   "Out-of-bounds write in an embedded TCP/IP stack",
		Summary: "Reported by Night Owl Research. Globex ships the stack; Acme's routers embed it.",
		Vulnerabilities: []cases.VulnFields{{Title: "Out-of-bounds write when reassembling IPv6 fragments", CWE: "CWE-787",
			CVSS31Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},
		CoordinatorOrgID: ids["Demo CERT"],
	})
	if err != nil {
		return err
	}
	vendor, reporter := []cases.Role{cases.RoleVendor}, []cases.Role{cases.RoleReporter}
	_, err = a.cases.AddParticipants(ctx, ap, c.ID, []cases.NewParticipant{
		{OrgID: ids["Globex Firmware"], Roles: vendor}, {OrgID: ids["Acme Routers"], Roles: vendor}, {OrgID: ids["Night Owl Research"], Roles: reporter}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Demo case %s with two vendors and a reporter.\n", c.Key)
	return nil
}

// demoProgram is Demo CERT's published program: a coordinator's, naming no
// vendor, with the default safe-harbour terms.
var demoProgram = org.ProgramFields{Slug: "demo-cert", Published: true,
	ScopeIn:     "Vulnerabilities in products and services of vendors in our constituency, and in the open-source components they share.",
	ScopeOut:    "Denial of service by traffic volume, social engineering, physical attacks, and findings in our own web site (write to us directly).",
	SafeHarbour: org.DefaultSafeHarbour,
	Notes:       "Write in English or German. Encrypt to our OpenPGP key (/pgp-key.asc) if you e-mail us."}
