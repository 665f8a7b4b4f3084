package api

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/errs"
)

// FuzzDecode: any body gives either a decoded value or a kinded error that
// a client can read, never a panic or an internal error.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"name":"x","kind":"vendor"}`, `{"name":`, `[1]`, `{"version":"1"}`, `{} {}`, "", `{"colour":1}`, "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		var in OrgInput
		err := decode(httptest.NewRecorder(), r, &in)
		if err != nil && errs.KindOf(err) == errs.Internal {
			t.Fatalf("body %q: internal error %v", body, err)
		}
	})
}
