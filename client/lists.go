package client

import (
	"context"
	"strconv"
	"time"
)

// VendorList is a saved set of organisations and nested lists.
type VendorList struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Orgs        []Org        `json:"orgs"`
	Sublists    []VendorList `json:"sublists"`
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

// VendorListInput creates or replaces a list.
type VendorListInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description,omitempty"`
	Orgs        []int64 `json:"orgs"`
	Sublists    []int64 `json:"sublists"`
	Version     int     `json:"version,omitempty"`
}

func listPath(id int64) string { return "/api/v1/vendor-lists/" + strconv.FormatInt(id, 10) }

// VendorLists lists the saved vendor lists.
func (c *Client) VendorLists(ctx context.Context) ([]VendorList, error) {
	var l List[VendorList]
	err := c.Do(ctx, "GET", "/api/v1/vendor-lists", nil, &l)
	return l.Items, err
}

// VendorList reads one list with its direct entries.
func (c *Client) VendorList(ctx context.Context, id int64) (VendorList, error) {
	var out VendorList
	err := c.Do(ctx, "GET", listPath(id), nil, &out)
	return out, err
}

// SaveVendorList creates a list (id 0) or replaces one (with in.Version).
func (c *Client) SaveVendorList(ctx context.Context, id int64, in VendorListInput) (VendorList, error) {
	var out VendorList
	if id == 0 {
		err := c.Do(ctx, "POST", "/api/v1/vendor-lists", in, &out)
		return out, err
	}
	err := c.Do(ctx, "PUT", listPath(id), in, &out)
	return out, err
}

// DeleteVendorList deletes a list.
func (c *Client) DeleteVendorList(ctx context.Context, id int64) error {
	return c.Do(ctx, "DELETE", listPath(id), nil, nil)
}

// AddFromList adds a saved list's organisations not yet in the case with
// roles (vendor when none).
func (c *Client) AddFromList(ctx context.Context, key string, list int64, roles []string) ([]CaseParticipant, error) {
	var out List[CaseParticipant]
	err := c.Do(ctx, "POST", casePath(key, "participants", "from-list"), map[string]any{"vendor_list": list, "roles": roles}, &out)
	return out.Items, err
}
