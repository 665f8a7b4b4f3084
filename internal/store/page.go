package store

import (
	"encoding/base64"
	"strconv"

	"github.com/parleycvd/parley/internal/errs"
)

// Page asks for a slice of a list ordered by ID: the rows after the row
// with ID After, at most Limit of them.
type Page struct {
	After int64
	Limit int
}

// MaxPageSize bounds every list.
const MaxPageSize = 200

// Size is the limit to use: Limit within 1..MaxPageSize, default 50.
func (p Page) Size() int {
	switch {
	case p.Limit <= 0:
		return 50
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// EncodeCursor turns the last ID of a page into an opaque cursor.
func EncodeCursor(lastID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(lastID, 10)))
}

// DecodeCursor reads a cursor made by EncodeCursor; "" is the first page.
func DecodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && len(b) > 3 && string(b[:3]) == "id:" {
		if id, err := strconv.ParseInt(string(b[3:]), 10, 64); err == nil && id >= 0 {
			return id, nil
		}
	}
	return 0, errs.Field("cursor", "is not a cursor this server gave out")
}
