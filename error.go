package keyward

import (
	"errors"
	"fmt"
)

// Code classifies an Error. Codes are part of the API (they appear in error
// bodies as "code"), so they are only ever added, never renamed.
type Code string

// The error codes. httpapi maps each to exactly one HTTP status.
const (
	CodeInvalid            Code = "invalid"             // 400: malformed or invalid input
	CodeUnauthenticated    Code = "unauthenticated"     // 401: no, bad, expired or revoked credential
	CodeMFARequired        Code = "mfa_required"        // 401: the right password of an account that also needs a second factor
	CodePermissionDenied   Code = "permission_denied"   // 403: authenticated but not allowed
	CodeNotFound           Code = "not_found"           // 404: missing, or not visible to the caller
	CodeMethodNotAllowed   Code = "method_not_allowed"  // 405: the path exists, the method does not
	CodeConflict           Code = "conflict"            // 409: unique constraint, state conflict, limit
	CodeGone               Code = "gone"                // 410: a link that was used, revoked, replaced or expired
	CodePreconditionFailed Code = "precondition_failed" // 412: stale If-Match
	CodeTooLarge           Code = "too_large"           // 413: body over the limit
	CodeUnprocessable      Code = "unprocessable"       // 422: well-formed but semantically wrong
	CodeRateLimited        Code = "rate_limited"        // 429
	CodeUnavailable        Code = "unavailable"         // 503: dependency down
	CodeInternal           Code = "internal"            // 500: a bug; never caused by input
)

// ErrExpired is the cause (Error.Err) of a CodeUnauthenticated error about a
// credential that was valid and has expired, for the protocols that answer
// expiry with an error of its own (AWS STS's ExpiredTokenException).
var ErrExpired = errors.New("expired")

// Error is the error returned across package boundaries. Message is safe to
// show to the API caller; Err is the cause, for logs only. Field names the
// request field that is wrong, when there is one (e.g. "email" or
// "policy_document.Statement[1].Action[0]"). Detail carries structured data
// the caller may see, such as a deny explanation.
type Error struct {
	Code    Code
	Message string
	Field   string
	Op      string
	Err     error
	Detail  any
}

// Error implements error. The text includes the cause for logs; callers who
// answer an API request use ErrorMessage instead.
func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Message
	if e.Field != "" {
		s = string(e.Code) + ": " + e.Field + ": " + e.Message
	}
	if e.Op != "" {
		s = e.Op + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns a CodeInvalid *Error that names the wrong field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal for any other non-nil error, or "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the caller-safe message of err: the Message of the
// first *Error in its chain, or "Internal error." for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Internal error."
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
