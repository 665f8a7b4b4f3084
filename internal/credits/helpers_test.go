package credits_test

import (
	"database/sql"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
)

type principal = auth.Principal

func casesNew(title string) cases.NewCase { return cases.NewCase{Title: title} }

func vulnFields(title string) cases.VulnFields { return cases.VulnFields{Title: title} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// closeCase closes the case as if every participant had closed its report
// (credits may not import protocol to step the states: the rows are set
// directly, which is all cases.Within reads).
func (w *world) closeCase() {
	w.t.Helper()
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(w.ctx, `UPDATE case_participants SET rm_state = 'C' WHERE case_id = $1`, w.c.ID)
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
}
