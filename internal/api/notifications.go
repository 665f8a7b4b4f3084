package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/inbox"
)

// notificationRoutes: the signed-in user's notifications and preferences,
// under /api/v1/me.
func (a *API) notificationRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/me/notifications", a.listNotifications},
		{"POST", "/api/v1/me/notifications/{id}/read", a.readNotification},
		{"POST", "/api/v1/me/notifications/read-all", a.readAllNotifications},
		{"GET", "/api/v1/me/notification-settings", a.notificationSettings},
		{"PUT", "/api/v1/me/notification-settings", a.setNotificationSettings},
		{"PUT", "/api/v1/me/notification-settings/mutes/{key}", a.muteCase},
		{"DELETE", "/api/v1/me/notification-settings/mutes/{key}", a.unmuteCase},
		{"POST", "/api/v1/me/notification-settings/keys", a.addNotificationKey},
		{"DELETE", "/api/v1/me/notification-settings/keys/{id}", a.removeNotificationKey},
	}
}

// Notification is one notice to the caller.
type Notification struct {
	ID        int64      `json:"id"`
	CaseKey   string     `json:"case_key,omitempty"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"` // a path on this instance
	Unread    bool       `json:"unread"`
	Mail      string     `json:"mail"` // pending, digest, sent or none
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
	MailedAt  *time.Time `json:"mailed_at,omitempty"`
}

// NotificationSettings are the caller's preferences, OpenPGP keys and
// muted cases.
type NotificationSettings struct {
	Mail         string             `json:"mail"` // immediately, digest or none
	DigestHour   int                `json:"digest_hour"`
	NextDigestAt *time.Time         `json:"next_digest_at,omitempty"`
	Version      int                `json:"version"`
	Keys         []NotificationKey  `json:"keys"`
	Mutes        []NotificationMute `json:"mutes"`
}

// NotificationKey is one of the caller's OpenPGP keys for mail to them.
type NotificationKey struct {
	ID          int64      `json:"id"`
	Fingerprint string     `json:"fingerprint"`
	UserIDs     []string   `json:"user_ids"`
	ExpiresAt   *time.Time `json:"expires_at,omitempty"`
	Usable      bool       `json:"usable"` // mail to the caller's address is encrypted to it
	CreatedAt   time.Time  `json:"created_at"`
}

// NotificationMute is a case the caller muted.
type NotificationMute struct {
	CaseKey   string    `json:"case_key"`
	CreatedAt time.Time `json:"created_at"`
}

// NotificationSettingsInput changes the preferences; absent fields stay.
type NotificationSettingsInput struct {
	Mail       *string `json:"mail"`
	DigestHour *int    `json:"digest_hour"`
	Version    int     `json:"version"`
}

// NotificationKeyInput is an armoured OpenPGP public key.
type NotificationKeyInput struct {
	Key string `json:"key"`
}

// ReadAll is how many notifications read-all marked.
type ReadAll struct {
	Marked int `json:"marked"`
}

func notificationOut(n inbox.Notification) Notification {
	return Notification{ID: n.ID, CaseKey: n.CaseKey, Kind: n.Kind, Subject: n.Subject, Body: n.Body, Link: n.Link, Unread: n.Unread(),
		Mail: string(n.Delivery), CreatedAt: n.CreatedAt, ReadAt: optTime(n.ReadAt), MailedAt: optTime(n.MailedAt)}
}

func notificationKeyOut(k inbox.Key) NotificationKey {
	ids := k.UserIDs
	if ids == nil {
		ids = []string{}
	}
	return NotificationKey{ID: k.ID, Fingerprint: k.Fingerprint, UserIDs: ids, ExpiresAt: optTime(k.Expires), Usable: k.Usable, CreatedAt: k.CreatedAt}
}

func (a *API) listNotifications(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	var unread bool
	if err == nil {
		unread, err = queryBool(r, "unread")
	}
	var list []inbox.Notification
	if err == nil {
		list, err = a.Inbox.List(r.Context(), p, inbox.Filter{Unread: unread, Page: page})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Notification]{Items: []Notification{}}
	for _, n := range list {
		out.Items = append(out.Items, notificationOut(n))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) readNotification(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := idOf(r, "notification")
	var n inbox.Notification
	if err == nil {
		n, err = a.Inbox.MarkRead(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, notificationOut(n))
}

func (a *API) readAllNotifications(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	n, err := a.Inbox.MarkAllRead(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ReadAll{Marked: n})
}

// settingsOut reads the caller's whole settings: preferences, keys, mutes.
func (a *API) settingsOut(r *http.Request, p auth.Principal, st inbox.Settings) (NotificationSettings, error) {
	out := NotificationSettings{Mail: string(st.Mail), DigestHour: st.DigestHour, NextDigestAt: optTime(st.NextDigestAt), Version: st.Version,
		Keys: []NotificationKey{}, Mutes: []NotificationMute{}}
	keys, err := a.Inbox.Keys(r.Context(), p)
	if err != nil {
		return out, err
	}
	for _, k := range keys {
		out.Keys = append(out.Keys, notificationKeyOut(k))
	}
	mutes, err := a.Inbox.Mutes(r.Context(), p)
	for _, m := range mutes {
		out.Mutes = append(out.Mutes, NotificationMute{CaseKey: m.CaseKey, CreatedAt: m.CreatedAt})
	}
	return out, err
}

func (a *API) notificationSettings(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	st, err := a.Inbox.Settings(r.Context(), p)
	var out NotificationSettings
	if err == nil {
		out, err = a.settingsOut(r, p, st)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) setNotificationSettings(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in NotificationSettingsInput
	err := decode(w, r, &in)
	var st inbox.Settings
	if err == nil {
		pt := inbox.Patch{DigestHour: in.DigestHour, Version: in.Version}
		if in.Mail != nil {
			m := inbox.Mail(*in.Mail)
			pt.Mail = &m
		}
		st, err = a.Inbox.SetSettings(r.Context(), p, pt)
	}
	var out NotificationSettings
	if err == nil {
		a.Wake() // leaving the digest may have queued one
		out, err = a.settingsOut(r, p, st)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) muteCase(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c, err := a.caseOf(r, p) // one may mute only a case one sees
	if err == nil {
		err = a.Inbox.Mute(r.Context(), p, c.ID, c.Key)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) unmuteCase(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if err := a.Inbox.Unmute(r.Context(), p, r.PathValue("key")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) addNotificationKey(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in NotificationKeyInput
	err := decode(w, r, &in)
	var k inbox.Key
	if err == nil {
		k, err = a.Inbox.AddKey(r.Context(), p, []byte(in.Key))
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, notificationKeyOut(k))
}

func (a *API) removeNotificationKey(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := idOf(r, "key")
	if err == nil {
		err = a.Inbox.RemoveKey(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// idOf reads the {id} path value of a thing called what.
func idOf(r *http.Request, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.E(errs.NotFound, "no such %s", what)
	}
	return n, nil
}
