package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

type ctxKey int

const routeKey ctxKey = 1

func requestID(ctx context.Context) string {
	id, _ := keyward.RequestFromContext(ctx)
	return id
}

// routeContext carries the routeInfo of a request in the context node
// itself, one allocation for both.
type routeContext struct {
	context.Context
	route routeInfo
}

func (c *routeContext) Value(key any) any {
	if key == routeKey {
		return &c.route
	}
	return c.Context.Value(key)
}

// validRequestID accepts a caller's X-Request-Id only if it is short and
// plain, so it can be logged and echoed safely.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// withRequestID gives every request an id (the caller's X-Request-Id if
// sane), echoes it in the response, and puts it and the source IP where the
// service's audit events find them; and it readies the response for the
// revision of a write (withRevision), with the same copy of the request.
// The source address is the peer's, or the client's behind a trusted
// proxy (SourceAddr).
func withRequestID(next http.Handler, trusted []netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		ctx := keyward.NewContextWithRequest(&routeContext{Context: r.Context()}, id, SourceAddr(r, trusted))
		ctx, w = withRevision(ctx, w)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// statusWriter remembers the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverPanics turns a handler panic into a logged 500, so one bad request
// cannot take the server down.
func (s *server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "panic", "panic", v, "stack", string(debug.Stack()), "request_id", requestID(r.Context()))
				s.writeError(w, r, &keyward.Error{Code: keyward.CodeInternal})
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// logRequests writes one JSON log line per request.
func (s *server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		// LogAttrs, not InfoContext: typed attributes are not boxed.
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", requestID(r.Context())),
			slog.String("method", r.Method), slog.String("route", routeOf(r)), slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("remote", r.RemoteAddr))
	})
}

// limitBody caps every request body at MaxBodyBytes.
func limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// checkQuery refuses a malformed query string, which url.Values would
// otherwise drop silently: "?cursor=%%%" must not read as no cursor.
func (s *server) checkQuery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery == "" {
			next.ServeHTTP(w, r)
			return
		}
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			s.notePattern(r)
			s.writeError(w, r, keyward.FieldError("query", "The query string is malformed: %v.", err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token of every non-public request to a
// principal, or answers 401.
func (s *server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.isPublic(r.URL.Path) || !strings.HasPrefix(r.URL.Path, "/v2/") {
			next.ServeHTTP(w, r)
			return
		}
		if s.browser[r.URL.Path] && r.Header.Get("Authorization") == "" {
			if p := s.browserPrincipal(r); p != nil {
				r = r.WithContext(keyward.NewContextWithPrincipal(r.Context(), p))
			}
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			s.notePattern(r)
			w.Header().Set("WWW-Authenticate", `Bearer realm="keyward"`)
			s.writeError(w, r, keyward.Errorf(keyward.CodeUnauthenticated, "Missing bearer token: send Authorization: Bearer <API key>."))
			return
		}
		p, err := s.svc.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.notePattern(r)
			if keyward.ErrorCode(err) == keyward.CodeUnauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="keyward", error="invalid_token"`)
			}
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(keyward.NewContextWithPrincipal(r.Context(), p)))
	})
}

// pagesFirst hands the requests pages matches to it, noting their
// pattern for the request log and metrics, and every other to next.
func pagesFirst(pages Pages, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pattern, ok := pages.Match(r)
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		if ri, ok := r.Context().Value(routeKey).(*routeInfo); ok {
			ri.pattern = pattern
		}
		pages.ServeHTTP(w, r)
	})
}

// notePattern records, for the log line and metrics of a request answered
// before the mux (a 401, a malformed query), the route it was meant for,
// so that it is not counted as "unmatched".
func (s *server) notePattern(r *http.Request) {
	if ri, ok := r.Context().Value(routeKey).(*routeInfo); ok && ri.pattern == "" {
		_, ri.pattern = s.mux.Handler(r)
	}
}

// RevisionHeader carries, on the response to a write, the organization
// revision the write committed. Passing it back as min_revision makes any
// replica's authorization see the write.
const RevisionHeader = "X-Keyward-Revision"

// withRevision returns ctx and w for a request whose response carries
// RevisionHeader if it committed a write: ctx records the revision, w
// sets the header from it.
func withRevision(ctx context.Context, w http.ResponseWriter) (context.Context, http.ResponseWriter) {
	ctx, rev := service.WithRevision(ctx)
	return ctx, &revisionWriter{ResponseWriter: w, rev: rev}
}

// revisionWriter adds RevisionHeader just before the header is written.
type revisionWriter struct {
	http.ResponseWriter
	rev   func() int64
	wrote bool
}

func (w *revisionWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		if rev := w.rev(); rev > 0 {
			w.Header().Set(RevisionHeader, strconv.FormatInt(rev, 10))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *revisionWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *revisionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
