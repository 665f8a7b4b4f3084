package threads

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// NewPost is what Post needs.
type NewPost struct {
	Body string // Markdown
	// As is the participant written for: 0 for the one of the thread's
	// audience the principal acts for.
	As          int64
	Attachments []NewAttachment
}

// Post adds a post to thread id of case caseID.
func (s *Service) Post(ctx context.Context, p auth.Principal, caseID, id int64, in NewPost) (Post, error) {
	body, err := checkBody(in.Body)
	if err != nil {
		return Post{}, err
	}
	files, err := checkAttachments(in.Attachments, s.limits)
	if err != nil {
		return Post{}, err
	}
	var post Post
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanPost(p, o.st); err != nil {
			return err
		}
		all, err := postMembers(ctx, o.tx, o.t, o.st.Acts, Mentions(body))
		if err != nil {
			return err
		}
		aud := audienceOf(all, o.t)
		as, err := author(p, o.st, aud, in.As)
		if err != nil {
			return err
		}
		if post, err = insertPost(ctx, o.tx, o.now, p, o.t, aud, as, body, files); err != nil {
			return err
		}
		post.Name = aud[as].Name
		return enqueue(ctx, o.tx, o.now, Event{ThreadID: id, CaseID: caseID, PostID: post.ID, By: as, ByUser: p.UserID})
	})
	return post, err
}

// insertPost writes a post with its mentions and files, counts it on the
// thread and journals it (without its text).
func insertPost(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, t Thread, aud map[int64]member, as int64, body string, files []NewAttachment) (Post, error) {
	post := Post{ThreadID: t.ID, Author: p.Actor().Name, AuthorUser: p.UserID, Participant: as, Body: body, CreatedAt: now, Version: 1}
	err := tx.QueryRowContext(ctx, `INSERT INTO thread_posts (thread_id, author, author_user, participant_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.ID, post.Author, nullID(p.UserID), nullID(as), body, now).Scan(&post.ID)
	if err != nil {
		return post, err
	}
	if post.Mentions, err = mention(ctx, tx, t, aud, post.ID, body); err != nil {
		return post, err
	}
	if post.Attachments, err = addAttachments(ctx, tx, now, post.ID, files); err != nil {
		return post, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE threads SET posts = posts + 1, last_post_at = $1, version = version + 1 WHERE id = $2`, now, t.ID); err != nil {
		return post, err
	}
	return post, appendEntry(ctx, tx, now, p.Actor(), "thread.posted", t, map[string]any{"post_id": post.ID, "participant_id": as,
		"mentions": len(post.Mentions), "attachments": len(post.Attachments)})
}

// mention resolves the mentions of body in the audience and stores them
// for post postID (replacing earlier ones).
func mention(ctx context.Context, tx *sql.Tx, t Thread, aud map[int64]member, postID int64, body string) ([]Mention, error) {
	list, err := resolveMentions(ctx, tx, t, aud, Mentions(body))
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM thread_mentions WHERE post_id = $1`, postID); err != nil {
		return nil, err
	}
	for _, m := range list {
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_mentions (post_id, user_id, org_id) VALUES ($1, $2, $3)`,
			postID, nullID(m.UserID), nullID(m.OrgID)); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// mentionsOf reads the mentions of the posts ids with their names, by
// post.
func mentionsOf(ctx context.Context, q store.Querier, ids []int64) (map[int64][]Mention, error) {
	out := map[int64][]Mention{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT m.post_id, COALESCE(m.user_id, 0), COALESCE(m.org_id, 0), COALESCE(u.name, o.name, '')
		FROM thread_mentions m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN organisations o ON o.id = m.org_id
		WHERE m.post_id IN (`+placeholders(1, len(ids))+`) ORDER BY m.post_id, COALESCE(u.name, o.name, '')`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var post int64
		var m Mention
		if err := rows.Scan(&post, &m.UserID, &m.OrgID, &m.Name); err != nil {
			return nil, err
		}
		out[post] = append(out[post], m)
	}
	return out, rows.Err()
}

// Edit replaces the text of post postID of thread id, by its author,
// keeping the earlier text in its history. version is the post's version
// the author read; another one is a conflict. Mentions are resolved
// again; those the edit adds are told (the others were when the post
// was written).
func (s *Service) Edit(ctx context.Context, p auth.Principal, caseID, id, postID int64, body string, version int) (Post, error) {
	body, err := checkBody(body)
	if err != nil {
		return Post{}, err
	}
	if version < 1 {
		return Post{}, errs.Field("version", "is required: the version of the post you edited")
	}
	var post Post
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		var err error
		if post, err = getPost(ctx, o.tx, id, postID); err != nil {
			return err
		}
		if err := CanEdit(p, o.st, post.AuthorUser); err != nil {
			return err
		}
		if post.Version != version {
			return &errs.Error{Kind: errs.Conflict, Field: "version",
				Message: "the post changed since you read it: reload it (it is at version " + strconv.Itoa(post.Version) + ")"}
		}
		if body == post.Body {
			return nil // nothing changes
		}
		return o.edit(ctx, &post, body)
	})
	return post, err
}

// edit stores the new text of post, the old one in its history.
func (o *op) edit(ctx context.Context, post *Post, body string) error {
	if _, err := o.tx.ExecContext(ctx, `INSERT INTO thread_post_edits (post_id, version, body, edited_by, edited_by_user, edited_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, post.ID, post.Version, post.Body, o.p.Actor().Name, nullID(o.p.UserID), o.now); err != nil {
		return err
	}
	if _, err := o.tx.ExecContext(ctx, `UPDATE thread_posts SET body = $1, edited_at = $2, version = version + 1 WHERE id = $3`,
		body, o.now, post.ID); err != nil {
		return err
	}
	post.Body, post.EditedAt, post.Version, post.Edits = body, o.now, post.Version+1, post.Edits+1
	all, err := postMembers(ctx, o.tx, o.t, nil, Mentions(body))
	if err != nil {
		return err
	}
	before, err := mentionsOf(ctx, o.tx, []int64{post.ID})
	if err != nil {
		return err
	}
	if post.Mentions, err = mention(ctx, o.tx, o.t, audienceOf(all, o.t), post.ID, body); err != nil {
		return err
	}
	if err := o.journal(ctx, "thread.edited", map[string]any{"post_id": post.ID, "version": post.Version}); err != nil {
		return err
	}
	added := slices.DeleteFunc(slices.Clone(post.Mentions), func(m Mention) bool {
		return slices.ContainsFunc(before[post.ID], m.same)
	})
	if len(added) == 0 {
		return nil
	}
	return enqueue(ctx, o.tx, o.now, Event{ThreadID: o.t.ID, CaseID: o.t.CaseID, PostID: post.ID, By: post.Participant,
		ByUser: post.AuthorUser, Mentioned: added})
}

// Pin pins or unpins post postID of thread id (those who manage the case).
func (s *Service) Pin(ctx context.Context, p auth.Principal, caseID, id, postID int64, pinned bool) (Post, error) {
	var post Post
	err := s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanPin(p, o.st); err != nil {
			return err
		}
		var err error
		if post, err = getPost(ctx, o.tx, id, postID); err != nil || post.Pinned == pinned {
			return err
		}
		if _, err := o.tx.ExecContext(ctx, `UPDATE thread_posts SET pinned = $1 WHERE id = $2`, pinned, postID); err != nil {
			return err
		}
		post.Pinned = pinned
		action := "thread.unpinned"
		if pinned {
			action = "thread.pinned"
		}
		return o.journal(ctx, action, map[string]any{"post_id": postID})
	})
	return post, err
}
