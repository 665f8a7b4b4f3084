package client

import "time"

// Me is the caller.
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

// NewUser creates an account; without Password the user is invited.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password,omitempty"`
	Admin    bool   `json:"admin,omitempty"`
	Staff    bool   `json:"staff,omitempty"`
}

// UserPatch changes an account; nil fields stay.
type UserPatch struct {
	Name     *string `json:"name,omitempty"`
	Admin    *bool   `json:"admin,omitempty"`
	Staff    *bool   `json:"staff,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
	Version  int     `json:"version"`
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

// OrgInput creates or (with Version) updates an organisation.
type OrgInput struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	Description   string `json:"description,omitempty"`
	Website       string `json:"website,omitempty"`
	SecurityEmail string `json:"security_email,omitempty"`
	Version       int    `json:"version,omitempty"`
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

// Token is an API token; Secret is set only when it was just made.
type Token struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	Prefix    string     `json:"prefix"`
	Scope     string     `json:"scope"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	LastUsed  *time.Time `json:"last_used_at,omitempty"`
	Secret    string     `json:"secret,omitempty"`
}

// TokenLogin signs in for a token.
type TokenLogin struct {
	Email         string `json:"email"`
	Password      string `json:"password"`
	Code          string `json:"code,omitempty"`
	TokenName     string `json:"token_name,omitempty"`
	Scope         string `json:"scope,omitempty"`
	ExpiresInDays int    `json:"expires_in_days,omitempty"`
}
