package journal

import (
	"context"
	"fmt"

	"github.com/parleycvd/parley/internal/store"
)

// Report is the outcome of Verify.
type Report struct {
	Entries  int64  // entries checked
	BrokenAt int64  // seq of the first broken entry, 0 when the chain holds
	Reason   string // why that entry is broken
}

// OK reports whether the chain holds.
func (r Report) OK() bool { return r.BrokenAt == 0 }

// Verify replays the whole chain and names the first entry whose sequence
// number, link to the previous entry or own hash is wrong, and whether the
// head agrees with the last entry (a deleted tail shows there).
func Verify(ctx context.Context, q store.Querier) (Report, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+entryColumns+` FROM journal ORDER BY seq`)
	if err != nil {
		return Report{}, err
	}
	defer rows.Close()
	var r Report
	prev := ""
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return r, err
		}
		r.Entries++
		switch {
		case e.Seq != r.Entries:
			return fail(r, r.Entries, fmt.Sprintf("entry %d is missing (found %d next)", r.Entries, e.Seq)), nil
		case e.PrevHash != prev:
			return fail(r, e.Seq, "its link to the previous entry does not match that entry's hash"), nil
		case e.computeHash() != e.Hash:
			return fail(r, e.Seq, "its contents do not match its hash"), nil
		}
		prev = e.Hash
	}
	if err := rows.Err(); err != nil {
		return r, err
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM journal_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return r, err
	}
	if headSeq != r.Entries || headHash != prev {
		return fail(r, r.Entries+1, fmt.Sprintf("the head names entry %d but the journal ends at %d: entries were removed", headSeq, r.Entries)), nil
	}
	return r, nil
}

func fail(r Report, seq int64, reason string) Report {
	r.BrokenAt, r.Reason = seq, reason
	return r
}
