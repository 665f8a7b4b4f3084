package reports

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
)

// Attachments lists the attachments of report reportID, without their
// data, to staff and to the report's signed-in reporter; to anyone else
// the report does not exist.
func (s *Service) Attachments(ctx context.Context, p auth.Principal, reportID int64) ([]Attachment, error) {
	q := s.db.Read()
	r, err := getRow(ctx, q, reportID)
	if err != nil {
		return nil, err
	}
	if err := CanView(p, r.ReporterUserID); err != nil {
		return nil, err
	}
	return attachments(ctx, q, reportID)
}
