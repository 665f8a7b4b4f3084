package status

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Create records a vendor's statement on one product for one
// vulnerability of case caseID, as a draft. The vendor's first statement
// dates its statement in the case; any statement meets its open statement
// deadline.
func (s *Service) Create(ctx context.Context, p auth.Principal, caseID int64, f Fields) (Statement, error) {
	f, err := f.check()
	if err != nil {
		return Statement{}, err
	}
	var st Statement
	err = s.change(ctx, p, caseID, func(ctx context.Context, o *op) error {
		vendor, err := o.vendor(ctx, f.Participant)
		if err != nil {
			return err
		}
		if err := CanState(p, o.w.Access, vendor.ID, vendor.Roles); err != nil {
			return err
		}
		if err := vulnOfCase(ctx, o.tx, caseID, f.Vulnerability); err != nil {
			return err
		}
		if err := taken(ctx, o.tx, vendor.ID, f.Vulnerability, f.Product, 0); err != nil {
			return err
		}
		st = fill(Statement{CaseID: caseID, Participant: vendor.ID, Vulnerability: f.Vulnerability, CreatedAt: o.now, Version: 1}, f)
		if err := insertStatement(ctx, o.tx, &st, p.UserID); err != nil {
			return err
		}
		if st, err = o.reread(ctx, st.ID, vendor); err != nil {
			return err
		}
		if err := o.stated(ctx, caseID, vendor.ID); err != nil {
			return err
		}
		if st.Shared {
			if err := o.notice(ctx, st, vendor, EventShared); err != nil {
				return err
			}
		}
		return o.record(ctx, "status.stated", st, vendor, vendor.Name+" stated "+words(st))
	})
	return st, err
}

// Update changes a statement made at version patch.Version. A change of
// what would be published returns an approved statement to a draft (and
// changes the case's OpenVEX document); sharing it or not keeps its
// approval. A patch that changes nothing writes nothing.
func (s *Service) Update(ctx context.Context, p auth.Principal, caseID, id int64, patch Patch) (Statement, error) {
	if patch.Version <= 0 {
		return Statement{}, errs.Field("version", "is required: the version of the statement you edited")
	}
	var st Statement
	err := s.change(ctx, p, caseID, func(ctx context.Context, o *op) error {
		old, vendor, err := o.statement(ctx, id)
		if err != nil {
			return err
		}
		if err := CanEdit(p, o.w.Access, old.Participant, old.Shared, vendor.Roles); err != nil {
			return err
		}
		f, err := patch.apply(old).check()
		if err != nil {
			return err
		}
		if patch.Version != old.Version {
			return stale()
		}
		st = fill(old, f)
		if same(old, st) && old.Shared == st.Shared {
			return nil
		}
		st, err = o.update(ctx, old, st, vendor)
		return err
	})
	return st, err
}

// update writes the edit st of old and returns it as stored.
func (o *op) update(ctx context.Context, old, st Statement, vendor cases.Participant) (Statement, error) {
	if err := taken(ctx, o.tx, st.Participant, st.Vulnerability, st.Product, st.ID); err != nil {
		return st, err
	}
	st.UpdatedAt = o.now
	republish := !same(old, st)
	if republish {
		st.ApprovedAt, st.ApprovedBy = time.Time{}, ""
	}
	var err error
	if republish {
		err = updateStatement(ctx, o.tx, st, old.Version)
	} else {
		err = setShared(ctx, o.tx, st, old.Version)
	}
	if err != nil {
		return st, err
	}
	st.Version++
	if republish && old.Approval() == Approved {
		if err := o.bumpVEX(ctx, st.CaseID); err != nil {
			return st, err
		}
	}
	if err := o.stated(ctx, st.CaseID, st.Participant); err != nil {
		return st, err
	}
	if st.Shared && (!old.Shared || republish) {
		news := EventChanged
		if !old.Shared {
			news = EventShared
		}
		if err := o.notice(ctx, st, vendor, news); err != nil {
			return st, err
		}
	}
	return st, o.record(ctx, "status.updated", st, vendor, vendor.Name+" changed its statement to "+words(st))
}

// Approve approves statement id of case caseID for publication, or takes
// the approval back (approve false), if it is still at version. Either
// changes the case's OpenVEX document.
func (s *Service) Approve(ctx context.Context, p auth.Principal, caseID, id int64, version int, approve bool) (Statement, error) {
	if version <= 0 {
		return Statement{}, errs.Field("version", "is required: the version of the statement you read")
	}
	var st Statement
	err := s.change(ctx, p, caseID, func(ctx context.Context, o *op) error {
		old, vendor, err := o.statement(ctx, id)
		if err != nil {
			return err
		}
		if err := CanApprove(p, o.w.Access); err != nil {
			return err
		}
		if version != old.Version {
			return stale()
		}
		if approve == (old.Approval() == Approved) {
			return errs.E(errs.Conflict, "the statement is %s already", old.Approval())
		}
		st = old
		st.UpdatedAt, st.ApprovedAt, st.ApprovedBy = o.now, time.Time{}, ""
		action, text := "status.unapproved", "Approval withdrawn from the statement of "+vendor.Name
		if approve {
			st.ApprovedAt, st.ApprovedBy = o.now, p.Actor().Name
			action, text = "status.approved", "Statement of "+vendor.Name+" approved for publication ("+st.Status.Label()+")"
		}
		if err := setApproval(ctx, o.tx, st, p.UserID, old.Version); err != nil {
			return err
		}
		st.Version++
		if err := o.bumpVEX(ctx, caseID); err != nil {
			return err
		}
		if approve {
			if err := o.notice(ctx, st, vendor, EventApproved); err != nil {
				return err
			}
		}
		return o.record(ctx, action, st, vendor, text)
	})
	return st, err
}

// vendor is the participant a new statement is made for: id, or the one
// vendor of the case the principal acts for.
func (o *op) vendor(ctx context.Context, id int64) (cases.Participant, error) {
	ids := []int64{id}
	if id == 0 {
		ids = o.w.Access.Participants
	}
	if len(ids) == 0 {
		return cases.Participant{}, errs.E(errs.Forbidden, "you act for no vendor of this case")
	}
	named, err := cases.ParticipantsIn(ctx, o.tx, o.w.Case.ID, ids...)
	if err != nil || id != 0 {
		return named[id], err // a participant not in the case has no roles: CanState refuses it
	}
	var vendors []cases.Participant
	for _, pid := range ids {
		if pt := named[pid]; pt.Roles.Has(cases.RoleVendor) {
			vendors = append(vendors, pt)
		}
	}
	switch len(vendors) {
	case 0:
		return cases.Participant{}, errs.E(errs.Forbidden, "you act for no vendor of this case")
	case 1:
		return vendors[0], nil
	}
	return cases.Participant{}, errs.Field("participant_id", "you act for several vendors of this case: name the one that states it")
}

// statement reads statement id of the case with its vendor.
func (o *op) statement(ctx context.Context, id int64) (Statement, cases.Participant, error) {
	st, err := getStatement(ctx, o.tx, o.w.Case.ID, id)
	if err != nil {
		return st, cases.Participant{}, err
	}
	named, err := cases.ParticipantsIn(ctx, o.tx, o.w.Case.ID, st.Participant)
	st.Vendor = named[st.Participant].Name
	return st, named[st.Participant], err
}

// reread reads statement id as stored, with its vendor's name.
func (o *op) reread(ctx context.Context, id int64, vendor cases.Participant) (Statement, error) {
	st, err := getStatement(ctx, o.tx, o.w.Case.ID, id)
	st.Vendor = vendor.Name
	return st, err
}

// fill sets st's stated fields from f.
func fill(st Statement, f Fields) Statement {
	st.Product, st.PURL, st.CPE, st.Versions, st.FixedVersion = f.Product, f.PURL, f.CPE, f.Versions, f.FixedVersion
	st.Status, st.Justification, st.Action, st.Text = f.Status, f.Justification, f.Action, f.Text
	st.References, st.Shared = f.References, f.Shared
	return st
}

// same tells whether a and b state the same (what would be published).
func same(a, b Statement) bool {
	return a.Product == b.Product && a.PURL == b.PURL && a.CPE == b.CPE && a.Versions == b.Versions &&
		a.FixedVersion == b.FixedVersion && a.Status == b.Status && a.Justification == b.Justification &&
		a.Action == b.Action && a.Text == b.Text && slices.Equal(a.References, b.References)
}

// words says what a statement states, e.g. "fixed in 2.4.1".
func words(st Statement) string {
	switch st.Status {
	case NotAffected:
		return "not affected (" + st.Justification.Label() + ")"
	case Fixed:
		return "fixed in " + st.FixedVersion
	case Affected:
		if st.Versions != "" {
			return "affected (" + st.Versions + ")"
		}
	}
	return strings.ToLower(st.Status.Label())
}
