package threads

import (
	"context"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/store"
)

// List returns the threads of case caseID that p sees, most recently
// active first (at most store.MaxPageSize).
func (s *Service) List(ctx context.Context, p auth.Principal, caseID int64) ([]Summary, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	q := s.db.Read()
	where, args := visibleTo(p, a, caseID)
	args = append(args, store.MaxPageSize)
	rows, err := q.QueryContext(ctx, `SELECT `+threadColumns+threadFrom+` WHERE `+where+
		` ORDER BY t.last_post_at DESC, t.id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	var list []Thread
	for rows.Next() {
		t, err := scanThread(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return s.summaries(ctx, q, p, a, list)
}

// visibleTo is the condition on threads t that keeps the threads of case
// caseID p may see (CanSee decides again for each), with its parameters.
func visibleTo(p auth.Principal, a cases.Access, caseID int64) (string, []any) {
	args := []any{caseID}
	if cases.Manages(p, a) {
		return "t.case_id = $1", args
	}
	cond := "t.id IN (SELECT thread_id FROM thread_members WHERE participant_id IN (" + placeholders(2, len(a.Participants)) + "))"
	args = append(args, anys(a.Participants)...)
	if len(a.Participants) == 0 {
		cond = "FALSE"
	}
	if !a.Restricted {
		cond = "(t.audience = 'case' OR " + cond + ")"
	}
	return "t.case_id = $1 AND " + cond, args
}

// summaries names list's starters and audiences, keeping the threads p
// sees.
func (s *Service) summaries(ctx context.Context, q store.Querier, p auth.Principal, a cases.Access, list []Thread) ([]Summary, error) {
	out := []Summary{}
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, len(list))
	for i, t := range list {
		ids[i] = t.ID
	}
	members, err := membersOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	coordinators, err := coordinatorsOf(ctx, q, list[0].CaseID)
	if err != nil {
		return nil, err
	}
	want := append([]int64{}, coordinators...)
	for _, t := range list {
		want = append(want, t.StartedBy)
		want = append(want, members[t.ID]...)
	}
	named, err := cases.ParticipantsIn(ctx, q, list[0].CaseID, unique(want)...)
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		t.Members = members[t.ID]
		if CanSee(p, standing(p, a, t)) != nil {
			continue
		}
		out = append(out, summary(t, coordinators, named))
	}
	return out, nil
}

// summary names t's starter and, for a listed thread, its audience.
func summary(t Thread, coordinators []int64, named map[int64]cases.Participant) Summary {
	sum := Summary{Thread: t, StarterName: named[t.StartedBy].Name}
	if sum.StarterName == "" {
		sum.StarterName = t.Author
	}
	if t.Audience != AudienceListed {
		return sum
	}
	for _, id := range unique(append(append([]int64{}, coordinators...), t.Members...)) {
		pt, ok := named[id]
		if !ok {
			continue
		}
		sum.Listed = append(sum.Listed, Named{ID: id, Name: pt.Name, Coordinator: pt.Roles.Has(cases.RoleCoordinator),
			Vendor: pt.Roles.Has(cases.RoleVendor)})
	}
	return sum
}

// Get returns thread id of case caseID with a page of its posts (oldest
// first, after page.After) and every pinned post.
func (s *Service) Get(ctx context.Context, p auth.Principal, caseID, id int64, page store.Page) (Detail, error) {
	a, t, err := s.visible(ctx, p, caseID, id)
	if err != nil {
		return Detail{}, err
	}
	q := s.db.Read()
	sums, err := s.summaries(ctx, q, p, a, []Thread{t})
	if err != nil {
		return Detail{}, err
	}
	if len(sums) == 0 { // visible checked it: only a race gets here
		return Detail{}, notFound()
	}
	det := Detail{Summary: sums[0], Standing: standing(p, a, t)}
	if det.Posts, err = listPosts(ctx, q, `p.id > $2 ORDER BY p.id LIMIT $3`, id, page.After, page.Size()); err != nil {
		return det, err
	}
	if det.Pinned, err = listPosts(ctx, q, `p.pinned ORDER BY p.id`, id); err != nil {
		return det, err
	}
	if err := decorate(ctx, q, caseID, det.Posts); err != nil {
		return det, err
	}
	return det, decorate(ctx, q, caseID, det.Pinned)
}

// visible reads thread id of case caseID if p sees it, with p's access
// to the case.
func (s *Service) visible(ctx context.Context, p auth.Principal, caseID, id int64) (cases.Access, Thread, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return a, Thread{}, err
	}
	t, err := getThread(ctx, s.db.Read(), caseID, id)
	if err != nil {
		return a, t, err
	}
	return a, t, CanSee(p, standing(p, a, t))
}

// decorate fills in the posts' participant names, mentions and files.
func decorate(ctx context.Context, q store.Querier, caseID int64, posts []Post) error {
	if len(posts) == 0 {
		return nil
	}
	ids, parts := make([]int64, len(posts)), make([]int64, len(posts))
	for i, p := range posts {
		ids[i], parts[i] = p.ID, p.Participant
	}
	named, err := cases.ParticipantsIn(ctx, q, caseID, unique(parts)...)
	if err != nil {
		return err
	}
	mentions, err := mentionsOf(ctx, q, ids)
	if err != nil {
		return err
	}
	files, err := attachmentsOf(ctx, q, ids)
	if err != nil {
		return err
	}
	for i := range posts {
		posts[i].Name, posts[i].Mentions, posts[i].Attachments = named[posts[i].Participant].Name, mentions[posts[i].ID], files[posts[i].ID]
	}
	return nil
}

// History returns post postID of thread id with its earlier versions,
// newest first.
func (s *Service) History(ctx context.Context, p auth.Principal, caseID, id, postID int64) (Post, []Edit, error) {
	if _, _, err := s.visible(ctx, p, caseID, id); err != nil {
		return Post{}, nil, err
	}
	q := s.db.Read()
	post, err := getPost(ctx, q, id, postID)
	if err != nil {
		return post, nil, err
	}
	list := []Post{post}
	if err := decorate(ctx, q, caseID, list); err != nil {
		return post, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT version, body, edited_by, edited_at FROM thread_post_edits WHERE post_id = $1
		ORDER BY version DESC`, postID)
	if err != nil {
		return post, nil, err
	}
	defer rows.Close()
	edits := []Edit{}
	for rows.Next() {
		var e Edit
		if err := rows.Scan(&e.Version, &e.Body, &e.By, &e.At); err != nil {
			return post, nil, err
		}
		e.At = e.At.UTC()
		edits = append(edits, e)
	}
	return list[0], edits, rows.Err()
}

// Attachment returns file fileID of post postID of thread id with its
// content to those who see the thread; to anyone else it does not exist.
// Serve it only as a download (Content-Disposition: attachment, nosniff).
func (s *Service) Attachment(ctx context.Context, p auth.Principal, caseID, id, postID, fileID int64) (Attachment, error) {
	if _, _, err := s.visible(ctx, p, caseID, id); err != nil {
		return Attachment{}, err
	}
	q := s.db.Read()
	if _, err := getPost(ctx, q, id, postID); err != nil {
		return Attachment{}, err
	}
	return attachmentWithData(ctx, q, postID, fileID)
}
