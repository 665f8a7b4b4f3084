package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/threads"
)

// Discussion threads of a case: the list with the form to start one (and
// the case's setting), and one thread with its posts (pages_thread_post.go).
func (s *Web) threadRoutes() []route {
	const one = "/cases/{key}/threads/{id}"
	const post = one + "/posts/{pid}"
	return []route{
		{"GET /cases/{key}/threads", signedIn, s.threadList},
		{"POST /cases/{key}/threads", signedIn, s.threadStart},
		{"POST /cases/{key}/threads/settings", signedIn, s.threadSettings},
		{"GET " + one, signedIn, s.threadDetail},
		{"POST " + one + "/posts", signedIn, s.threadPost},
		{"POST " + post + "/edit", signedIn, s.threadAct("edit", editThreadPost)},
		{"POST " + post + "/pin", signedIn, s.threadAct("pin", pinThreadPost)},
		{"GET " + post + "/history", signedIn, s.threadHistory},
		{"GET " + post + "/attachments/{aid}", signedIn, s.threadFile},
	}
}

// threadsPage is a case's threads with the form to start one.
type threadsPage struct {
	Layout
	disputeForms
	Case    cases.Case
	Items   []threads.Summary
	Options threads.Options
	Limits  threads.Limits
}

// Checked tells whether participant id was ticked in the refused form.
func (p threadsPage) Checked(id int64) bool {
	for _, x := range strings.Split(p.Value("start", "with"), ",") {
		if x == itoa(id) {
			return true
		}
	}
	return false
}

// WholeCase tells whether the refused form asked for the whole case.
func (p threadsPage) WholeCase() bool {
	return p.Value("start", "audience") == string(threads.AudienceCase)
}

// Size writes a limit for people.
func (p threadsPage) Size(n int64) string { return threads.SizeText(n) }

func (s *Web) loadThreads(r *http.Request, v *visitor) (threadsPage, error) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	if err != nil {
		return threadsPage{}, err
	}
	page := threadsPage{Layout: s.layout(v, "Threads of "+c.Key, "cases"), Case: c, Limits: s.Threads.Limits()}
	if page.Items, err = s.Threads.List(ctx, v.P, c.ID); err != nil {
		return page, err
	}
	page.Options, err = s.Threads.Options(ctx, v.P, c.ID)
	return page, err
}

func (s *Web) threadList(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.loadThreads(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "threads", page)
}

// threadsAgain shows the case's threads with form name's error, and what
// the form held.
func (s *Web) threadsAgain(w http.ResponseWriter, r *http.Request, v *visitor, name string, vals url.Values, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict && k != errs.TooLarge && errs.FieldOf(err) == "" {
		s.fail(w, r, v, err)
		return
	}
	page, lerr := s.loadThreads(r, v)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	page.disputeForms = refusedForm(name, vals, err)
	s.render(w, r, formStatus(err), "threads", page)
}

// refusedForm keeps form name's error and what it held. Errors about one
// file show at the file field.
func refusedForm(name string, vals url.Values, err error) disputeForms {
	if f := errs.FieldOf(err); strings.HasPrefix(f, "attachments[") {
		err = errs.Renamed(err, f, "attachments")
	}
	f := disputeForms{Form: formOf(err), FormName: name, Typed: map[string]string{}}
	for k, v := range vals {
		f.Typed[k] = strings.Join(v, ",")
	}
	return f
}

func (s *Web) threadStart(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	vals, attached, err := s.readThreadForm(w, r)
	nt := threads.NewThread{Title: vals.Get("title"), Body: vals.Get("body"), Audience: threads.Audience(vals.Get("audience")), Attachments: attached}
	if err == nil {
		nt.With, err = valueIDs(vals, "with")
	}
	if err == nil {
		nt.As, err = valueID(vals, "as")
	}
	var t threads.Thread
	if err == nil {
		t, err = s.Threads.Start(r.Context(), v.P, c.ID, nt)
	}
	if err != nil {
		s.threadsAgain(w, r, v, "start", vals, err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+c.Key+"/threads/"+itoa(t.ID), "Thread started. Its audience is told.")
}

func (s *Web) threadSettings(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	on := r.PostFormValue("vendors_invite_vendors") == "on"
	if _, err := s.Threads.SetSettings(r.Context(), v.P, c.ID, threads.Settings{VendorsInviteVendors: on}); err != nil {
		s.threadsAgain(w, r, v, "settings", r.PostForm, err)
		return
	}
	msg := "Vendors start threads with the coordinators only."
	if on {
		msg = "Vendors may now start threads with other vendors of the case."
	}
	redirect(w, r, "/cases/"+c.Key+"/threads", msg)
}

// valueIDs reads a repeated participant field.
func valueIDs(vals url.Values, name string) ([]int64, error) {
	var out []int64
	for _, x := range vals[name] {
		id, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		if err != nil || id <= 0 {
			return nil, errs.Field(name, "is not a participant of this case")
		}
		out = append(out, id)
	}
	return out, nil
}

// valueID reads an optional participant field; empty is 0.
func valueID(vals url.Values, name string) (int64, error) {
	if strings.TrimSpace(vals.Get(name)) == "" {
		return 0, nil
	}
	ids, err := valueIDs(url.Values{name: {vals.Get(name)}}, name)
	if err != nil {
		return 0, err
	}
	return ids[0], nil
}

// maxThreadText bounds the text fields of one thread form.
const maxThreadText = 4 * threads.MaxBody

// readThreadForm reads a form to start a thread or post, as multipart
// (with files) or URL-encoded. Text fields are read even after a file that
// is too large, so that the form can be shown again with what was typed;
// the body as a whole is bounded by the limits plus room for the text.
// The returned error, if any, is about the files.
func (s *Web) readThreadForm(w http.ResponseWriter, r *http.Request) (url.Values, []threads.NewAttachment, error) {
	l := s.Threads.Limits()
	limit := l.MaxAttachmentsSize + l.MaxAttachmentSize + maxThreadText + 64<<10
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, threadUploadError(err, limit)
		}
		return r.PostForm, nil, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return url.Values{}, nil, errs.E(errs.Invalid, "the form could not be read: %v", err)
	}
	vals := url.Values{}
	var list []threads.NewAttachment
	text := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return vals, list, nil
		}
		if err != nil {
			return vals, nil, threadUploadError(err, limit)
		}
		if part.FormName() == "attachments" && part.FileName() == "" {
			continue // no file chosen
		}
		max := int64(maxThreadText)
		if part.FormName() == "attachments" {
			max = l.MaxAttachmentSize
		}
		b, err := io.ReadAll(io.LimitReader(part, max+1))
		if err != nil {
			return vals, nil, threadUploadError(err, limit)
		}
		if part.FormName() == "attachments" {
			// The service checks the limits: one byte too many tells it.
			list = append(list, threads.NewAttachment{Name: part.FileName(), Data: b})
			continue
		}
		if text += len(b); text > maxThreadText {
			return vals, nil, errs.Field("body", "is too long: put long material in an attachment")
		}
		vals.Add(part.FormName(), string(b))
	}
}

func threadUploadError(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &errs.Error{Kind: errs.TooLarge, Field: "attachments",
			Message: fmt.Sprintf("the upload is larger than %s, more than one post takes", threads.SizeText(limit))}
	}
	return errs.E(errs.Invalid, "the form could not be read (%v): please try again", err)
}
