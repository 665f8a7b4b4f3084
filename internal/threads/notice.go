package threads

import (
	"context"
	"slices"
)

// Notice is what the notices of one post need. It holds no text of the
// thread but its title.
type Notice struct {
	Thread  Thread
	PostID  int64
	Started bool
	Edited  bool   // the post was edited to mention those told
	ByName  string // the participant that wrote the post, else the account
	// To are the participants of the audience to tell (not the one that
	// wrote); Mentioned those among them whose organisation the post
	// mentions.
	To        []int64
	Mentioned []int64
	// Users are the mentioned accounts still in the audience, except the
	// author.
	Users []MentionedUser
}

// MentionedUser is an account a post mentions.
type MentionedUser struct {
	UserID int64
	Email  string
	Name   string
}

// Notice returns whom the post of e concerns, with the audience as it is
// now (a participant bound by an embargo since is not told of a thread
// with the whole case). It is read without a principal, for the job that
// sends the notices, and never for a request.
func (s *Service) Notice(ctx context.Context, e Event) (Notice, error) {
	q := s.db.Read()
	t, err := getThread(ctx, q, e.CaseID, e.ThreadID)
	if err != nil {
		return Notice{}, err
	}
	post, err := getPost(ctx, q, t.ID, e.PostID)
	if err != nil {
		return Notice{}, err
	}
	var all []member
	if t.Audience == AudienceCase {
		all, err = caseMembers(ctx, q, t.CaseID)
	} else {
		all, err = postMembers(ctx, q, t, nil, nil) // the coordinators and the listed
	}
	if err != nil {
		return Notice{}, err
	}
	aud := audienceOf(all, t)
	n := Notice{Thread: t, PostID: post.ID, Started: e.Started, Edited: len(e.Mentioned) > 0, ByName: aud[post.Participant].Name}
	if n.ByName == "" {
		n.ByName = post.Author
	}
	mentions, err := mentionsOf(ctx, q, []int64{post.ID})
	if err != nil {
		return n, err
	}
	if n.Edited { // those the edit added and the post still mentions
		mentions[post.ID] = slices.DeleteFunc(mentions[post.ID], func(m Mention) bool {
			return !slices.ContainsFunc(e.Mentioned, m.same)
		})
	}
	var users []int64
	for _, m := range sortedAudience(aud) {
		if m.ID == post.Participant {
			continue
		}
		n.To = append(n.To, m.ID)
		if m.OrgID != 0 && slices.ContainsFunc(mentions[post.ID], func(x Mention) bool { return x.OrgID == m.OrgID }) {
			n.Mentioned = append(n.Mentioned, m.ID)
		}
	}
	if n.Edited {
		n.To = n.Mentioned
	}
	for _, m := range mentions[post.ID] {
		if m.UserID != 0 && m.UserID != post.AuthorUser {
			users = append(users, m.UserID)
		}
	}
	if len(users) == 0 {
		return n, nil
	}
	found, err := audienceUsers(ctx, q, t, aud, nil, users)
	for _, u := range found {
		n.Users = append(n.Users, MentionedUser{UserID: u.ID, Email: u.Email, Name: u.Name})
	}
	return n, err
}
