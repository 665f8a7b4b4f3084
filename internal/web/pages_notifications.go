package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/store"
)

// notificationRoutes: the signed-in user's notifications at
// /notifications (newest first, unread ones marked, marked read one by one
// or all at once), how they are told at /notifications/settings (mail at
// once, a daily digest or none; their OpenPGP keys; muted cases), and the
// mute button of the case page.
func (s *Web) notificationRoutes() []route {
	if s.Inbox == nil {
		return nil
	}
	return []route{
		{"GET /notifications", signedIn, s.notificationsPage},
		{"POST /notifications/{id}/read", signedIn, s.notificationRead},
		{"POST /notifications/read-all", signedIn, s.notificationsReadAll},
		{"GET /notifications/settings", signedIn, s.notificationSettingsPage},
		{"POST /notifications/settings", signedIn, s.notificationSettingsSave},
		{"POST /notifications/keys", signedIn, s.notificationKeyAdd},
		{"POST /notifications/keys/{id}/remove", signedIn, s.notificationKeyRemove},
		{"POST /notifications/mutes/{key}/remove", signedIn, s.notificationUnmute},
		{"POST /cases/{key}/mute", signedIn, s.caseMute},
		{"POST /cases/{key}/unmute", signedIn, s.caseUnmute},
	}
}

// notificationsPerPage is how many notifications a page lists.
const notificationsPerPage = 50

// unreadBadge is the navigation's count of the visitor's unread
// notifications: one indexed query with a cap, "" when none (or when the
// count cannot be read: a badge is not worth failing a page for).
func (s *Web) unreadBadge(v *visitor) string {
	if s.Inbox == nil || v.ctx == nil || !v.signedIn() || v.P.NeedsTOTP {
		return ""
	}
	badge, err := s.Inbox.Badge(v.ctx, v.P)
	if err != nil {
		s.Logger.Warn("unread badge", "err", err)
		return ""
	}
	return badge
}

type notificationsPage struct {
	Layout
	Items      []inbox.Notification
	OnlyUnread bool   // only the unread ones are listed
	Next       string // the next page's address
}

func (s *Web) notificationsPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := notificationsPage{Layout: s.layout(v, "Notifications", "notifications"), OnlyUnread: q.Get("unread") == "on"}
	list, err := s.Inbox.List(r.Context(), v.P, inbox.Filter{Unread: page.OnlyUnread, Page: store.Page{After: after, Limit: notificationsPerPage}})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Items = list
	if len(list) == notificationsPerPage {
		next := url.Values{"after": {itoa(list[len(list)-1].ID)}}
		if page.OnlyUnread {
			next.Set("unread", "on")
		}
		page.Next = "/notifications?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "notifications", page)
}

// back is where a form on the notifications page returns: the page it was
// posted from (the "back" field, a local path), else the first page.
func back(r *http.Request) string {
	if b := r.PostFormValue("back"); strings.HasPrefix(b, "/notifications") {
		return localPath(b)
	}
	return "/notifications"
}

func (s *Web) notificationRead(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such notification"))
		return
	}
	if _, err := s.Inbox.MarkRead(r.Context(), v.P, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, back(r), "")
}

func (s *Web) notificationsReadAll(w http.ResponseWriter, r *http.Request, v *visitor) {
	n, err := s.Inbox.MarkAllRead(r.Context(), v.P)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	msg := "No notification was unread."
	if n > 0 {
		msg = "Marked " + strconv.Itoa(n) + " notification(s) read."
	}
	redirect(w, r, back(r), msg)
}

// notificationSettingsPage is how the visitor is told.
type notificationSettingsPage struct {
	Layout
	Settings inbox.Settings
	Mails    []inbox.Mail
	Hours    []int
	Keys     []inbox.Key
	Mutes    []inbox.Mute
	Key      string // the key pasted, when it was refused
	Form     Form
	FormName string // "mail" or "key": the form the error belongs to
}

// Err is the error of form about field, if it shows one.
func (p notificationSettingsPage) Err(form, field string) string {
	if p.FormName == form && p.Form.Field == field {
		return p.Form.Error
	}
	return ""
}

// General is a form's error when none of its fields shows it.
func (p notificationSettingsPage) General(form string) string {
	if p.FormName != form || (form == "mail" && (p.Form.Field == "mail" || p.Form.Field == "digest_hour")) || (form == "key" && p.Form.Field == "key") {
		return ""
	}
	return p.Form.Error
}

func (s *Web) notificationSettingsPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderNotificationSettings(w, r, v, http.StatusOK, "", "", nil)
}

func (s *Web) renderNotificationSettings(w http.ResponseWriter, r *http.Request, v *visitor, status int, form, key string, ferr error) {
	ctx := r.Context()
	page := notificationSettingsPage{Layout: s.layout(v, "How you are told", "notifications"), Mails: inbox.Mails, Key: key, FormName: form}
	for h := range 24 {
		page.Hours = append(page.Hours, h)
	}
	var err error
	if page.Settings, err = s.Inbox.Settings(ctx, v.P); err == nil {
		if page.Keys, err = s.Inbox.Keys(ctx, v.P); err == nil {
			page.Mutes, err = s.Inbox.Mutes(ctx, v.P)
		}
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if ferr != nil {
		page.Form = formOf(ferr)
		if form == "mail" { // show what was chosen
			if m, err := inbox.ParseMail(r.PostFormValue("mail")); err == nil {
				page.Settings.Mail = m
			}
		}
	}
	s.render(w, r, status, "notification_settings", page)
}

// settingsDone goes back to the settings after a change, or shows them
// again with the form's error; refusals a form cannot fix show the error
// page.
func (s *Web) settingsDone(w http.ResponseWriter, r *http.Request, v *visitor, form, key string, err error, msg string) {
	if err == nil {
		redirect(w, r, "/notifications/settings", msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	s.renderNotificationSettings(w, r, v, formStatus(err), form, key, err)
}

func (s *Web) notificationSettingsSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	mail := inbox.Mail(r.PostFormValue("mail"))
	pt := inbox.Patch{Mail: &mail, Version: int(postedID(r, "version"))}
	var err error
	if h := strings.TrimSpace(r.PostFormValue("digest_hour")); h != "" {
		hour, perr := strconv.Atoi(h)
		if perr != nil {
			err = errs.Field("digest_hour", "must be an hour from 0 to 23 (UTC)")
		}
		pt.DigestHour = &hour
	}
	if err == nil {
		_, err = s.Inbox.SetSettings(r.Context(), v.P, pt)
	}
	if err == nil {
		s.Wake() // leaving the digest may have queued one
	}
	s.settingsDone(w, r, v, "mail", "", err, "Your preferences are saved.")
}

func (s *Web) notificationKeyAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	key := r.PostFormValue("key")
	_, err := s.Inbox.AddKey(r.Context(), v.P, []byte(key))
	s.settingsDone(w, r, v, "key", key, err, "Your key is on file: mail to you is encrypted to it.")
}

func (s *Web) notificationKeyRemove(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	err := errs.E(errs.NotFound, "no such key")
	if ok {
		err = s.Inbox.RemoveKey(r.Context(), v.P, id)
	}
	s.settingsDone(w, r, v, "key", "", err, "The key is removed.")
}

func (s *Web) notificationUnmute(w http.ResponseWriter, r *http.Request, v *visitor) {
	key := r.PathValue("key")
	s.settingsDone(w, r, v, "mute", "", s.Inbox.Unmute(r.Context(), v.P, key), "Case "+key+" is no longer muted.")
}

// caseMute is the case page's mute button.
type caseMute struct {
	Shown bool // the instance keeps notifications
	Muted bool // the visitor muted the case
}

// caseMuteOf reads whether the visitor muted case caseID, for its page.
func (s *Web) caseMuteOf(r *http.Request, v *visitor, caseID int64) (caseMute, error) {
	if s.Inbox == nil {
		return caseMute{}, nil
	}
	muted, err := s.Inbox.Muted(r.Context(), v.P, caseID)
	return caseMute{Shown: true, Muted: muted}, err
}

func (s *Web) caseMute(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err == nil {
		err = s.Inbox.Mute(r.Context(), v.P, c.ID, c.Key)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/cases/"+c.Key, "Case "+c.Key+" is muted: its notifications are listed as read and not mailed.")
}

func (s *Web) caseUnmute(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err == nil {
		err = s.Inbox.Unmute(r.Context(), v.P, c.Key)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/cases/"+c.Key, "Case "+c.Key+" is no longer muted.")
}
