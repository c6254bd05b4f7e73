package httpapi

import (
	"net/http"
	"strings"
)

// Access is who may call a route.
type Access string

// The kinds of access a route has.
const (
	// AccessAction: the caller must be allowed the route's action, decided
	// by the engine on the object of the path.
	AccessAction Access = "action"
	// AccessSelf: the route acts on the caller itself (its user, its
	// organization, its own sessions) or on the catalog; the engine's self
	// layer grants its action to every member, and a key's narrowing or a
	// role session's role still limits it.
	AccessSelf Access = "self"
	// AccessPublic: no keyward credential; the request carries its own
	// (a password, a web identity token, an invitation link) or needs
	// none (health, metrics, the spec).
	AccessPublic Access = "public"
)

// route is one endpoint: its pattern, the catalog action it performs (""
// for the public endpoints outside IAM), who may call it and its handler.
type route struct {
	Pattern string
	Action  string
	Access  Access
	h       http.Handler
}

// notePublic records the path of rt, an AccessPublic route, for the
// authentication middleware, which looks public paths up before routing
// (isPublic); a wildcard stands for one whole segment.
func (s *server) notePublic(rt route) {
	_, path, _ := strings.Cut(rt.Pattern, " ")
	if strings.Contains(path, "{") {
		if strings.Contains(path, "...}") {
			panic("httpapi: public route with a multi-segment wildcard: " + rt.Pattern)
		}
		s.publicWild = append(s.publicWild, strings.Split(path, "/"))
		return
	}
	if s.public == nil {
		s.public = map[string]bool{}
	}
	s.public[path] = true
}

// isPublic reports whether path is the path of a public route.
func (s *server) isPublic(path string) bool {
	if s.public[path] {
		return true
	}
	for _, p := range s.publicWild {
		if matchSegments(p, path) {
			return true
		}
	}
	return false
}

// matchSegments reports whether path, split at "/", matches the segments
// of a pattern, a "{name}" segment matching any non-empty one. It walks
// path in place: isPublic asks it on every request.
func matchSegments(pattern []string, path string) bool {
	for i, p := range pattern {
		seg, rest, found := strings.Cut(path, "/")
		if found != (i < len(pattern)-1) {
			return false // path has fewer or more segments
		}
		if strings.HasPrefix(p, "{") {
			if seg == "" {
				return false
			}
		} else if p != seg {
			return false
		}
		path = rest
	}
	return true
}

// register adds rt to s.table, the one place that says per route its
// action and access (the endpoint action maps are built from it), and
// registers its handler. The pattern is recorded, per request, for logs
// and metrics.
func (s *server) register(mux *http.ServeMux, rt route) {
	if rt.Access == AccessPublic {
		s.notePublic(rt)
	}
	s.table = append(s.table, rt)
	if s.actions == nil {
		s.actions = map[string]string{}
	}
	s.actions[rt.Pattern] = rt.Action
	mux.Handle(rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri, ok := r.Context().Value(routeKey).(*routeInfo); ok {
			ri.pattern = r.Pattern
		}
		rt.h.ServeHTTP(w, r)
	}))
}
