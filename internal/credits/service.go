package credits

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// Service keeps the credits of cases.
type Service struct {
	db    *store.DB
	now   func() time.Time
	cases *cases.Service
}

// NewService makes a Service on the cases of cs; now is the clock.
func NewService(db *store.DB, now func() time.Time, cs *cases.Service) *Service {
	return &Service{db: db, now: now, cases: cs}
}

// NewCredit is what Propose needs: a type and either an account (UserID)
// or a name (with an optional e-mail address).
type NewCredit struct {
	Type            Type
	UserID          int64
	Name            string
	Email           string
	Organisation    string
	VulnerabilityID int64
}

func (n NewCredit) check() (Credit, error) {
	c := Credit{UserID: n.UserID, VulnerabilityID: n.VulnerabilityID, Status: Proposed}
	var err error
	if c.Type, err = ParseType(string(n.Type)); err != nil {
		return c, err
	}
	if c.Name, err = checkLine("name", n.Name, MaxName, n.UserID == 0); err != nil {
		return c, err
	}
	if c.Email, err = checkEmail(n.Email); err != nil {
		return c, err
	}
	if n.UserID != 0 && (c.Name != "" || c.Email != "") {
		return c, errs.Field("name", "give an account or a name with an e-mail address, not both")
	}
	if n.UserID < 0 {
		return c, errs.Field("user_id", "is not an account of this instance")
	}
	if n.VulnerabilityID < 0 {
		return c, errs.Field("vulnerability_id", "is not a vulnerability of this case")
	}
	c.Organisation, err = checkLine("organisation", n.Organisation, MaxName, false)
	return c, err
}

// Propose adds a credit to case caseID, proposed to the credited.
func (s *Service) Propose(ctx context.Context, p auth.Principal, caseID int64, n NewCredit) (Credit, error) {
	c, err := n.check()
	if err != nil {
		return Credit{}, err
	}
	now := clock(s.now)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := CanManage(p, w.Access); err != nil {
			return err
		}
		if err := s.check(ctx, tx, &c, caseID); err != nil {
			return err
		}
		c.CaseID, c.CreatedBy, c.CreatedAt, c.UpdatedAt = caseID, p.UserID, now, now
		if c.ID, err = insertCredit(ctx, tx, c); err != nil {
			return err
		}
		if c, err = getCredit(ctx, tx, caseID, c.ID); err != nil {
			return err
		}
		return record(ctx, tx, now, p, c, "credit.proposed", fmt.Sprintf("%s proposed to %s", label(c), c.Who()), nil)
	})
	return c, err
}

// Patch is an edit of a credit by those who manage the case; nil fields
// stay. Status, Anonymous and PrintedName answer for a credit without an
// account, with a Reason.
type Patch struct {
	Version         int
	Type            *Type
	Name            *string
	Email           *string
	Organisation    *string
	VulnerabilityID *int64
	Status          *Status
	Anonymous       *bool
	PrintedName     *string
	Reason          string
}

// Edit changes credit id of case caseID, if it is still at
// patch.Version.
func (s *Service) Edit(ctx context.Context, p auth.Principal, caseID, id int64, patch Patch) (Credit, error) {
	var c Credit
	err := s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanManage(p, o.w.Access); err != nil {
			return err
		}
		next, answered, err := patch.apply(o.c)
		if err != nil {
			return err
		}
		if patch.Version != o.c.Version {
			return stale()
		}
		if err := s.check(ctx, o.tx, &next, caseID); err != nil {
			return err
		}
		if next == o.c {
			c = o.c
			return nil
		}
		next.UpdatedAt = o.now
		if err := updateCredit(ctx, o.tx, next, o.c.Version); err != nil {
			return err
		}
		if c, err = getCredit(ctx, o.tx, caseID, id); err != nil {
			return err
		}
		action, text := "credit.edited", label(c)+" edited"
		if answered {
			action = "credit." + string(c.Status)
			text = fmt.Sprintf("%s %s on behalf of %s: %s", label(c), c.Status, c.Who(), c.Reason)
		}
		return record(ctx, o.tx, o.now, p, c, action, text, map[string]any{"version": c.Version})
	})
	return c, err
}

// apply makes the edited credit; answered reports that the patch answers
// for the credited (status set).
func (patch Patch) apply(old Credit) (Credit, bool, error) {
	c := old
	var err error
	if patch.Type != nil {
		if c.Type, err = ParseType(string(*patch.Type)); err != nil {
			return c, false, err
		}
	}
	if patch.Name != nil || patch.Email != nil {
		if old.UserID != 0 {
			return c, false, errs.Field("name", "the credit names an account: withdraw it and propose another")
		}
		if patch.Name != nil {
			if c.Name, err = checkLine("name", *patch.Name, MaxName, true); err != nil {
				return c, false, err
			}
		}
		if patch.Email != nil {
			if c.Email, err = checkEmail(*patch.Email); err != nil {
				return c, false, err
			}
		}
	}
	if patch.Organisation != nil {
		if c.Organisation, err = checkLine("organisation", *patch.Organisation, MaxName, false); err != nil {
			return c, false, err
		}
	}
	if patch.VulnerabilityID != nil {
		if c.VulnerabilityID = *patch.VulnerabilityID; c.VulnerabilityID < 0 {
			return c, false, errs.Field("vulnerability_id", "is not a vulnerability of this case")
		}
	}
	answered := patch.Status != nil || patch.Anonymous != nil || patch.PrintedName != nil
	if !answered {
		if patch.Reason != "" {
			return c, false, errs.Field("reason", "goes with a status")
		}
		// What an account is credited for changed: its user answers again.
		if old.UserID != 0 && (c.Type != old.Type || c.VulnerabilityID != old.VulnerabilityID || c.Organisation != old.Organisation) {
			c.Status, c.Anonymous, c.PrintedName = Proposed, false, ""
		}
		return c, false, nil
	}
	if err := CanSetStatus(old); err != nil {
		return c, false, err
	}
	if patch.Status != nil {
		if c.Status, err = ParseStatus(string(*patch.Status)); err != nil {
			return c, false, err
		}
	}
	if patch.Anonymous != nil {
		c.Anonymous = *patch.Anonymous
	}
	if patch.PrintedName != nil {
		if c.PrintedName, err = checkLine("printed_name", *patch.PrintedName, MaxName, false); err != nil {
			return c, false, err
		}
	}
	if c.Reason, err = checkReason(patch.Reason, true); err != nil {
		return c, false, err
	}
	if c.Status != Accepted {
		if c.Anonymous || c.PrintedName != "" {
			return c, false, errs.Field("status", "only an accepted credit is anonymous or has a printed name")
		}
	}
	return c, true, nil
}

// Withdraw removes credit id of case caseID, if it is still at version.
func (s *Service) Withdraw(ctx context.Context, p auth.Principal, caseID, id int64, version int) error {
	return s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanManage(p, o.w.Access); err != nil {
			return err
		}
		if version != o.c.Version {
			return stale()
		}
		if err := deleteCredit(ctx, o.tx, id, version); err != nil {
			return err
		}
		return record(ctx, o.tx, o.now, p, o.c, "credit.withdrawn", label(o.c)+" withdrawn", nil)
	})
}

// Answer is the credited user's answer to a credit of his account.
type Answer struct {
	Accept bool
	// Anonymous and PrintedName go with an acceptance: published as
	// "Anonymous", or under the printed name ('' for the account's name).
	Anonymous   bool
	PrintedName string
	// Version, if not 0, is the version the answer was based on.
	Version int
}

// Answer accepts or declines credit id for its user p. p need not take part
// in the case; he may change his answer while the case is open.
func (s *Service) Answer(ctx context.Context, p auth.Principal, id int64, ans Answer) (Credit, error) {
	printed, err := checkLine("printed_name", ans.PrintedName, MaxName, false)
	if err != nil {
		return Credit{}, err
	}
	if !ans.Accept && (ans.Anonymous || printed != "") {
		return Credit{}, errs.Field("anonymous", "only an accepted credit is anonymous or has a printed name")
	}
	if ans.Anonymous {
		printed = ""
	}
	now := clock(s.now)
	var c Credit
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getCredit(ctx, tx, 0, id)
		if err != nil {
			return err
		}
		sees := false
		if old.UserID != p.UserID || p.Anonymous() {
			// Not his: refused, as forbidden to those who see the credit.
			if w, err := s.within(ctx, tx, p, old.CaseID); err == nil {
				sees = ViewOf(p, w.Access, old) == Whole
			}
			return CanAnswer(p, sees, old)
		}
		if err := CanAnswer(p, true, old); err != nil {
			return err
		}
		// The credited need not take part in the case: lock it without an
		// access check (CanAnswer decided), refusing a closed case.
		key, closed, err := s.cases.Lock(ctx, tx, old.CaseID)
		if err != nil {
			return err
		}
		if closed {
			return errs.E(errs.Conflict, "case %s is closed: its credits no longer change", key)
		}
		if ans.Version != 0 && ans.Version != old.Version {
			return stale()
		}
		next := old
		next.Status, next.Anonymous, next.PrintedName, next.Reason, next.UpdatedAt = Declined, false, "", "", now
		if ans.Accept {
			next.Status, next.Anonymous, next.PrintedName = Accepted, ans.Anonymous, printed
		}
		if err := updateCredit(ctx, tx, next, old.Version); err != nil {
			return err
		}
		if c, err = getCredit(ctx, tx, 0, id); err != nil {
			return err
		}
		text := fmt.Sprintf("%s %s by %s", label(c), c.Status, c.Who())
		if c.Status == Accepted {
			text += ", printed as " + c.Printed
		}
		return record(ctx, tx, now, p, c, "credit."+string(c.Status), text, map[string]any{"anonymous": c.Anonymous, "version": c.Version})
	})
	return c, err
}

// within is Within, refusing changes to a closed case.
func (s *Service) within(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64) (cases.Within, error) {
	w, err := s.cases.Within(ctx, tx, p, caseID)
	if err == nil && w.Closed {
		err = errs.E(errs.Conflict, "case %s is closed: its credits no longer change", w.Case.Key)
	}
	return w, err
}

// check checks what c refers to: its account, and its vulnerability in
// case caseID.
func (s *Service) check(ctx context.Context, tx *sql.Tx, c *Credit, caseID int64) error {
	if c.UserID != 0 {
		if _, err := userName(ctx, tx, c.UserID); err != nil {
			return err
		}
	}
	if c.VulnerabilityID != 0 {
		return vulnerabilityIn(ctx, tx, caseID, c.VulnerabilityID)
	}
	return nil
}

// op is one change to a credit, inside its transaction.
type op struct {
	tx  *sql.Tx
	now time.Time
	w   cases.Within
	c   Credit
}

// change runs fn on credit id of case caseID in one transaction, after
// locking the case; a credit p does not see does not exist.
func (s *Service) change(ctx context.Context, p auth.Principal, caseID, id int64, fn func(ctx context.Context, o *op) error) error {
	now := clock(s.now)
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		c, err := getCredit(ctx, tx, caseID, id)
		if err != nil {
			return err
		}
		if ViewOf(p, w.Access, c) == Hidden {
			return notFound()
		}
		return fn(ctx, &op{tx: tx, now: now, w: w, c: c})
	})
}

// record journals a change of credit c (object type "credit") and, when
// the credited account takes part in the case other than as a
// coordinator, writes it on the timeline for that participant alone.
func record(ctx context.Context, tx *sql.Tx, at time.Time, p auth.Principal, c Credit, action, text string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["case_id"], data["type"], data["status"] = c.CaseID, string(c.Type), string(c.Status)
	if _, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: p.Actor(), Action: action, ObjectType: "credit",
		ObjectID: strconv.FormatInt(c.ID, 10), Data: data}); err != nil {
		return err
	}
	if err := notice(ctx, tx, at, p, c, action); err != nil {
		return err
	}
	if c.UserID == 0 {
		return nil
	}
	pt, err := participantOf(ctx, tx, c.CaseID, c.UserID)
	if err != nil || pt == 0 {
		return err
	}
	return cases.RecordNote(ctx, tx, at, p.Actor(), c.CaseID, cases.Note{Action: action, Participant: pt, Text: text})
}

// label names a credit on the timeline, e.g. `Credit #3 (Finder)`.
func label(c Credit) string {
	return fmt.Sprintf("Credit #%d (%s)", c.ID, c.Type.Label())
}
