package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every route of the API on one screen, with the action each
// needs (the service authorizes it; TestRouteActions checks every one is in
// the catalog and in api/openapi.yaml). Routes under /v2 need a bearer
// token unless public says otherwise.
func (s *server) routes(mux *http.ServeMux, g prometheus.Gatherer) {
	s.handle(mux, "GET /healthz", "", s.handleHealth())
	s.handle(mux, "GET /readyz", "", s.handleReady())
	s.handle(mux, "GET /metrics", "", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	s.handle(mux, "GET /v2/openapi.yaml", "", s.handleSpec())

	s.handle(mux, "POST /v2/organizations", "iam.organization.Create", s.handleCreateOrganization())
	s.handle(mux, "GET /v2/organizations", "iam.organization.List", s.handleListOrganizations())
	s.handle(mux, "GET /v2/organizations/{organization_id}", "iam.organization.Read", s.handleGetOrganization())
	s.handle(mux, "PUT /v2/organizations/{organization_id}", "iam.organization.Update", s.handleUpdateOrganization())
	s.handle(mux, "POST /v2/organizations/{organization_id}/api-keys", "iam.apikey.Create", s.handleCreateOrgAPIKey())

	s.handle(mux, "POST /v2/users", "iam.user.Create", s.handleCreateUser())
	s.handle(mux, "GET /v2/users", "iam.user.List", s.handleListUsers())
	s.handle(mux, "GET /v2/users/me", "iam.user.Read", s.handleMe())
	s.handle(mux, "GET /v2/users/{user_id}", "iam.user.Read", s.handleGetUser())
	s.handle(mux, "PATCH /v2/users/{user_id}", "iam.user.Update", s.handleUpdateUser())
	s.handle(mux, "DELETE /v2/users/{user_id}", "iam.user.Delete", s.handleDeleteUser())

	s.handle(mux, "POST /v2/users/{user_id}/api-keys", "iam.apikey.Create", s.handleCreateAPIKey())
	s.handle(mux, "GET /v2/users/{user_id}/api-keys", "iam.apikey.List", s.handleListAPIKeys())
	s.handle(mux, "GET /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Read", s.handleGetAPIKey())
	s.handle(mux, "DELETE /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Delete", s.handleRevokeAPIKey())

	s.handle(mux, "GET /v2/audit-events", "iam.auditevent.List", s.handleListAuditEvents())
}

// route is one endpoint: its pattern and the catalog action a caller needs
// for it ("" for the public endpoints).
type route struct {
	Pattern string
	Action  string
}

// handle registers h for pattern and adds the route to s.table, which the
// endpoint action maps list. The pattern is recorded, per request, for logs
// and metrics.
func (s *server) handle(mux *http.ServeMux, pattern, action string, h http.Handler) {
	s.table = append(s.table, route{Pattern: pattern, Action: action})
	mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ri, ok := r.Context().Value(routeKey).(*routeInfo); ok {
			ri.pattern = r.Pattern
		}
		h.ServeHTTP(w, r)
	}))
}

// public reports whether a request needs no credential.
func public(r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics", "/v2/openapi.yaml":
		return true
	}
	return false
}
