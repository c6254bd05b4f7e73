package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/keyward-iam/keyward"
)

// statusOf is the one table from error code to HTTP status.
var statusOf = map[keyward.Code]int{
	keyward.CodeInvalid:            http.StatusBadRequest,
	keyward.CodeUnauthenticated:    http.StatusUnauthorized,
	keyward.CodeMFARequired:        http.StatusUnauthorized,
	keyward.CodePermissionDenied:   http.StatusForbidden,
	keyward.CodeNotFound:           http.StatusNotFound,
	keyward.CodeMethodNotAllowed:   http.StatusMethodNotAllowed,
	keyward.CodeConflict:           http.StatusConflict,
	keyward.CodeGone:               http.StatusGone,
	keyward.CodePreconditionFailed: http.StatusPreconditionFailed,
	keyward.CodeTooLarge:           http.StatusRequestEntityTooLarge,
	keyward.CodeUnprocessable:      http.StatusUnprocessableEntity,
	keyward.CodeRateLimited:        http.StatusTooManyRequests,
	keyward.CodeUnavailable:        http.StatusServiceUnavailable,
	keyward.CodeInternal:           http.StatusInternalServerError,
}

// Status returns the code of err and the HTTP status it is answered
// with: every error not in the table is an internal one, a 500. The web
// console answers its pages' errors with the same statuses.
func Status(err error) (keyward.Code, int) {
	code := keyward.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		return keyward.CodeInternal, http.StatusInternalServerError
	}
	return code, status
}

// errorBody is Vultr's error shape, extended with keyward's code, field,
// request id, for a 403 the deny explanation and, for a 400 with several
// problems (such as a policy document's), the list of them, and for a 503
// of /readyz the failed checks.
type errorBody struct {
	Error       string `json:"error"`
	Status      int    `json:"status"`
	Code        string `json:"code"`
	Field       string `json:"field,omitempty"`
	RequestID   string `json:"request_id,omitempty"`
	Explanation any    `json:"explanation,omitempty"`
	Errors      any    `json:"errors,omitempty"`
}

// SetRetryAfter sets h's Retry-After (whole seconds, at least 1) when err
// is a rate limit that says how long to wait: every answer of a throttle,
// the API's and the console's, says it.
func SetRetryAfter(h http.Header, err error) {
	if e := keyward.AsError(err); e != nil && e.Code == keyward.CodeRateLimited {
		if d, ok := e.Detail.(time.Duration); ok {
			h.Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
		}
	}
}

// writeError answers r with err, with a Retry-After header when it is a
// rate limit that says how long to wait. Internal errors are logged with their
// cause and answered with a generic message; nothing else is logged here.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, status := Status(err)
	SetRetryAfter(w.Header(), err)
	body := errorBody{Error: keyward.ErrorMessage(err), Status: status, Code: string(code), RequestID: requestID(r.Context())}
	if e := keyward.AsError(err); e != nil {
		body.Field = e.Field
		switch code {
		case keyward.CodePermissionDenied:
			body.Explanation = e.Detail
		case keyward.CodeInvalid, keyward.CodeUnavailable:
			body.Errors = e.Detail // the problems; for a 503 of /readyz, the failed checks
		}
	}
	if code == keyward.CodeInternal {
		s.log.ErrorContext(r.Context(), "internal error", "err", err, "request_id", body.RequestID,
			"method", r.Method, "path", redactPath(r.URL.Path))
	}
	if code == keyward.CodePermissionDenied && s.svc != nil {
		// After the handler's transaction: a refusal is recorded in one
		// of its own.
		s.svc.AuditRefusal(r.Context(), r.Pattern, s.actions[r.Pattern], err)
	}
	writeJSON(w, status, body)
}

// muxErrors answers in JSON where the mux itself would answer in text: an
// unknown path (404) or a known path with an unsupported method (405).
// Vultr's client cannot parse a text body.
func (s *server) muxErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		iw := &interceptWriter{ResponseWriter: w}
		mux.ServeHTTP(iw, r)
		switch iw.status {
		case http.StatusMethodNotAllowed:
			s.writeError(w, r, keyward.Errorf(keyward.CodeMethodNotAllowed, "Method %s is not allowed on %s.", r.Method, r.URL.Path))
		case http.StatusNotFound:
			s.writeError(w, r, keyward.Errorf(keyward.CodeNotFound, "No such endpoint: %s %s.", r.Method, r.URL.Path))
		}
	})
}

// interceptWriter swallows a 404 or 405 written by the mux and passes
// anything else (such as a redirect to a path's canonical form) through.
type interceptWriter struct {
	http.ResponseWriter
	status int
}

func (w *interceptWriter) WriteHeader(code int) {
	w.status = code
	if !w.swallowed() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *interceptWriter) Write(b []byte) (int, error) {
	if w.swallowed() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *interceptWriter) swallowed() bool {
	return w.status == http.StatusMethodNotAllowed || w.status == http.StatusNotFound
}
