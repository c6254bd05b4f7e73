package httpapi

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes lists every route of the API on one screen. Routes under /v2
// need a bearer token unless public says otherwise.
func (s *server) routes(mux *http.ServeMux, g prometheus.Gatherer) {
	handle(mux, "GET /healthz", s.handleHealth())
	handle(mux, "GET /readyz", s.handleReady())
	handle(mux, "GET /metrics", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	handle(mux, "GET /v2/openapi.yaml", s.handleSpec())

	handle(mux, "POST /v2/organizations", s.handleCreateOrganization())
	handle(mux, "GET /v2/organizations", s.handleListOrganizations())
	handle(mux, "GET /v2/organizations/{organization_id}", s.handleGetOrganization())
	handle(mux, "PUT /v2/organizations/{organization_id}", s.handleUpdateOrganization())
	handle(mux, "POST /v2/organizations/{organization_id}/api-keys", s.handleCreateOrgAPIKey())

	handle(mux, "POST /v2/users", s.handleCreateUser())
	handle(mux, "GET /v2/users", s.handleListUsers())
	handle(mux, "GET /v2/users/me", s.handleMe())
	handle(mux, "GET /v2/users/{user_id}", s.handleGetUser())
	handle(mux, "PATCH /v2/users/{user_id}", s.handleUpdateUser())
	handle(mux, "DELETE /v2/users/{user_id}", s.handleDeleteUser())

	handle(mux, "POST /v2/users/{user_id}/api-keys", s.handleCreateAPIKey())
	handle(mux, "GET /v2/users/{user_id}/api-keys", s.handleListAPIKeys())
	handle(mux, "GET /v2/users/{user_id}/api-keys/{key_id}", s.handleGetAPIKey())
	handle(mux, "DELETE /v2/users/{user_id}/api-keys/{key_id}", s.handleRevokeAPIKey())

	handle(mux, "GET /v2/audit-events", s.handleListAuditEvents())
}

// handle registers h for pattern, recording the pattern for logs and
// metrics.
func handle(mux *http.ServeMux, pattern string, h http.Handler) {
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
