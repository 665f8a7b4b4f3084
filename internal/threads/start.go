package threads

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// NewThread is what Start needs.
type NewThread struct {
	Title    string
	Body     string // the first post, Markdown
	Audience Audience
	// With are the participants a listed thread names besides the
	// coordinators (who read every thread) and the one it is started as.
	With []int64
	// As is the participant that starts it: 0 for the one the principal
	// acts for (for those who manage the case, their one coordinator
	// participant, or none).
	As          int64
	Attachments []NewAttachment
}

// checked validates what needs no database.
func (nt NewThread) checked(l Limits) (NewThread, error) {
	var err error
	if nt.Title, err = checkTitle(nt.Title); err != nil {
		return nt, err
	}
	if nt.Body, err = checkBody(nt.Body); err != nil {
		return nt, err
	}
	if nt.Audience, err = ParseAudience(string(nt.Audience)); err != nil {
		return nt, err
	}
	nt.With = unique(nt.With)
	switch {
	case len(nt.With) > MaxWith:
		return nt, errs.Field("with", "name at most %d participants", MaxWith)
	case nt.Audience == AudienceCase && len(nt.With) > 0:
		return nt, errs.Field("with", "a thread with the whole case names nobody: choose the audience listed")
	}
	nt.Attachments, err = checkAttachments(nt.Attachments, l)
	return nt, err
}

// Start opens a thread in case caseID with its first post.
func (s *Service) Start(ctx context.Context, p auth.Principal, caseID int64, in NewThread) (Thread, error) {
	nt, err := in.checked(s.limits)
	if err != nil {
		return Thread{}, err
	}
	now := s.clock()
	var t Thread
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		all, err := caseMembers(ctx, tx, caseID)
		if err != nil {
			return err
		}
		set, err := settingsOf(ctx, tx, caseID)
		if err != nil {
			return err
		}
		as, members, err := chooseAudience(p, w.Access, all, set, nt)
		if err != nil {
			return err
		}
		if err := needOpen(w); err != nil {
			return err
		}
		if t, err = insertThread(ctx, tx, now, p, w.Case, nt, as, members); err != nil {
			return err
		}
		aud := audienceOf(all, t)
		post, err := insertPost(ctx, tx, now, p, t, aud, as.ID, nt.Body, nt.Attachments)
		if err != nil {
			return err
		}
		if err := startNote(ctx, tx, now, p.Actor(), t, startedBy(p, as)); err != nil {
			return err
		}
		t.Posts, t.LastPostAt = 1, now
		return enqueue(ctx, tx, now, Event{ThreadID: t.ID, CaseID: caseID, PostID: post.ID, By: as.ID, ByUser: p.UserID, Started: true})
	})
	return t, err
}

// chooseAudience decides whom the thread is started as and whom it lists
// (the starter among them unless a coordinator), after CanStart. A
// participant the principal may not invite is as unknown as one not in
// the case.
func chooseAudience(p auth.Principal, a cases.Access, all []member, set Settings, nt NewThread) (Named, []int64, error) {
	byID := map[int64]member{}
	for _, m := range all {
		byID[m.ID] = m
	}
	as, err := starter(p, a, byID, nt.As)
	if err != nil {
		return as, nil, err
	}
	others := false
	for _, id := range nt.With {
		if m, ok := byID[id]; id != as.ID && (!ok || !m.Coordinator) {
			others = true
		}
	}
	if err := CanStart(p, a, Start{Audience: nt.Audience, As: as, Others: others, VendorsInviteVendors: set.VendorsInviteVendors}); err != nil {
		return as, nil, err
	}
	var members []int64
	if nt.Audience == AudienceListed && as.ID != 0 && !as.Coordinator {
		members = append(members, as.ID)
	}
	for _, id := range nt.With {
		m, ok := byID[id]
		switch {
		case ok && (m.Coordinator || id == as.ID):
			continue // in the audience anyway
		case !ok || !Invitable(p, a, as, set.VendorsInviteVendors, m.Named):
			return as, nil, errs.Field("with", "there is no participant %d in this case that you may name", id)
		}
		members = append(members, id)
	}
	return as, members, nil
}

// starter is the participant a thread is started as: as if given (one
// the principal acts for), else the one it acts for; those who manage the
// case start as their one coordinator participant, or as none.
func starter(p auth.Principal, a cases.Access, byID map[int64]member, as int64) (Named, error) {
	if as != 0 {
		m, ok := byID[as]
		if !ok || !a.Acts(as) {
			return Named{}, &errs.Error{Kind: errs.Forbidden, Field: "as", Message: "start a thread as a participant you act for"}
		}
		return m.Named, nil
	}
	var mine, coordinators []Named
	for _, id := range a.Participants {
		if m, ok := byID[id]; ok {
			mine = append(mine, m.Named)
			if m.Coordinator {
				coordinators = append(coordinators, m.Named)
			}
		}
	}
	if cases.Manages(p, a) {
		mine = coordinators
	}
	switch len(mine) {
	case 0:
		return Named{}, nil // CanStart refuses it unless p manages the case
	case 1:
		return mine[0], nil
	}
	return Named{}, errs.Field("as", "you act for several participants of the case: name the one that starts the thread")
}

// insertThread writes the thread and its listed participants.
func insertThread(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, c cases.Case, nt NewThread, as Named, members []int64) (Thread, error) {
	t := Thread{CaseID: c.ID, CaseKey: c.Key, Title: nt.Title, Audience: nt.Audience, Members: members, StartedBy: as.ID,
		StartedByUser: p.UserID, Author: p.Actor().Name, CreatedAt: now, LastPostAt: now, Version: 1}
	err := tx.QueryRowContext(ctx, `INSERT INTO threads (case_id, title, audience, started_by_participant, started_by_user, author,
		created_at, last_post_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
		c.ID, t.Title, string(t.Audience), nullID(as.ID), nullID(p.UserID), t.Author, now).Scan(&t.ID)
	if err != nil {
		return t, err
	}
	for _, id := range members {
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_members (thread_id, participant_id) VALUES ($1, $2)`, t.ID, id); err != nil {
			return t, err
		}
	}
	return t, nil
}

// startedBy names who started a thread on the timeline.
func startedBy(p auth.Principal, as Named) string {
	if as.Name != "" {
		return as.Name
	}
	return p.Actor().Name
}

// startNote writes the thread's start on the case timeline where only its
// audience sees it: about the case for a thread with the whole case
// (those bound by an embargo they have not accepted do not see such
// entries), else one entry per listed participant (each shows to it and
// to those who manage the case). A thread among coordinators alone is
// journaled about the thread instead.
func startNote(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, t Thread, by string) error {
	text := fmt.Sprintf("Thread %q started by %s", t.Title, by)
	if t.Audience == AudienceCase {
		return cases.RecordNote(ctx, tx, at, actor, t.CaseID, cases.Note{Action: "thread.started", Text: text})
	}
	for _, id := range t.Members {
		if err := cases.RecordNote(ctx, tx, at, actor, t.CaseID, cases.Note{Action: "thread.started", Participant: id, Text: text}); err != nil {
			return err
		}
	}
	if len(t.Members) > 0 {
		return nil
	}
	return appendEntry(ctx, tx, at, actor, "thread.started", t, map[string]any{"text": text})
}
