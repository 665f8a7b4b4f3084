package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Candidate is a report that may describe the same issue as another.
type Candidate struct {
	ID          int64
	TrackingID  string
	Title       string
	Status      Status
	RM          protocol.RMState
	Outcome     Outcome
	DuplicateOf int64
	ReceivedAt  time.Time
	Score       float64  // 0 to 1.6: 0.3 each for a shared vendor and product, plus the words shared
	Reasons     []string // why it is suggested, in plain words
}

// Tuning of SuggestDuplicates.
const (
	maxCandidates  = 10
	minScore       = 0.25
	sameVendorGain = 0.3
	sameProdGain   = 0.3
	rankWindow     = 2000 // the most recent full-text matches ranked
)

// SuggestDuplicates lists the reports most likely to describe the same
// issue as report id: those naming the same vendor or product, and those
// whose text is similar (found by full-text search, scored by the share of
// words they have in common), best first.
func (s *Service) SuggestDuplicates(ctx context.Context, p auth.Principal, id int64) ([]Candidate, error) {
	if err := CanTriage(p); err != nil {
		return nil, err
	}
	if _, err := s.catchUp(ctx); err != nil {
		return nil, err
	}
	q := s.db.Read()
	r, err := load(ctx, q, id)
	if err != nil {
		return nil, err
	}
	ids, err := s.candidateIDs(ctx, q, r)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	cands, texts, err := loadCandidates(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	vkeys, pkeys, err := candidateKeys(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	mine := wordSet(r.Title + " " + r.Description)
	var out []Candidate
	for _, c := range cands {
		if c.DuplicateOf == r.ID || c.ID == r.DuplicateOf {
			continue // linked already
		}
		c.score(r, mine, wordSet(texts[c.ID]), vkeys[c.ID], pkeys[c.ID])
		if c.Score >= minScore {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out[:min(len(out), maxCandidates)], nil
}

func (c *Candidate) score(r Report, mine, theirs map[string]bool, vendors, products map[string]bool) {
	for _, v := range r.Vendors {
		if vendors[nameKey(v.Name)] {
			c.Score += sameVendorGain
			c.Reasons = append(c.Reasons, "same vendor: "+v.Name)
			break
		}
	}
	for _, p := range r.Products {
		if products[nameKey(p.Name)] {
			c.Score += sameProdGain
			c.Reasons = append(c.Reasons, "same product: "+p.Name)
			break
		}
	}
	if sim := jaccard(mine, theirs); sim > 0.05 {
		c.Score += sim
		c.Reasons = append(c.Reasons, fmt.Sprintf("similar text: %.0f%% of words shared", 100*sim))
	}
}

// candidateIDs finds reports sharing a vendor or product name with r, and
// the best full-text matches of r's title, products and vendors.
func (s *Service) candidateIDs(ctx context.Context, q store.Querier, r Report) ([]int64, error) {
	seen := map[int64]bool{r.ID: true}
	var ids []int64
	collect := func(query string, args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		return rows.Err()
	}
	for _, table := range []string{"report_vendors", "report_products"} {
		keys := nameKeys(r, table)
		if len(keys) == 0 {
			continue
		}
		args, marks := []any{r.ID}, make([]string, len(keys))
		for i, k := range keys {
			args, marks[i] = append(args, k), "$"+strconv.Itoa(i+2)
		}
		if err := collect(`SELECT report_id FROM `+table+` WHERE name_key IN (`+strings.Join(marks, ", ")+
			`) AND report_id <> $1 ORDER BY report_id DESC LIMIT 200`, args...); err != nil {
			return nil, err
		}
	}
	terms := significant(searchTerms(r.Title + " " + productsText(r.Products) + " " + vendorsText(r.Vendors)))
	if len(terms) == 0 {
		return ids, nil
	}
	// Rank the most recent textual matches only: ranking every report
	// sharing a common word would cost more than the page may take, and
	// duplicates tend to arrive close together.
	if s.db.Engine == store.Postgres {
		err := collect(`SELECT id FROM (SELECT id, search FROM reports WHERE search @@ to_tsquery('english', $1) AND id <> $2
			ORDER BY id DESC LIMIT `+strconv.Itoa(rankWindow)+`) m ORDER BY ts_rank(search, to_tsquery('english', $1)) DESC, id LIMIT 50`,
			strings.Join(terms, " | "), r.ID)
		return ids, err
	}
	err := collect(`SELECT rowid FROM (SELECT rowid, rank FROM reports_fts WHERE reports_fts MATCH $1 AND rowid <> $2
		ORDER BY rowid DESC LIMIT `+strconv.Itoa(rankWindow)+`) ORDER BY rank LIMIT 50`, `"`+strings.Join(terms, `" OR "`)+`"`, r.ID)
	return ids, err
}

func nameKeys(r Report, table string) []string {
	var keys []string
	if table == "report_vendors" {
		for _, v := range r.Vendors {
			keys = append(keys, nameKey(v.Name))
		}
		return keys
	}
	for _, p := range r.Products {
		keys = append(keys, nameKey(p.Name))
	}
	return keys
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

// loadCandidates reads the candidates and, for scoring, the start of
// their text.
func loadCandidates(ctx context.Context, q store.Querier, ids []int64) ([]Candidate, map[int64]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, tracking_id, title, SUBSTR(description, 1, 4000), status, rm_state, outcome,
		duplicate_of, received_at FROM reports WHERE id IN (`+idList(ids)+`) ORDER BY id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Candidate
	texts := map[int64]string{}
	for rows.Next() {
		var c Candidate
		var desc, status, rm, outcome string
		var dup sql.NullInt64
		if err := rows.Scan(&c.ID, &c.TrackingID, &c.Title, &desc, &status, &rm, &outcome, &dup, &c.ReceivedAt); err != nil {
			return nil, nil, err
		}
		c.Status, c.Outcome, c.DuplicateOf, c.ReceivedAt = Status(status), Outcome(outcome), dup.Int64, c.ReceivedAt.UTC()
		if c.RM, err = protocol.ParseRMState(rm); err != nil {
			return nil, nil, err
		}
		texts[c.ID] = c.Title + " " + desc
		out = append(out, c)
	}
	return out, texts, rows.Err()
}

// candidateKeys reads the vendor and product name keys of each candidate.
func candidateKeys(ctx context.Context, q store.Querier, ids []int64) (vendors, products map[int64]map[string]bool, err error) {
	read := func(table string) (map[int64]map[string]bool, error) {
		rows, err := q.QueryContext(ctx, `SELECT report_id, name_key FROM `+table+` WHERE report_id IN (`+idList(ids)+`)`)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		m := map[int64]map[string]bool{}
		for rows.Next() {
			var id int64
			var key string
			if err := rows.Scan(&id, &key); err != nil {
				return nil, err
			}
			if m[id] == nil {
				m[id] = map[string]bool{}
			}
			m[id][key] = true
		}
		return m, rows.Err()
	}
	if vendors, err = read("report_vendors"); err != nil {
		return nil, nil, err
	}
	products, err = read("report_products")
	return vendors, products, err
}

// stopWords are words too common in reports to tell two apart.
var stopWords = map[string]bool{
	"the": true, "and": true, "for": true, "with": true, "that": true, "this": true, "from": true, "are": true, "was": true,
	"can": true, "not": true, "via": true, "has": true, "have": true, "when": true, "which": true, "into": true, "its": true,
	"vulnerability": true, "issue": true, "allows": true, "attacker": true, "version": true, "versions": true,
}

// significant keeps the terms of three or more characters that are not
// stop words.
func significant(terms []string) []string {
	var out []string
	for _, t := range terms {
		if len([]rune(t)) >= 3 && !stopWords[t] {
			out = append(out, t)
		}
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !isWordRune(r) })
	for _, w := range significant(words) {
		m[w] = true
	}
	return m
}

// jaccard is the share of words two sets have in common.
func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(len(a)+len(b)-n)
}

// MarkDuplicate links report dup to original, the earlier report of the
// same issue: dup is validated (if it was not), then deferred in the
// original's favour; it is never judged invalid. A duplicate of a
// duplicate is linked to the first original, and reports that were
// duplicates of dup follow it there.
func (s *Service) MarkDuplicate(ctx context.Context, p auth.Principal, dup int64, version int, original int64) (Report, error) {
	if version <= 0 {
		return Report{}, errs.Field("version", "is required: send the version you read")
	}
	if dup == original {
		return Report{}, errs.Field("original", "must be another report")
	}
	return s.change(ctx, p, dup, version, func(c *change) error {
		orig, err := getRow(ctx, c.tx, original)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("original", "is not a report")
		}
		if err != nil {
			return err
		}
		if orig.DuplicateOf == dup {
			return errs.E(errs.Conflict, "%s is itself a duplicate of this report", orig.TrackingID)
		}
		if orig.DuplicateOf != 0 { // link to the first original
			if orig, err = getRow(ctx, c.tx, orig.DuplicateOf); err != nil {
				return err
			}
		}
		if err := c.deferAsDuplicate(orig.ID); err != nil {
			return err
		}
		return c.linkDuplicate(orig.ID, orig.TrackingID)
	})
}

// deferAsDuplicate takes the report to Deferred through Valid.
func (c *change) deferAsDuplicate(root int64) error {
	var path []protocol.RMEvent
	switch c.r.RM {
	case protocol.RMReceived, protocol.RMInvalid:
		path = []protocol.RMEvent{protocol.RMValidate, protocol.RMDefer}
	case protocol.RMValid, protocol.RMAccepted:
		path = []protocol.RMEvent{protocol.RMDefer}
	case protocol.RMClosed:
		return errs.E(errs.Conflict, "the report is closed: closed is final")
	}
	for _, e := range path {
		if _, err := c.step(e); err != nil {
			return err
		}
	}
	c.r.DuplicateOf, c.r.Outcome, c.r.Resolution, c.dirty = root, OutcomeDuplicate, ReasonDuplicate, true
	c.acknowledge()
	return nil
}

// linkDuplicate moves dup's own duplicates to root, journals the link on
// both reports and tells the reporter.
func (c *change) linkDuplicate(root int64, origTracking string) error {
	res, err := c.tx.ExecContext(c.ctx, `UPDATE reports SET duplicate_of = $1, version = version + 1, updated_at = $2
		WHERE duplicate_of = $3`, root, c.now, c.r.ID)
	if err != nil {
		return err
	}
	moved, _ := res.RowsAffected()
	c.action = "report.marked_duplicate"
	c.data["original_id"], c.data["original"], c.data["moved_duplicates"] = root, origTracking, moved
	if err := record(c.ctx, c.tx, c.now, c.actor, "report.duplicate_linked", root, map[string]any{"duplicate_id": c.r.ID,
		"duplicate": c.r.TrackingID}); err != nil {
		return err
	}
	return c.announce(AuthorCoordinator, deferredText(ReasonDuplicate))
}
