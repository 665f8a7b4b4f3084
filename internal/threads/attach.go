package threads

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// maxFileName bounds a stored file name, in characters.
const maxFileName = 200

// checkAttachments validates the files of a post against the limits and
// cleans their names.
func checkAttachments(list []NewAttachment, l Limits) ([]NewAttachment, error) {
	if len(list) > l.MaxAttachments {
		return nil, errs.Field("attachments", "can hold at most %d files", l.MaxAttachments)
	}
	out := make([]NewAttachment, len(list))
	var total int64
	for i, a := range list {
		field := fmt.Sprintf("attachments[%d]", i)
		switch size := int64(len(a.Data)); {
		case size == 0:
			return nil, errs.Field(field, "is empty")
		case size > l.MaxAttachmentSize:
			return nil, &errs.Error{Kind: errs.TooLarge, Field: field,
				Message: fmt.Sprintf("is larger than %s, the limit per file", SizeText(l.MaxAttachmentSize))}
		default:
			total += size
		}
		out[i] = NewAttachment{Name: cleanFileName(a.Name, i), Data: a.Data}
	}
	if total > l.MaxAttachmentsSize {
		return nil, &errs.Error{Kind: errs.TooLarge, Field: "attachments",
			Message: fmt.Sprintf("are larger than %s together, the limit per post", SizeText(l.MaxAttachmentsSize))}
	}
	return out, nil
}

// SizeText writes a size for people, e.g. "10 MiB".
func SizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// cleanFileName keeps the last element of a path without control or
// bidirectional formatting characters (which could disguise an
// extension), at most maxFileName characters keeping the extension; an
// empty name becomes "attachment-N".
func cleanFileName(name string, i int) string {
	name = strings.ToValidUTF8(name, "")
	if j := strings.LastIndexAny(name, `/\`); j >= 0 {
		name = name[j+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if name == "" {
		return fmt.Sprintf("attachment-%d", i+1)
	}
	if utf8.RuneCountInString(name) > maxFileName {
		ext := ""
		if k := strings.LastIndexByte(name, '.'); k > 0 && len(name)-k <= 10 {
			ext = name[k:]
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:maxFileName-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// addAttachments stores the files of post postID.
func addAttachments(ctx context.Context, tx *sql.Tx, now time.Time, postID int64, list []NewAttachment) ([]Attachment, error) {
	var out []Attachment
	for _, a := range list {
		sum := sha256.Sum256(a.Data)
		at := Attachment{PostID: postID, Name: a.Name, ContentType: http.DetectContentType(a.Data), Size: int64(len(a.Data)),
			SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
		err := tx.QueryRowContext(ctx, `INSERT INTO thread_attachments (post_id, name, content_type, size, sha256, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, postID, at.Name, at.ContentType, at.Size, at.SHA256, a.Data, now).Scan(&at.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, at)
	}
	return out, nil
}

const attachmentColumns = `id, post_id, name, content_type, size, sha256, created_at`

func scanAttachment(sc interface{ Scan(...any) error }, extra ...any) (Attachment, error) {
	var a Attachment
	err := sc.Scan(append([]any{&a.ID, &a.PostID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.NotFound, "no such attachment")
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// attachmentsOf lists the files of the posts ids without their data, by
// post.
func attachmentsOf(ctx context.Context, q store.Querier, ids []int64) (map[int64][]Attachment, error) {
	out := map[int64][]Attachment{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM thread_attachments WHERE post_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY id`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out[a.PostID] = append(out[a.PostID], a)
	}
	return out, rows.Err()
}

// attachmentWithData reads file id of post postID with its content.
func attachmentWithData(ctx context.Context, q store.Querier, postID, id int64) (Attachment, error) {
	var data []byte
	a, err := scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachmentColumns+`, data FROM thread_attachments
		WHERE id = $1 AND post_id = $2`, id, postID), &data)
	a.Data = data
	return a, err
}
