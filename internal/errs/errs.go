// Package errs gives errors a kind that every transport maps to its own
// status (HTTP status, CLI exit code) in one table, and optionally names the
// input field at fault so a client can point at it.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the transports.
type Kind string

// The kinds of error. Internal is the zero kind of an error without one.
const (
	Invalid         Kind = "invalid"
	NotFound        Kind = "not_found"
	Conflict        Kind = "conflict"
	Forbidden       Kind = "forbidden"
	Unauthenticated Kind = "unauthenticated"
	TooMany         Kind = "too_many_requests"
	TooLarge        Kind = "too_large"
	Internal        Kind = "internal"
)

// Error is an error with a kind, an optional field name and a message meant
// for the person who caused it.
type Error struct {
	Kind    Kind
	Field   string
	Message string
	Err     error // the cause, if any; never shown to clients
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E makes an error of a kind with a formatted message.
func E(kind Kind, format string, a ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, a...)}
}

// Field makes an Invalid error naming the field at fault.
func Field(field, format string, a ...any) error {
	return &Error{Kind: Invalid, Field: field, Message: fmt.Sprintf(format, a...)}
}

// Wrap gives err a kind and message while keeping it as the cause.
func Wrap(kind Kind, err error, format string, a ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, a...), Err: err}
}

// KindOf reports the kind of err; errors without one are Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err has the given kind.
func Is(err error, kind Kind) bool { return err != nil && KindOf(err) == kind }

// FieldOf reports the field named by err, if any.
func FieldOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// Public is the message safe to show a client: the message of a kinded
// error, or a generic text for internal ones (their details go to the log).
func Public(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Kind != Internal {
		return e.Message
	}
	return "internal error"
}

// Renamed returns err naming field to where it names from: a caller that
// calls the field otherwise. Other errors are returned as they are.
func Renamed(err error, from, to string) error {
	var e *Error
	if errors.As(err, &e) && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}
