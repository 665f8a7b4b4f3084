package threads

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
)

// Audience says who reads a thread.
type Audience string

// The audiences of a thread.
const (
	// AudienceCase is every participant of the case that is not bound by
	// an embargo it has not accepted.
	AudienceCase Audience = "case"
	// AudienceListed is the case's coordinators and the listed
	// participants.
	AudienceListed Audience = "listed"
)

// ParseAudience reads an audience; "" is AudienceListed.
func ParseAudience(s string) (Audience, error) {
	switch a := Audience(strings.ToLower(strings.TrimSpace(s))); a {
	case "":
		return AudienceListed, nil
	case AudienceCase, AudienceListed:
		return a, nil
	}
	return "", errs.Field("audience", "must be case (every participant) or listed (the coordinators and the participants named)")
}

// Thread is a discussion in a case.
type Thread struct {
	ID        int64
	CaseID    int64
	CaseKey   string
	Title     string
	Audience  Audience
	Members   []int64 // the listed participants (AudienceListed), by ID
	StartedBy int64   // the participant that started it; 0 for staff acting for none
	// StartedByUser and Author are the account that started it.
	StartedByUser int64
	Author        string
	CreatedAt     time.Time
	LastPostAt    time.Time
	Posts         int
	Version       int
}

// Post is one message of a thread.
type Post struct {
	ID          int64
	ThreadID    int64
	Author      string // the account as the journal names it
	AuthorUser  int64
	Participant int64  // whom the author wrote for; 0 for staff acting for none
	Name        string // that participant's name
	Body        string // Markdown source
	CreatedAt   time.Time
	EditedAt    time.Time // zero if never edited
	Version     int
	Edits       int // earlier versions kept
	Pinned      bool
	Mentions    []Mention
	Attachments []Attachment
}

// Edited reports whether the post was changed after it was written.
func (p Post) Edited() bool { return !p.EditedAt.IsZero() }

// Mention is a user or an organisation a post mentions.
type Mention struct {
	UserID int64 // set for a user
	OrgID  int64 // set for an organisation
	Name   string
}

// same reports whether o names whom m names (names may have changed).
func (m Mention) same(o Mention) bool { return m.UserID == o.UserID && m.OrgID == o.OrgID }

// Edit is an earlier version of a post.
type Edit struct {
	Version int
	Body    string
	By      string // who replaced it
	At      time.Time
}

// Attachment is a file of a post. Data is filled only by Attachment.
type Attachment struct {
	ID          int64
	PostID      int64
	Name        string // cleaned: no folders, no control characters
	ContentType string // sniffed: information, never trusted
	Size        int64
	SHA256      string // hex
	CreatedAt   time.Time
	Data        []byte
}

// NewAttachment is a file sent with a post.
type NewAttachment struct {
	Name string
	Data []byte
}

// Named is a participant of a thread's audience with its name.
type Named struct {
	ID          int64
	Name        string
	Coordinator bool
	Vendor      bool
}

// Summary is a thread with the names a list shows.
type Summary struct {
	Thread
	StarterName string
	Listed      []Named // the coordinators and the listed participants; empty for the whole case
}

// Detail is a thread with a page of its posts as the reader may see it.
type Detail struct {
	Summary
	Posts  []Post // oldest first
	Pinned []Post // every pinned post, oldest first
	// Standing is how the reader takes part; the Can* functions take it.
	Standing Standing
}

// Settings are a case's settings for threads.
type Settings struct {
	CaseID int64
	// VendorsInviteVendors lets vendors start threads with other vendors.
	VendorsInviteVendors bool
	UpdatedAt            time.Time // zero while never set
}

// Limits bound what people send.
type Limits struct {
	MaxAttachmentSize  int64 // per file
	MaxAttachmentsSize int64 // per post
	MaxAttachments     int   // files per post
}

// DefaultLimits are the limits without configuration.
func DefaultLimits() Limits {
	return Limits{MaxAttachmentSize: 10 << 20, MaxAttachmentsSize: 20 << 20, MaxAttachments: 5}
}

// The bounds of what people write.
const (
	MaxTitle = 200
	MaxBody  = 20000
	MaxWith  = 50 // participants listed in one thread
)

func errNoPost() error { return errs.E(errs.NotFound, "no such post in this thread") }

// checkTitle trims a one-line title and checks its length.
func checkTitle(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", errs.Field("title", "is required")
	case n > MaxTitle:
		return "", errs.Field("title", "must be at most %d characters long", MaxTitle)
	case strings.ContainsAny(s, "\r\n\x00") || !utf8.ValidString(s):
		return "", errs.Field("title", "must be one line of text")
	}
	return s, nil
}

// checkBody trims a post's text and checks it.
func checkBody(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", errs.Field("body", "is required")
	case n > MaxBody:
		return "", errs.Field("body", "must be at most %d characters long", MaxBody)
	case strings.ContainsRune(s, 0) || !utf8.ValidString(s):
		return "", errs.Field("body", "must be text without NUL characters")
	}
	return s, nil
}
