package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
)

// MaxBody bounds every request body of the API.
const MaxBody = 1 << 20

// statusOf is the one table from error kinds to HTTP statuses.
var statusOf = map[errs.Kind]int{
	errs.Invalid:         http.StatusUnprocessableEntity,
	errs.NotFound:        http.StatusNotFound,
	errs.Conflict:        http.StatusConflict,
	errs.Forbidden:       http.StatusForbidden,
	errs.Unauthenticated: http.StatusUnauthorized,
	errs.TooMany:         http.StatusTooManyRequests,
	errs.TooLarge:        http.StatusRequestEntityTooLarge,
	errs.Internal:        http.StatusInternalServerError,
}

// ErrorBody is the one error format of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong and, for bad input, which field.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// statusClientGone is what the log and metrics count for a request its
// client abandoned (nginx's 499, "client closed request").
const statusClientGone = 499

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	kind := errs.KindOf(err)
	status := statusOf[kind]
	if r.Context().Err() != nil {
		// The client went away: nobody reads an answer. The error is
		// whatever the driver made of the cancellation (PostgreSQL's
		// closes the connection: "driver: bad connection").
		a.log.DebugContext(r.Context(), "api: client went away", "path", r.URL.Path, "err", err)
		w.WriteHeader(statusClientGone) // for the request log and metrics
		return
	}
	if kind == errs.Internal {
		a.log.ErrorContext(r.Context(), "api: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	} else {
		a.log.DebugContext(r.Context(), "api: refused", "path", r.URL.Path, "err", err)
	}
	if kind == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	writeJSON(w, status, ErrorBody{Error: ErrorDetail{Code: string(kind), Message: errs.Public(err), Field: errs.FieldOf(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		slog.Error("api: encode response", "err", err)
		http.Error(w, `{"error":{"code":"internal","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// decode reads one JSON object into v, refusing unknown fields, wrong
// types, trailing data and bodies over MaxBody, with the field named.
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.E(errs.Invalid, "send the body as application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "the body must hold one JSON object and nothing after it")
	}
	return nil
}

func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.TooLarge, "the body is larger than %d bytes", MaxBody)
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "the body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "the body ends in the middle of the JSON")
	case errors.As(err, &syntax):
		return errs.E(errs.Invalid, "malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return errs.E(errs.Invalid, "the body must be a JSON object")
		}
		return errs.Field(typ.Field, "must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(name, "is not a field of this request")
	}
	return errs.E(errs.Invalid, "cannot read the body: %v", err)
}

func jsonType(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int64", "int32", "float64", "uint", "uint64":
		return "a number"
	case "slice":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return fmt.Sprintf("a %s", goKind)
}

// pathID reads a numeric path value.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.E(errs.NotFound, "no such %s", name)
	}
	return n, nil
}
