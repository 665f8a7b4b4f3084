package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
)

// Discussion threads under /api/v1/cases/{key}/threads. A thread outside
// the caller's audience is not found, like a case the caller may not see.
func (a *API) threadRoutes() []Route {
	const base = "/api/v1/cases/{key}/threads"
	const one = base + "/{id}"
	const post = one + "/posts/{pid}"
	return []Route{
		{"GET", base, a.listThreads},
		{"POST", base, a.startThread},
		{"PATCH", base + "/settings", caseAction(a, http.StatusOK, a.setThreadSettings)},
		{"GET", one, a.getThread},
		{"POST", one + "/posts", a.postInThread},
		{"PATCH", post, a.editThreadPost},
		{"POST", post + "/pin", a.pinThreadPost},
		{"GET", post + "/edits", a.threadPostHistory},
		{"GET", post + "/attachments/{aid}", a.threadAttachment},
	}
}

// threadRef finds the case named by {key} and the thread ID {id}.
func (a *API) threadRef(r *http.Request, p auth.Principal) (caseID, id int64, err error) {
	if caseID, err = a.caseRef(r, p); err != nil {
		return 0, 0, err
	}
	id, err = subID(r, "id", "thread")
	return caseID, id, err
}

// postRef adds the post ID {pid} to threadRef.
func (a *API) postRef(r *http.Request, p auth.Principal) (caseID, id, postID int64, err error) {
	if caseID, id, err = a.threadRef(r, p); err != nil {
		return 0, 0, 0, err
	}
	postID, err = subID(r, "pid", "post")
	return caseID, id, postID, err
}

// threadBodyLimit bounds a body that carries a post's files in base64.
func (a *API) threadBodyLimit() int64 {
	l := a.Threads.Limits()
	return (l.MaxAttachmentsSize+2)/3*4 + int64(l.MaxAttachments)*1024 + 8*threads.MaxBody + 64<<10
}

// decodeUpTo is decode with a body limit of its own.
func decodeUpTo(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.E(errs.Invalid, "send the body as application/json")
	}
	if r.ContentLength > limit {
		return errs.E(errs.TooLarge, "the body is larger than %d bytes; nothing was stored", limit)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.TooLarge, "the body is larger than %d bytes; nothing was stored", limit)
	}
	if err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "the body must hold one JSON object and nothing after it")
	}
	return nil
}

func (a *API) listThreads(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var list []threads.Summary
	var set threads.Settings
	if err == nil {
		list, err = a.Threads.List(r.Context(), p, caseID)
	}
	if err == nil {
		set, err = a.Threads.Settings(r.Context(), p, caseID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := ThreadList{Items: []Thread{}, Settings: ThreadSettings{VendorsInviteVendors: set.VendorsInviteVendors}}
	for _, s := range list {
		out.Items = append(out.Items, threadOut(s))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) startThread(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var in ThreadInput
	if err == nil {
		err = decodeUpTo(w, r, &in, a.threadBodyLimit())
	}
	var files []threads.NewAttachment
	if err == nil {
		files, err = attachmentsIn(in.Attachments)
	}
	var t threads.Thread
	if err == nil {
		t, err = a.Threads.Start(r.Context(), p, caseID, threads.NewThread{Title: in.Title, Body: in.Body,
			Audience: threads.Audience(in.Audience), With: in.With, As: in.As, Attachments: files})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake() // the notices are queued
	a.answerThread(w, r, p, caseID, t.ID, store.Page{}, http.StatusCreated)
}

func (a *API) getThread(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.threadRef(r, p)
	var page store.Page
	if err == nil {
		page, err = pageOf(r)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerThread(w, r, p, caseID, id, page, http.StatusOK)
}

// answerThread answers with a page of the thread as p sees it.
func (a *API) answerThread(w http.ResponseWriter, r *http.Request, p auth.Principal, caseID, id int64, page store.Page, status int) {
	d, err := a.Threads.Get(r.Context(), p, caseID, id, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := threadDetailOut(p, d)
	if n := len(d.Posts); n > 0 {
		out.NextCursor = nextCursor(page, n, d.Posts[n-1].ID)
	}
	writeJSON(w, status, out)
}

func (a *API) postInThread(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.threadRef(r, p)
	var in ThreadPostInput
	if err == nil {
		err = decodeUpTo(w, r, &in, a.threadBodyLimit())
	}
	var files []threads.NewAttachment
	if err == nil {
		files, err = attachmentsIn(in.Attachments)
	}
	var post threads.Post
	if err == nil {
		post, err = a.Threads.Post(r.Context(), p, caseID, id, threads.NewPost{Body: in.Body, As: in.As, Attachments: files})
	}
	a.answerPost(w, r, p, http.StatusCreated, post, err)
}

// answerPost answers with post after a change (err, if any, is the
// change's).
func (a *API) answerPost(w http.ResponseWriter, r *http.Request, p auth.Principal, status int, post threads.Post, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, status, postOut(p, r.PathValue("key"), post))
}

func (a *API) editThreadPost(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, postID, err := a.postRef(r, p)
	var in ThreadEditInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var post threads.Post
	if err == nil {
		post, err = a.Threads.Edit(r.Context(), p, caseID, id, postID, in.Body, in.Version)
	}
	a.answerPost(w, r, p, http.StatusOK, post, err)
}

func (a *API) pinThreadPost(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, postID, err := a.postRef(r, p)
	var in ThreadPinInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil && in.Pinned == nil {
		err = errs.Field("pinned", "is required: true or false")
	}
	var post threads.Post
	if err == nil {
		post, err = a.Threads.Pin(r.Context(), p, caseID, id, postID, *in.Pinned)
	}
	a.answerPost(w, r, p, http.StatusOK, post, err)
}

func (a *API) threadPostHistory(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, postID, err := a.postRef(r, p)
	var post threads.Post
	var edits []threads.Edit
	if err == nil {
		post, edits, err = a.Threads.History(r.Context(), p, caseID, id, postID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ThreadHistory{Post: postOut(p, r.PathValue("key"), post), Edits: editsOut(edits)})
}

// threadAttachment hands a file out as a download, never to show: files
// may be anything, proofs of concept included.
func (a *API) threadAttachment(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, postID, err := a.postRef(r, p)
	var fileID int64
	if err == nil {
		fileID, err = subID(r, "aid", "attachment")
	}
	var f threads.Attachment
	if err == nil {
		f, err = a.Threads.Attachment(r.Context(), p, caseID, id, postID, fileID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})
	if disposition == "" { // a name mime cannot encode
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}

func (a *API) setThreadSettings(r *http.Request, p auth.Principal, caseID int64, in ThreadSettingsInput) (ThreadSettings, error) {
	if in.VendorsInviteVendors == nil {
		return ThreadSettings{}, errs.Field("vendors_invite_vendors", "is required: true or false")
	}
	set, err := a.Threads.SetSettings(r.Context(), p, caseID, threads.Settings{VendorsInviteVendors: *in.VendorsInviteVendors})
	return ThreadSettings{VendorsInviteVendors: set.VendorsInviteVendors}, err
}
