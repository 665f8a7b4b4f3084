package api

import (
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

// Wire types: the JSON shapes of the API, kept apart from domain types.

var errAuthHeader = errs.E(errs.Unauthenticated, "use the header Authorization: Bearer <token>")

// List is a page of items with the cursor of the next page.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// User is an account.
type User struct {
	ID          int64      `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Admin       bool       `json:"admin"`
	Staff       bool       `json:"staff"`
	Disabled    bool       `json:"disabled"`
	TOTPEnabled bool       `json:"totp_enabled"`
	LockedUntil *time.Time `json:"locked_until,omitempty"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func userOut(u auth.User) User {
	out := User{ID: u.ID, Email: u.Email, Name: u.Name, Admin: u.Admin, Staff: u.Staff, Disabled: u.Disabled,
		TOTPEnabled: u.TOTPEnabled, Version: u.Version, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
	if !u.LockedUntil.IsZero() {
		out.LockedUntil = &u.LockedUntil
	}
	return out
}

// Me is the caller with their organisations.
type Me struct {
	ID        int64        `json:"id"`
	Email     string       `json:"email"`
	Name      string       `json:"name"`
	Admin     bool         `json:"admin"`
	Staff     bool         `json:"staff"`
	Scope     string       `json:"scope"`
	NeedsTOTP bool         `json:"needs_totp,omitempty"`
	Orgs      []Membership `json:"orgs"`
}

// Membership is one of the caller's organisations.
type Membership struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Role string `json:"role"`
}

// Org is an organisation.
type Org struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	Kind          string    `json:"kind"`
	Description   string    `json:"description"`
	Website       string    `json:"website"`
	SecurityEmail string    `json:"security_email"`
	Version       int       `json:"version"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func orgOut(o org.Org) Org {
	return Org{ID: o.ID, Name: o.Name, Kind: string(o.Kind), Description: o.Description, Website: o.Website,
		SecurityEmail: o.SecurityEmail, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// OrgInput is the body of creating or updating an organisation.
type OrgInput struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	Description   string `json:"description"`
	Website       string `json:"website"`
	SecurityEmail string `json:"security_email"`
	Version       int    `json:"version,omitempty"`
}

func (in OrgInput) fields() org.Fields {
	return org.Fields{Name: in.Name, Kind: org.Kind(in.Kind), Description: in.Description, Website: in.Website, SecurityEmail: in.SecurityEmail}
}

// Member is a member of an organisation.
type Member struct {
	UserID   int64     `json:"user_id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Role     string    `json:"role"`
	Invited  bool      `json:"invited"`
	JoinedAt time.Time `json:"joined_at"`
}

func memberOut(m org.Member) Member {
	return Member{UserID: m.UserID, Email: m.Email, Name: m.Name, Role: string(m.Role), Invited: m.Invited, JoinedAt: m.JoinedAt}
}

// Token is an API token without its secret.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
}

func tokenOut(t auth.Token) Token {
	out := Token{ID: t.ID, Name: t.Name, Prefix: t.Prefix, Scope: string(t.Scope), CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt}
	if !t.RevokedAt.IsZero() {
		out.RevokedAt = &t.RevokedAt
	}
	if !t.LastUsed.IsZero() {
		out.LastUsed = &t.LastUsed
	}
	return out
}

// NewToken is the answer to a sign-in for a token: the secret, once.
type NewToken struct {
	Token
	Secret string `json:"secret"`
}

// Session is one of the caller's sessions.
type Session struct {
	ID        string    `json:"id"`
	Current   bool      `json:"current"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UserAgent string    `json:"user_agent"`
	IP        string    `json:"ip"`
}
