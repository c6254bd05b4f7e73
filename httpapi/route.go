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
// for the public endpoints outside IAM) and who may call it.
type route struct {
	Pattern string
	Action  string
	Access  Access
}

// handle registers h for pattern, gated by action (AccessAction).
func (s *server) handle(mux *http.ServeMux, pattern, action string, h http.Handler) {
	s.register(mux, route{pattern, action, AccessAction}, h)
}

// handleSelf registers h for pattern, whose action the self layer grants
// (AccessSelf).
func (s *server) handleSelf(mux *http.ServeMux, pattern, action string, h http.Handler) {
	s.register(mux, route{pattern, action, AccessSelf}, h)
}

// handlePublic registers h for pattern, which needs no credential
// (AccessPublic). The authentication middleware looks public paths up
// before routing (isPublic); a wildcard stands for one whole segment.
func (s *server) handlePublic(mux *http.ServeMux, pattern, action string, h http.Handler) {
	_, path, _ := strings.Cut(pattern, " ")
	if strings.Contains(path, "{") {
		if strings.Contains(path, "...}") {
			panic("httpapi: public route with a multi-segment wildcard: " + pattern)
		}
		s.publicWild = append(s.publicWild, strings.Split(path, "/"))
	} else {
		if s.public == nil {
			s.public = map[string]bool{}
		}
		s.public[path] = true
	}
	s.register(mux, route{pattern, action, AccessPublic}, h)
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
// registers h for it. The pattern is recorded, per request, for logs and
// metrics.
func (s *server) register(mux *http.ServeMux, rt route, h http.Handler) {
	s.table = append(s.table, rt)
	if s.actions == nil {
		s.actions = map[string]string{}
	}
	s.actions[rt.Pattern] = rt.Action
	mux.Handle(rt.Pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri, ok := r.Context().Value(routeKey).(*routeInfo); ok {
			ri.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	}))
}
