package reports

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

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Attachment is a stored file of a report. Data is filled only by the
// methods that hand the file out.
type Attachment struct {
	ID          int64
	ReportID    int64
	Name        string // cleaned: no folders, no control characters
	ContentType string // sniffed by http.DetectContentType: information, never trusted
	Size        int64
	SHA256      string // hex
	CreatedAt   time.Time
	Data        []byte
}

// checkAttachments validates the attachments of a submission against the
// policy's limits and cleans their names.
func checkAttachments(list []NewAttachment, pol Policy) ([]NewAttachment, error) {
	if len(list) > pol.MaxAttachments {
		return nil, errs.Field("attachments", "can hold at most %d files", pol.MaxAttachments)
	}
	out := make([]NewAttachment, len(list))
	var total int64
	for i, a := range list {
		field := fmt.Sprintf("attachments[%d]", i)
		size := int64(len(a.Data))
		switch {
		case size == 0:
			return nil, errs.Field(field, "is empty")
		case size > pol.MaxAttachmentSize:
			return nil, &errs.Error{Kind: errs.TooLarge, Field: field,
				Message: fmt.Sprintf("is larger than %s, the limit per file", sizeText(pol.MaxAttachmentSize))}
		}
		total += size
		out[i] = NewAttachment{Name: cleanFileName(a.Name, i), Data: a.Data}
	}
	if total > pol.MaxAttachmentsSize {
		return nil, &errs.Error{Kind: errs.TooLarge, Field: "attachments",
			Message: fmt.Sprintf("are larger than %s together, the limit per report", sizeText(pol.MaxAttachmentsSize))}
	}
	return out, nil
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	if n >= 1<<10 && n%(1<<10) == 0 {
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// cleanFileName keeps the last element of a path, without control or
// bidirectional formatting characters, at most 200 characters (keeping the
// extension); a name that is left empty becomes "attachment-N".
func cleanFileName(name string, i int) string {
	name = strings.ToValidUTF8(name, "")
	if j := strings.LastIndexAny(name, `/\`); j >= 0 {
		name = name[j+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || bidi(r) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.Join(strings.Fields(name), " "), ". ")
	if name == "" {
		return fmt.Sprintf("attachment-%d", i+1)
	}
	if utf8.RuneCountInString(name) > MaxName {
		ext := ""
		if k := strings.LastIndexByte(name, '.'); k > 0 && len(name)-k <= 10 {
			ext = name[k:]
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:MaxName-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// addAttachment stores one attachment of report id in tx.
func addAttachment(ctx context.Context, tx *sql.Tx, now time.Time, reportID int64, a NewAttachment) (Attachment, error) {
	sum := sha256.Sum256(a.Data)
	at := Attachment{ReportID: reportID, Name: a.Name, ContentType: http.DetectContentType(a.Data), Size: int64(len(a.Data)),
		SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
	err := tx.QueryRowContext(ctx, `INSERT INTO report_attachments (report_id, name, content_type, size, sha256, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		reportID, at.Name, at.ContentType, at.Size, at.SHA256, a.Data, now).Scan(&at.ID)
	return at, err
}

const attachmentColumns = `id, report_id, name, content_type, size, sha256, created_at`

func scanAttachment(sc interface{ Scan(...any) error }, extra ...any) (Attachment, error) {
	var a Attachment
	err := sc.Scan(append([]any{&a.ID, &a.ReportID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return a, errs.E(errs.NotFound, "no such attachment")
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return a, err
}

// attachments lists a report's attachments without their data.
func attachments(ctx context.Context, q store.Querier, reportID int64) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+attachmentColumns+` FROM report_attachments WHERE report_id = $1 ORDER BY id`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func attachmentWithData(ctx context.Context, q store.Querier, id int64) (Attachment, error) {
	var a Attachment
	var data []byte
	a, err := scanAttachment(q.QueryRowContext(ctx, `SELECT `+attachmentColumns+`, data FROM report_attachments WHERE id = $1`, id), &data)
	a.Data = data
	return a, err
}

// Attachment returns an attachment with its data to staff and to the
// report's signed-in reporter; to anyone else it does not exist. Serve it
// only as a download (Content-Disposition: attachment, nosniff).
func (s *Service) Attachment(ctx context.Context, p auth.Principal, id int64) (Attachment, error) {
	var reporter sql.NullInt64
	err := s.db.Read().QueryRowContext(ctx, `SELECT r.reporter_user_id FROM report_attachments a
		JOIN reports r ON r.id = a.report_id WHERE a.id = $1`, id).Scan(&reporter)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && CanView(p, reporter.Int64) != nil) {
		return Attachment{}, errs.E(errs.NotFound, "no such attachment")
	}
	if err != nil {
		return Attachment{}, err
	}
	return attachmentWithData(ctx, s.db.Read(), id)
}

// AttachmentByFollowUp returns an attachment of the report whose follow-up
// secret is secret.
func (s *Service) AttachmentByFollowUp(ctx context.Context, secret string, id int64) (Attachment, error) {
	r, err := rowByKey(ctx, s.db.Read(), followUpKey(secret))
	if err != nil {
		return Attachment{}, err
	}
	a, err := attachmentWithData(ctx, s.db.Read(), id)
	if err != nil || a.ReportID != r.ID {
		return Attachment{}, errs.E(errs.NotFound, "no such attachment")
	}
	return a, nil
}
