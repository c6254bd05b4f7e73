package httpapi

import (
	"net/http"
)

// callHandler serves an operation: it reads what the path names (an id,
// or several) with scope, when scope is not nil, then decodes the body
// strictly into a Req (decodeJSON; with noBody it reads none, with
// struct{} it must be empty or {}), and passes both to call. What call
// returns goes on the wire with status; with http.StatusNoContent there is
// no body, and call returns nil. Any error is answered as writeError does,
// the first one found in that order, so a bad path id wins over a bad body.
func callHandler[K, Req any](s *server, scope func(*http.Request) (K, error), status int,
	call func(r *http.Request, id K, req *Req) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := scopeOf(r, scope)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var req Req
		if _, none := any(&req).(*noBody); !none {
			if err := decodeJSON(r, &req); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		body, err := call(r, id, &req)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, body)
	})
}

// scopeOf reads what scope names in r's path, or the zero K when scope is
// nil (an operation on the caller's organization as a whole).
func scopeOf[K any](r *http.Request, scope func(*http.Request) (K, error)) (K, error) {
	if scope == nil {
		var zero K
		return zero, nil
	}
	return scope(r)
}

// noBody is the Req of an operation that takes no body (a read, a
// delete): callHandler leaves the body unread, as a handler of its own
// would.
type noBody struct{}
