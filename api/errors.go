package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// The client's errors are typed, in the manner of go-github, so that callers decide with
// errors.As what a failure means (no row, a loud failure, a hint to the user) without parsing text.
// None of them ever holds the API key: requests carry it in a header, and no header is copied here.

// AuthError is a 401 or 403, or a 422 that says the X-API-Key header is missing.
type AuthError struct {
	Endpoint   string
	StatusCode int
	Message    string
	// Hint says where to set a valid key (Config.KeyHint).
	Hint string
}

func (e *AuthError) Error() string {
	msg := fmt.Sprintf("%s: the API rejected the API key (HTTP %d", e.Endpoint, e.StatusCode)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	msg += ")"
	if e.Hint != "" {
		msg += "; " + e.Hint
	}
	return msg
}

// NotFoundError is a 404.
type NotFoundError struct {
	Endpoint string
	Message  string
}

func (e *NotFoundError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("%s: not found (HTTP 404)", e.Endpoint)
	}
	return fmt.Sprintf("%s: not found (HTTP 404): %s", e.Endpoint, e.Message)
}

// UnprocessableError is a 422: FastAPI's validation error, with its detail entries.
type UnprocessableError struct {
	Endpoint string
	Detail   []ValidationError
	// Message holds a detail given as a plain string instead of a list.
	Message string
}

func (e *UnprocessableError) Error() string {
	parts := make([]string, 0, len(e.Detail)+1)
	for _, d := range e.Detail {
		parts = append(parts, fmt.Sprintf("%s: %s", formatLoc(d.Loc), d.Msg))
	}
	if e.Message != "" {
		parts = append(parts, e.Message)
	}
	if len(parts) == 0 {
		parts = append(parts, "the request was not valid")
	}
	return fmt.Sprintf("%s: HTTP 422: %s", e.Endpoint, strings.Join(parts, "; "))
}

// formatLoc renders ["query","page_size"] as query.page_size, as a user would write it.
func formatLoc(loc []any) string {
	parts := make([]string, 0, len(loc))
	for _, p := range loc {
		parts = append(parts, fmt.Sprint(p))
	}
	if len(parts) == 0 {
		return "request"
	}
	return strings.Join(parts, ".")
}

// StatusError is any other unexpected status, including a 429 or 5xx still failing when the
// retries ran out.
type StatusError struct {
	Endpoint   string
	StatusCode int
	Attempts   int
	Body       string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d", e.Endpoint, e.StatusCode)
	if e.Attempts > 1 {
		msg += fmt.Sprintf(" after %d attempts", e.Attempts)
	}
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// RequestError is a failure to get a whole response at all (network, timeout), after retries.
type RequestError struct {
	Endpoint string
	Err      error
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("%s: request failed: %v", e.Endpoint, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

// DecodeError is a 2xx body that is not the JSON the contract promises.
type DecodeError struct {
	Endpoint string
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: the response does not match the API's schema: %s", e.Endpoint, describeDecode(e.Err))
}

// describeDecode names a mistyped field as the schema does (call_logs.duration_ms, a number)
// rather than as Go does (CallLog.call_logs.duration_ms of type int64).
func describeDecode(err error) string {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err.Error()
	}
	field := typeErr.Field
	if field == "" {
		field = "the body"
	}
	return fmt.Sprintf("field %s is a JSON %s where the schema has %s", field, typeErr.Value, jsonKind(typeErr.Type))
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "an object"
}

func (e *DecodeError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}
