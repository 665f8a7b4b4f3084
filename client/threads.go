package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"time"
)

// Thread is a discussion thread of a case. Audience is case (every
// participant) or listed (the coordinators and the Members).
type Thread struct {
	ID          int64          `json:"id"`
	CaseID      int64          `json:"case_id"`
	CaseKey     string         `json:"case_key"`
	Title       string         `json:"title"`
	Audience    string         `json:"audience"`
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

// ThreadDetail is a thread with a page of its posts, every pinned post,
// and what the caller may do (Access.Actions: post, pin).
type ThreadDetail struct {
	Thread
	Posts      []ThreadPost `json:"posts"`
	Pinned     []ThreadPost `json:"pinned"`
	NextCursor string       `json:"next_cursor,omitempty"`
	Access     struct {
		Actions []string `json:"actions"`
	} `json:"access"`
}

// ThreadPost is one post (Body is Markdown); Editable is set on the
// caller's own.
type ThreadPost struct {
	ID            int64      `json:"id"`
	ParticipantID int64      `json:"participant_id,omitempty"`
	Name          string     `json:"name,omitempty"`
	Author        string     `json:"author"`
	Body          string     `json:"body"`
	CreatedAt     time.Time  `json:"created_at"`
	EditedAt      *time.Time `json:"edited_at,omitempty"`
	Version       int        `json:"version"`
	Edits         int        `json:"edits"`
	Pinned        bool       `json:"pinned"`
	Editable      bool       `json:"editable"`
	Mentions      []struct {
		UserID int64  `json:"user_id,omitempty"`
		OrgID  int64  `json:"org_id,omitempty"`
		Name   string `json:"name"`
	} `json:"mentions"`
	Attachments []ThreadAttachment `json:"attachments"`
}

// ThreadAttachment describes a file of a post.
type ThreadAttachment struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url"`
}

// ThreadHistory is a post with its earlier versions, newest first.
type ThreadHistory struct {
	Post  ThreadPost `json:"post"`
	Edits []struct {
		Version  int       `json:"version"`
		Body     string    `json:"body"`
		EditedBy string    `json:"edited_by"`
		EditedAt time.Time `json:"edited_at"`
	} `json:"edits"`
}

// NewThread starts a thread. Audience is listed (default: the
// coordinators, the caller's participant and With) or case.
type NewThread struct {
	Title       string          `json:"title"`
	Body        string          `json:"body"`
	Audience    string          `json:"audience,omitempty"`
	With        []int64         `json:"with,omitempty"`
	As          int64           `json:"as,omitempty"`
	Attachments []NewAttachment `json:"attachments,omitempty"`
}

// NewThreadPost writes in a thread.
type NewThreadPost struct {
	Body        string          `json:"body"`
	As          int64           `json:"as,omitempty"`
	Attachments []NewAttachment `json:"attachments,omitempty"`
}

// NewAttachment is a file sent with a post (Data travels in base64).
type NewAttachment struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Threads lists a case's threads the caller sees, most recently active
// first.
func (c *Client) Threads(ctx context.Context, key string) (ThreadList, error) {
	var l ThreadList
	err := c.Do(ctx, "GET", casePath(key, "threads"), nil, &l)
	return l, err
}

// Thread returns a thread with a page of its posts.
func (c *Client) Thread(ctx context.Context, key string, id int64, cursor string, limit int) (ThreadDetail, error) {
	var d ThreadDetail
	err := c.Do(ctx, "GET", casePath(key, "threads", id)+PageQuery(cursor, limit, nil), nil, &d)
	return d, err
}

// StartThread starts a thread with its first post.
func (c *Client) StartThread(ctx context.Context, key string, in NewThread, opts ...Option) (ThreadDetail, error) {
	var d ThreadDetail
	err := c.Do(ctx, "POST", casePath(key, "threads"), in, &d, opts...)
	return d, err
}

// PostInThread writes in a thread.
func (c *Client) PostInThread(ctx context.Context, key string, id int64, in NewThreadPost, opts ...Option) (ThreadPost, error) {
	var p ThreadPost
	err := c.Do(ctx, "POST", casePath(key, "threads", id, "posts"), in, &p, opts...)
	return p, err
}

// EditThreadPost replaces the text of one's own post; version is the one
// read.
func (c *Client) EditThreadPost(ctx context.Context, key string, id, post int64, body string, version int) (ThreadPost, error) {
	var p ThreadPost
	err := c.Do(ctx, "PATCH", casePath(key, "threads", id, "posts", post), map[string]any{"body": body, "version": version}, &p)
	return p, err
}

// PinThreadPost pins or unpins a post (those who manage the case).
func (c *Client) PinThreadPost(ctx context.Context, key string, id, post int64, pinned bool, opts ...Option) (ThreadPost, error) {
	var p ThreadPost
	err := c.Do(ctx, "POST", casePath(key, "threads", id, "posts", post, "pin"), map[string]bool{"pinned": pinned}, &p, opts...)
	return p, err
}

// ThreadPostHistory returns a post with its earlier versions.
func (c *Client) ThreadPostHistory(ctx context.Context, key string, id, post int64) (ThreadHistory, error) {
	var h ThreadHistory
	err := c.Do(ctx, "GET", casePath(key, "threads", id, "posts", post, "edits"), nil, &h)
	return h, err
}

// SetThreadSettings changes a case's thread settings.
func (c *Client) SetThreadSettings(ctx context.Context, key string, vendorsInviteVendors bool) (ThreadSettings, error) {
	var s ThreadSettings
	err := c.Do(ctx, "PATCH", casePath(key, "threads", "settings"), map[string]bool{"vendors_invite_vendors": vendorsInviteVendors}, &s)
	return s, err
}

// ThreadAttachment downloads a file of a post: its name and content.
func (c *Client) ThreadAttachment(ctx context.Context, key string, id, post, file int64) (string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.BaseURL+casePath(key, "threads", id, "posts", post, "attachments", file), nil)
	if err != nil {
		return "", nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return "", nil, &Error{Status: resp.StatusCode, Code: "http_" + fmt.Sprint(resp.StatusCode), Message: resp.Status}
		}
		return "", nil, &Error{Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message, Field: eb.Error.Field}
	}
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	return params["filename"], data, nil
}
