package inbox

import (
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Mail is how a user wants notices mailed.
type Mail string

// The mail preferences.
const (
	Immediately Mail = "immediately" // each notice as it happens (the default)
	Daily       Mail = "digest"      // one digest a day at the digest hour
	NoMail      Mail = "none"        // none: the web interface and the API only
)

// Mails lists the preferences in the order forms offer them.
var Mails = []Mail{Immediately, Daily, NoMail}

// Label is a preference in plain words.
func (m Mail) Label() string {
	switch m {
	case Daily:
		return "In one daily digest"
	case NoMail:
		return "No mail: I read them here"
	}
	return "Immediately, one mail per notice"
}

// ParseMail checks a mail preference.
func ParseMail(s string) (Mail, error) {
	switch m := Mail(strings.TrimSpace(s)); m {
	case Immediately, Daily, NoMail:
		return m, nil
	}
	return "", errs.Field("mail", "must be immediately, digest or none")
}

// DefaultDigestHour is the digest hour (UTC) of users who chose none.
const DefaultDigestHour = 7

// Delivery is where a notification's mail stands.
type Delivery string

// The deliveries of a notification.
const (
	Pending Delivery = "pending" // to be mailed at once by whoever recorded it
	Digest  Delivery = "digest"  // waits for the user's next digest
	Sent    Delivery = "sent"    // mailed, at once or in a digest (MailedAt)
	None    Delivery = "none"    // never mailed: no mail wanted, or the case is muted
)

// Notification is one notice to one user.
type Notification struct {
	ID        int64
	UserID    int64
	CaseID    int64  // 0: not about a case (a report's notice)
	CaseKey   string // the case's key, "" when not about a case
	Kind      string // what it is about, e.g. "thread.post", "deadline.reminder"
	Subject   string
	Body      string // plain text
	Link      string // a path on this instance, e.g. /cases/PAR-2026-0001
	Delivery  Delivery
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
	MailedAt  time.Time // zero until mailed
}

// Unread tells whether the user has not marked it read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// Notice is what Record stores for one user.
type Notice struct {
	UserID  int64
	CaseID  int64
	CaseKey string
	Kind    string
	Subject string
	Body    string
	Link    string // a path on this instance
	// Key, if not "", makes recording idempotent per user: a second
	// notice with the same key returns the first.
	Key string
	// Urgent notices are mailed at once whatever the preferences and
	// mutes: contact attempts the case records.
	Urgent bool
	// ListOnly notices are listed and never mailed: their mail went to an
	// address of the user's organisation (its security contact).
	ListOnly bool
}

// Limits of what Record stores.
const (
	MaxSubject = 300
	MaxBody    = 20000
	MaxLink    = 500
)

// Settings are a user's preferences.
type Settings struct {
	Mail         Mail
	DigestHour   int       // UTC, 0-23
	NextDigestAt time.Time // when the next digest is due; zero unless Mail is Daily
	LastDigestAt time.Time // when the last digest was due
	Version      int       // 0 while the user kept the defaults
	UpdatedAt    time.Time
}

// defaults are the settings of a user who never changed them.
func defaults() Settings { return Settings{Mail: Immediately, DigestHour: DefaultDigestHour} }

// Patch changes settings; nil fields stay. Version, if not 0, is the
// version the change was based on.
type Patch struct {
	Mail       *Mail
	DigestHour *int
	Version    int
}

// Mute is a case a user muted.
type Mute struct {
	CaseID    int64
	CaseKey   string
	CreatedAt time.Time
}

// Filter selects notifications: newest first, the page after
// Page.After (that is, older ones); Unread keeps the unread ones.
type Filter struct {
	Unread bool
	Page   store.Page
}

// BadgeCap is how far the unread badge counts; more shows as "9+".
const BadgeCap = 9

// NextDigest is the first time at hour (UTC) strictly after now.
func NextDigest(hour int, now time.Time) time.Time {
	now = now.UTC()
	t := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC)
	if !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}
