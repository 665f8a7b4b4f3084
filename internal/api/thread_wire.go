package api

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/threads"
)

// Wire types of discussion threads. Participants are named by their IDs in
// the case with their names; a post's body is Markdown source (render it
// sanitised); attachments are downloaded from their own URL.

// Thread is a thread as lists show it.
type Thread struct {
	ID       int64  `json:"id"`
	CaseID   int64  `json:"case_id"`
	CaseKey  string `json:"case_key"`
	Title    string `json:"title"`
	Audience string `json:"audience"` // case or listed
	// Members are the coordinators and the listed participants of a
	// listed thread; empty for the whole case.
	Members     []ThreadMember `json:"members"`
	StartedBy   int64          `json:"started_by,omitempty"`
	StarterName string         `json:"started_by_name"`
	Posts       int            `json:"posts"`
	CreatedAt   time.Time      `json:"created_at"`
	LastPostAt  time.Time      `json:"last_post_at"`
	Version     int            `json:"version"`
}

// ThreadMember is a participant of a listed thread's audience.
type ThreadMember struct {
	ParticipantID int64  `json:"participant_id"`
	Name          string `json:"name"`
	Coordinator   bool   `json:"coordinator,omitempty"`
}

// ThreadList is a case's threads with its thread settings.
type ThreadList struct {
	Items    []Thread       `json:"items"`
	Settings ThreadSettings `json:"settings"`
}

// ThreadSettings are a case's settings for threads.
type ThreadSettings struct {
	VendorsInviteVendors bool `json:"vendors_invite_vendors"`
}

// ThreadDetail is a thread with a page of its posts (oldest first), every
// pinned post, and what the caller may do (actions: post, pin).
type ThreadDetail struct {
	Thread
	Items      []ThreadPost `json:"posts"`
	Pinned     []ThreadPost `json:"pinned"`
	NextCursor string       `json:"next_cursor,omitempty"`
	Access     struct {
		Actions []string `json:"actions"`
	} `json:"access"`
}

// ThreadPost is one post. Editable is set on the caller's own posts.
type ThreadPost struct {
	ID            int64              `json:"id"`
	ParticipantID int64              `json:"participant_id,omitempty"`
	Name          string             `json:"name,omitempty"`
	Author        string             `json:"author"`
	Body          string             `json:"body"`
	CreatedAt     time.Time          `json:"created_at"`
	EditedAt      *time.Time         `json:"edited_at,omitempty"`
	Version       int                `json:"version"`
	Edits         int                `json:"edits"`
	Pinned        bool               `json:"pinned"`
	Editable      bool               `json:"editable"`
	Mentions      []ThreadMention    `json:"mentions"`
	Attachments   []ThreadAttachment `json:"attachments"`
}

// ThreadMention is a user or an organisation a post mentions.
type ThreadMention struct {
	UserID int64  `json:"user_id,omitempty"`
	OrgID  int64  `json:"org_id,omitempty"`
	Name   string `json:"name"`
}

// ThreadAttachment describes a file of a post; its content type was
// sniffed, for information only.
type ThreadAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// ThreadEdit is an earlier version of a post.
type ThreadEdit struct {
	Version  int       `json:"version"`
	Body     string    `json:"body"`
	EditedBy string    `json:"edited_by"`
	EditedAt time.Time `json:"edited_at"`
}

// ThreadHistory is a post with its earlier versions, newest first.
type ThreadHistory struct {
	Post  ThreadPost   `json:"post"`
	Edits []ThreadEdit `json:"edits"`
}

// ThreadInput starts a thread.
type ThreadInput struct {
	Title       string                  `json:"title"`
	Body        string                  `json:"body"`
	Audience    string                  `json:"audience,omitempty"` // listed (default) or case
	With        []int64                 `json:"with,omitempty"`
	As          int64                   `json:"as,omitempty"`
	Attachments []ThreadAttachmentInput `json:"attachments,omitempty"`
}

// ThreadPostInput adds a post.
type ThreadPostInput struct {
	Body        string                  `json:"body"`
	As          int64                   `json:"as,omitempty"`
	Attachments []ThreadAttachmentInput `json:"attachments,omitempty"`
}

// ThreadAttachmentInput is a file sent with a post, its content in base64.
type ThreadAttachmentInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// ThreadEditInput replaces a post's text; version is the one read.
type ThreadEditInput struct {
	Body    string `json:"body"`
	Version int    `json:"version"`
}

// ThreadPinInput pins or unpins a post.
type ThreadPinInput struct {
	Pinned *bool `json:"pinned"`
}

// ThreadSettingsInput changes a case's thread settings.
type ThreadSettingsInput struct {
	VendorsInviteVendors *bool `json:"vendors_invite_vendors"`
}

func attachmentsIn(list []ThreadAttachmentInput) ([]threads.NewAttachment, error) {
	var out []threads.NewAttachment
	for i, a := range list {
		data, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			return nil, errs.Field(fmt.Sprintf("attachments[%d].data", i), "must be base64 (RFC 4648, with padding)")
		}
		out = append(out, threads.NewAttachment{Name: a.Name, Data: data})
	}
	return out, nil
}

func threadOut(s threads.Summary) Thread {
	out := Thread{ID: s.ID, CaseID: s.CaseID, CaseKey: s.CaseKey, Title: s.Title, Audience: string(s.Thread.Audience),
		Members: []ThreadMember{}, StartedBy: s.StartedBy, StarterName: s.StarterName, Posts: s.Posts, CreatedAt: s.CreatedAt,
		LastPostAt: s.LastPostAt, Version: s.Version}
	for _, m := range s.Listed {
		out.Members = append(out.Members, ThreadMember{ParticipantID: m.ID, Name: m.Name, Coordinator: m.Coordinator})
	}
	return out
}

func threadDetailOut(p auth.Principal, d threads.Detail) ThreadDetail {
	out := ThreadDetail{Thread: threadOut(d.Summary), Items: postsOut(p, d), Pinned: []ThreadPost{}}
	for _, post := range d.Pinned {
		out.Pinned = append(out.Pinned, postOut(p, d.CaseKey, post))
	}
	out.Access.Actions = []string{}
	if threads.CanPost(p, d.Standing) == nil {
		out.Access.Actions = append(out.Access.Actions, "post")
	}
	if threads.CanPin(p, d.Standing) == nil {
		out.Access.Actions = append(out.Access.Actions, "pin")
	}
	return out
}

func postsOut(p auth.Principal, d threads.Detail) []ThreadPost {
	out := []ThreadPost{}
	for _, post := range d.Posts {
		out = append(out, postOut(p, d.CaseKey, post))
	}
	return out
}

func postOut(p auth.Principal, caseKey string, post threads.Post) ThreadPost {
	out := ThreadPost{ID: post.ID, ParticipantID: post.Participant, Name: post.Name, Author: post.Author, Body: post.Body,
		CreatedAt: post.CreatedAt, Version: post.Version, Edits: post.Edits, Pinned: post.Pinned,
		Editable: post.AuthorUser != 0 && post.AuthorUser == p.UserID, Mentions: []ThreadMention{}, Attachments: []ThreadAttachment{}}
	if post.Edited() {
		at := post.EditedAt
		out.EditedAt = &at
	}
	for _, m := range post.Mentions {
		out.Mentions = append(out.Mentions, ThreadMention{UserID: m.UserID, OrgID: m.OrgID, Name: m.Name})
	}
	for _, a := range post.Attachments {
		out.Attachments = append(out.Attachments, ThreadAttachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size,
			SHA256: a.SHA256, URL: fmt.Sprintf("/api/v1/cases/%s/threads/%d/posts/%d/attachments/%d", caseKey, post.ThreadID, post.ID, a.ID)})
	}
	return out
}

func editsOut(list []threads.Edit) []ThreadEdit {
	out := []ThreadEdit{}
	for _, e := range list {
		out = append(out, ThreadEdit{Version: e.Version, Body: e.Body, EditedBy: e.By, EditedAt: e.At})
	}
	return out
}
