package auth

import "github.com/parleycvd/parley/internal/journal"

// OrgRole is a user's role in an organisation.
type OrgRole string

// The roles a member can have in an organisation.
const (
	OrgMember OrgRole = "member"
	OrgAdmin  OrgRole = "admin"
)

// Scope limits what an API token may do; sessions have full scope.
type Scope string

// Token scopes.
const (
	ScopeFull  Scope = ""
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
)

// Principal is who is making a request, as every permission check sees it.
// The zero Principal is an anonymous visitor.
type Principal struct {
	UserID int64
	Email  string
	Name   string
	Admin  bool // instance administrator
	Staff  bool // coordinator staff of this instance
	Orgs   map[int64]OrgRole
	Scope  Scope
	// NeedsTOTP is set for staff who must enrol a second factor before
	// they can do anything else.
	NeedsTOTP bool
	// SessionID is the hashed ID of the session, if the request has one.
	SessionID string
	TokenID   int64
}

// Anonymous reports whether nobody is signed in.
func (p Principal) Anonymous() bool { return p.UserID == 0 }

// CanWrite reports whether the credential allows changes at all.
func (p Principal) CanWrite() bool { return !p.Anonymous() && p.Scope != ScopeRead && !p.NeedsTOTP }

// InOrg reports the principal's role in org, if any.
func (p Principal) InOrg(org int64) (OrgRole, bool) {
	r, ok := p.Orgs[org]
	return r, ok
}

// Actor is how the journal names the principal.
func (p Principal) Actor() journal.Actor {
	if p.Anonymous() {
		return journal.Actor{Name: "anonymous"}
	}
	return journal.Actor{ID: p.UserID, Name: p.Email}
}
