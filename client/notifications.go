package client

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Notification is one notice to the caller about a case or report they
// take part in. Mail is where its mail stands: pending, digest (waiting
// for the daily digest), sent or none (never mailed).
type Notification struct {
	ID        int64      `json:"id"`
	CaseKey   string     `json:"case_key,omitempty"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"` // a path on the server
	Unread    bool       `json:"unread"`
	Mail      string     `json:"mail"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
	MailedAt  *time.Time `json:"mailed_at,omitempty"`
}

// NotificationSettings are the caller's mail preference for notifications
// (immediately, digest or none), the hour of the daily digest (UTC), the
// caller's OpenPGP keys for mail to them and the cases they muted.
type NotificationSettings struct {
	Mail         string             `json:"mail"`
	DigestHour   int                `json:"digest_hour"`
	NextDigestAt *time.Time         `json:"next_digest_at,omitempty"`
	Version      int                `json:"version"`
	Keys         []NotificationKey  `json:"keys"`
	Mutes        []NotificationMute `json:"mutes"`
}

// NotificationKey is one of the caller's OpenPGP keys.
type NotificationKey struct {
	ID          int64      `json:"id"`
	Fingerprint string     `json:"fingerprint"`
	UserIDs     []string   `json:"user_ids"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	Usable      bool       `json:"usable"`
	CreatedAt   time.Time  `json:"created_at"`
}

// NotificationMute is a case the caller muted.
type NotificationMute struct {
	CaseKey   string    `json:"case_key"`
	CreatedAt time.Time `json:"created_at"`
}

// NotificationSettingsPatch changes the preferences; nil fields stay.
type NotificationSettingsPatch struct {
	Mail       *string `json:"mail,omitempty"`
	DigestHour *int    `json:"digest_hour,omitempty"`
	Version    int     `json:"version,omitempty"`
}

// NotificationFilter selects a page of notifications, newest first.
type NotificationFilter struct {
	Unread bool
	Cursor string
	Limit  int
}

const notificationSettingsPath = "/api/v1/me/notification-settings"

// Notifications lists a page of the caller's notifications.
func (c *Client) Notifications(ctx context.Context, f NotificationFilter) (List[Notification], error) {
	extra := url.Values{}
	if f.Unread {
		extra.Set("unread", "true")
	}
	var l List[Notification]
	err := c.Do(ctx, "GET", "/api/v1/me/notifications"+PageQuery(f.Cursor, f.Limit, extra), nil, &l)
	return l, err
}

// ReadNotification marks one of the caller's notifications read.
func (c *Client) ReadNotification(ctx context.Context, id int64) (Notification, error) {
	var out Notification
	err := c.Do(ctx, "POST", fmt.Sprintf("/api/v1/me/notifications/%d/read", id), nil, &out)
	return out, err
}

// ReadAllNotifications marks all the caller's notifications read and
// reports how many were unread.
func (c *Client) ReadAllNotifications(ctx context.Context) (int, error) {
	var out struct {
		Marked int `json:"marked"`
	}
	err := c.Do(ctx, "POST", "/api/v1/me/notifications/read-all", nil, &out)
	return out.Marked, err
}

// NotificationSettings reads the caller's preferences, keys and mutes.
func (c *Client) NotificationSettings(ctx context.Context) (NotificationSettings, error) {
	var out NotificationSettings
	err := c.Do(ctx, "GET", notificationSettingsPath, nil, &out)
	return out, err
}

// SetNotificationSettings changes the caller's preferences.
func (c *Client) SetNotificationSettings(ctx context.Context, in NotificationSettingsPatch) (NotificationSettings, error) {
	var out NotificationSettings
	err := c.Do(ctx, "PUT", notificationSettingsPath, in, &out)
	return out, err
}

// MuteCase mutes a case for the caller: its notices are listed as read
// and never mailed.
func (c *Client) MuteCase(ctx context.Context, key string) error {
	return c.Do(ctx, "PUT", notificationSettingsPath+"/mutes/"+url.PathEscape(key), nil, nil)
}

// UnmuteCase unmutes a case.
func (c *Client) UnmuteCase(ctx context.Context, key string) error {
	return c.Do(ctx, "DELETE", notificationSettingsPath+"/mutes/"+url.PathEscape(key), nil, nil)
}

// AddNotificationKey puts an armoured OpenPGP public key on file for mail
// to the caller; it must name the caller's address.
func (c *Client) AddNotificationKey(ctx context.Context, armored string) (NotificationKey, error) {
	var out NotificationKey
	err := c.Do(ctx, "POST", notificationSettingsPath+"/keys", map[string]string{"key": armored}, &out)
	return out, err
}

// RemoveNotificationKey takes one of the caller's keys off file.
func (c *Client) RemoveNotificationKey(ctx context.Context, id int64) error {
	return c.Do(ctx, "DELETE", fmt.Sprintf("%s/keys/%d", notificationSettingsPath, id), nil, nil)
}
