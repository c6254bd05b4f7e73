package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/keyward-iam/keyward"
)

// listHandler serves a listing in Vultr's envelope, {key: items, "meta":
// {...}}. It reads the listing's scope, when scope is not nil, then the
// page, and passes both to list, which reads any filters of its own from
// r and returns the items as they go on the wire: a slice, or an object
// of lists for the grouped views. Any error is answered as writeError
// does, the first one found in that order.
func listHandler[J any](s *server, key string, scope func(*http.Request) (string, error),
	list func(r *http.Request, id string, page keyward.Page) (J, keyward.PageInfo, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := scopeOf(r, scope)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		page, err := pageOf(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		items, info, err := list(r, id, page)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, listBody[J]{key, items, metaOf(info)})
	})
}

// inPath is the scope of a listing inside one object: the id in path
// value name.
func inPath(name string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) { return pathID(r, name) }
}

// listBody is Vultr's list envelope: items under key, then meta.
type listBody[J any] struct {
	key   string
	items J
	meta  meta
}

// MarshalJSON writes {key: items, "meta": meta}, in that order.
func (b listBody[J]) MarshalJSON() ([]byte, error) {
	k, err := json.Marshal(b.key)
	if err != nil {
		return nil, err
	}
	items, err := json.Marshal(b.items)
	if err != nil {
		return nil, err
	}
	m, err := json.Marshal(b.meta)
	if err != nil {
		return nil, err
	}
	out := append([]byte{'{'}, k...)
	out = append(append(out, ':'), items...)
	out = append(append(out, `,"meta":`...), m...)
	return append(out, '}'), nil
}

// jsons returns xs each as toJSON makes it, never nil, so that an empty
// list goes on the wire as [].
func jsons[T, J any](xs []T, toJSON func(T) J) []J {
	out := make([]J, len(xs))
	for i, x := range xs {
		out[i] = toJSON(x)
	}
	return out
}

// noContent ends a handler whose operation returned err: with the error,
// or with 204 and no body.
func (s *server) noContent(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// twoIDs reads two id path values, checking each.
func twoIDs(r *http.Request, a, b string) (string, string, error) {
	x, err := pathID(r, a)
	if err != nil {
		return "", "", err
	}
	y, err := pathID(r, b)
	return x, y, err
}

// idPair is the two ids a path names, in the order inPaths reads them.
type idPair struct{ first, second string }

// inPaths is the scope of an operation on two objects: the ids in path
// values a and b, each checked.
func inPaths(a, b string) func(*http.Request) (idPair, error) {
	return func(r *http.Request) (idPair, error) {
		x, y, err := twoIDs(r, a, b)
		return idPair{x, y}, err
	}
}
