package web

import (
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/threads"
)

// postsPerPage is how many posts a thread page shows.
const postsPerPage = 50

// threadPage is one thread as the visitor may see it, with the forms open
// to it.
type threadPage struct {
	Layout
	disputeForms
	Case    cases.Case
	T       threads.Detail
	CanPost bool
	CanPin  bool
	As      []threads.Named // whom the visitor may write for, when more than one
	UserID  int64           // the visitor's account
	First   string          // the link to the first page, when this is a later one
	Next    string          // the link to the next page, if any
	Limits  threads.Limits
}

// MD renders Markdown written by people, sanitised.
func (p threadPage) MD(src string) template.HTML { return markdown.Render(src) }

// Mine tells whether the visitor wrote post.
func (p threadPage) Mine(post threads.Post) bool {
	return post.AuthorUser != 0 && post.AuthorUser == p.UserID
}

// EditForm names the edit form of post.
func (p threadPage) EditForm(post threads.Post) string { return fmt.Sprintf("edit-%d", post.ID) }

// Size writes a limit for people.
func (p threadPage) Size(n int64) string { return threads.SizeText(n) }

// FileURL is where a file of post is downloaded.
func (p threadPage) FileURL(post threads.Post, a threads.Attachment) string {
	return fmt.Sprintf("/cases/%s/threads/%d/posts/%d/attachments/%d", p.Case.Key, post.ThreadID, post.ID, a.ID)
}

// Body is the text a post's edit form shows: what was typed when it was
// refused, else the post's own.
func (p threadPage) Body(post threads.Post) string {
	if p.FormName == p.EditForm(post) {
		return p.Value(p.FormName, "body")
	}
	return post.Body
}

func (s *Web) loadThread(r *http.Request, v *visitor) (threadPage, error) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	if err != nil {
		return threadPage{}, err
	}
	id, ok := pathID(r, "id")
	if !ok {
		return threadPage{}, errs.E(errs.NotFound, "no such thread in this case")
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	t, err := s.Threads.Get(ctx, v.P, c.ID, id, store.Page{After: max(after, 0), Limit: postsPerPage})
	if err != nil {
		return threadPage{}, err
	}
	page := threadPage{Layout: s.layout(v, t.Title+" · "+c.Key, "cases"), Case: c, T: t, UserID: v.P.UserID, Limits: s.Threads.Limits(),
		CanPost: threads.CanPost(v.P, t.Standing) == nil, CanPin: threads.CanPin(v.P, t.Standing) == nil}
	base := "/cases/" + c.Key + "/threads/" + itoa(id)
	if after > 0 {
		page.First = base
	}
	if len(t.Posts) == postsPerPage {
		page.Next = base + "?after=" + itoa(t.Posts[len(t.Posts)-1].ID)
	}
	opts, err := s.Threads.Options(ctx, v.P, c.ID)
	for _, n := range opts.As {
		if t.Thread.Audience == threads.AudienceCase || slices.ContainsFunc(t.Listed, func(m threads.Named) bool { return m.ID == n.ID }) {
			page.As = append(page.As, n)
		}
	}
	if len(page.As) < 2 {
		page.As = nil
	}
	return page, err
}

func (s *Web) threadDetail(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.loadThread(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "thread", page)
}

// threadAgain shows the thread with form name's error and what it held;
// refusals no form can mend get the error page.
func (s *Web) threadAgain(w http.ResponseWriter, r *http.Request, v *visitor, name string, vals url.Values, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict && k != errs.TooLarge && errs.FieldOf(err) == "" {
		s.fail(w, r, v, err)
		return
	}
	page, lerr := s.loadThread(r, v)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	page.disputeForms = refusedForm(name, vals, err)
	s.render(w, r, formStatus(err), "thread", page)
}

// threadIDs finds the case and the thread of the request.
func (s *Web) threadIDs(r *http.Request, v *visitor) (cases.Case, int64, error) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		return c, 0, err
	}
	id, ok := pathID(r, "id")
	if !ok {
		return c, 0, errs.E(errs.NotFound, "no such thread in this case")
	}
	return c, id, nil
}

func (s *Web) threadPost(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, id, err := s.threadIDs(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	vals, attached, err := s.readThreadForm(w, r)
	np := threads.NewPost{Body: vals.Get("body"), Attachments: attached}
	if err == nil {
		np.As, err = valueID(vals, "as")
	}
	var post threads.Post
	if err == nil {
		post, err = s.Threads.Post(r.Context(), v.P, c.ID, id, np)
	}
	if err != nil {
		s.threadAgain(w, r, v, "post", vals, err)
		return
	}
	s.Wake()
	redirect(w, r, fmt.Sprintf("/cases/%s/threads/%d#post-%d", c.Key, id, post.ID), "Posted.")
}

// threadAction is one form about a post: it makes the change and says
// what the next page's flash tells.
type threadAction func(s *Web, r *http.Request, v *visitor, caseID, id, postID int64) (string, error)

// threadAct runs a post's form and goes back to the thread, or shows it
// again with the form's error (form name plus the post's ID).
func (s *Web) threadAct(name string, do threadAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *visitor) {
		c, id, err := s.threadIDs(r, v)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		postID, ok := pathID(r, "pid")
		if !ok {
			s.fail(w, r, v, errs.E(errs.NotFound, "no such post in this thread"))
			return
		}
		msg, err := do(s, r, v, c.ID, id, postID)
		if err != nil {
			s.threadAgain(w, r, v, fmt.Sprintf("%s-%d", name, postID), r.PostForm, err)
			return
		}
		redirect(w, r, fmt.Sprintf("/cases/%s/threads/%d#post-%d", c.Key, id, postID), msg)
	}
}

func editThreadPost(s *Web, r *http.Request, v *visitor, caseID, id, postID int64) (string, error) {
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		return "", errs.Field("version", "is missing: reload the page and edit again")
	}
	_, err = s.Threads.Edit(r.Context(), v.P, caseID, id, postID, r.PostFormValue("body"), version)
	return "Post edited; the earlier text is kept in its history.", err
}

func pinThreadPost(s *Web, r *http.Request, v *visitor, caseID, id, postID int64) (string, error) {
	pin := r.PostFormValue("pinned") == "true"
	if _, err := s.Threads.Pin(r.Context(), v.P, caseID, id, postID, pin); err != nil || !pin {
		return "Post unpinned.", err
	}
	return "Post pinned.", nil
}

// threadHistoryPage is a post with its earlier versions.
type threadHistoryPage struct {
	Layout
	Case  cases.Case
	ID    int64
	Post  threads.Post
	Edits []threads.Edit
}

// MD renders Markdown written by people, sanitised.
func (p threadHistoryPage) MD(src string) template.HTML { return markdown.Render(src) }

func (s *Web) threadHistory(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, id, err := s.threadIDs(r, v)
	postID, ok := pathID(r, "pid")
	if err == nil && !ok {
		err = errs.E(errs.NotFound, "no such post in this thread")
	}
	page := threadHistoryPage{Layout: s.layout(v, "History of a post · "+c.Key, "cases"), Case: c, ID: id}
	if err == nil {
		page.Post, page.Edits, err = s.Threads.History(r.Context(), v.P, c.ID, id, postID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "thread_history", page)
}

// threadFile hands a post's file out as a download, never to show: files
// may be anything, proofs of concept included.
func (s *Web) threadFile(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, id, err := s.threadIDs(r, v)
	postID, ok1 := pathID(r, "pid")
	fileID, ok2 := pathID(r, "aid")
	if err == nil && (!ok1 || !ok2) {
		err = errs.E(errs.NotFound, "no such attachment")
	}
	var f threads.Attachment
	if err == nil {
		f, err = s.Threads.Attachment(r.Context(), v.P, c.ID, id, postID, fileID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Name})
	if disposition == "" { // a name mime cannot encode
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(f.Data)))
	_, _ = w.Write(f.Data)
}
