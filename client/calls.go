package client

import (
	"context"
	"fmt"
	"net/url"
)

// Login signs in and returns a new API token (with its secret).
func (c *Client) Login(ctx context.Context, in TokenLogin) (Token, error) {
	var t Token
	err := c.Do(ctx, "POST", "/api/v1/auth/token", in, &t)
	return t, err
}

// Me returns the caller.
func (c *Client) Me(ctx context.Context) (Me, error) {
	var m Me
	err := c.Do(ctx, "GET", "/api/v1/me", nil, &m)
	return m, err
}

// Tokens lists the caller's tokens.
func (c *Client) Tokens(ctx context.Context) ([]Token, error) {
	var l List[Token]
	err := c.Do(ctx, "GET", "/api/v1/me/tokens", nil, &l)
	return l.Items, err
}

// RevokeToken revokes one of the caller's tokens.
func (c *Client) RevokeToken(ctx context.Context, id int64) error {
	return c.Do(ctx, "DELETE", fmt.Sprintf("/api/v1/me/tokens/%d", id), nil, nil)
}

// Users lists a page of accounts.
func (c *Client) Users(ctx context.Context, cursor string, limit int) (List[User], error) {
	var l List[User]
	err := c.Do(ctx, "GET", "/api/v1/users"+PageQuery(cursor, limit, nil), nil, &l)
	return l, err
}

// User returns one account.
func (c *Client) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := c.Do(ctx, "GET", fmt.Sprintf("/api/v1/users/%d", id), nil, &u)
	return u, err
}

// CreateUser makes an account.
func (c *Client) CreateUser(ctx context.Context, in NewUser, opts ...Option) (User, error) {
	var u User
	err := c.Do(ctx, "POST", "/api/v1/users", in, &u, opts...)
	return u, err
}

// UpdateUser changes an account.
func (c *Client) UpdateUser(ctx context.Context, id int64, in UserPatch) (User, error) {
	var u User
	err := c.Do(ctx, "PATCH", fmt.Sprintf("/api/v1/users/%d", id), in, &u)
	return u, err
}

// Orgs lists a page of the directory, optionally by kind and name.
func (c *Client) Orgs(ctx context.Context, kind, q, cursor string, limit int) (List[Org], error) {
	extra := url.Values{}
	if kind != "" {
		extra.Set("kind", kind)
	}
	if q != "" {
		extra.Set("q", q)
	}
	var l List[Org]
	err := c.Do(ctx, "GET", "/api/v1/orgs"+PageQuery(cursor, limit, extra), nil, &l)
	return l, err
}

// Org returns one organisation.
func (c *Client) Org(ctx context.Context, id int64) (Org, error) {
	var o Org
	err := c.Do(ctx, "GET", fmt.Sprintf("/api/v1/orgs/%d", id), nil, &o)
	return o, err
}

// CreateOrg adds an organisation.
func (c *Client) CreateOrg(ctx context.Context, in OrgInput, opts ...Option) (Org, error) {
	var o Org
	err := c.Do(ctx, "POST", "/api/v1/orgs", in, &o, opts...)
	return o, err
}

// UpdateOrg replaces an organisation's details (in.Version must be current).
func (c *Client) UpdateOrg(ctx context.Context, id int64, in OrgInput) (Org, error) {
	var o Org
	err := c.Do(ctx, "PATCH", fmt.Sprintf("/api/v1/orgs/%d", id), in, &o)
	return o, err
}

// Members lists an organisation's members.
func (c *Client) Members(ctx context.Context, orgID int64) ([]Member, error) {
	var l List[Member]
	err := c.Do(ctx, "GET", fmt.Sprintf("/api/v1/orgs/%d/members", orgID), nil, &l)
	return l.Items, err
}

// AddMember adds (or invites) a member.
func (c *Client) AddMember(ctx context.Context, orgID int64, email, name, role string) (Member, error) {
	var m Member
	in := map[string]string{"email": email, "name": name, "role": role}
	err := c.Do(ctx, "POST", fmt.Sprintf("/api/v1/orgs/%d/members", orgID), in, &m)
	return m, err
}

// SetMemberRole changes a member's role.
func (c *Client) SetMemberRole(ctx context.Context, orgID, userID int64, role string) error {
	return c.Do(ctx, "PATCH", fmt.Sprintf("/api/v1/orgs/%d/members/%d", orgID, userID), map[string]string{"role": role}, nil)
}

// RemoveMember ends a membership.
func (c *Client) RemoveMember(ctx context.Context, orgID, userID int64) error {
	return c.Do(ctx, "DELETE", fmt.Sprintf("/api/v1/orgs/%d/members/%d", orgID, userID), nil, nil)
}
