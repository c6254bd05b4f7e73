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

	s.handle(mux, "GET /v2/users/me/groups", "iam.user.ListGroups", s.handleListUserGroups(true))
	s.handle(mux, "GET /v2/users/me/roles", "iam.user.ListRoles", s.handleListUserRoles(true))
	s.handle(mux, "GET /v2/users/me/policies", "iam.user.ListPolicies", s.handleListUserPolicies(true))
	s.handle(mux, "GET /v2/users/{user_id}/groups", "iam.user.ListGroups", s.handleListUserGroups(false))
	s.handle(mux, "GET /v2/users/{user_id}/roles", "iam.user.ListRoles", s.handleListUserRoles(false))
	s.handle(mux, "GET /v2/users/{user_id}/policies", "iam.user.ListPolicies", s.handleListUserPolicies(false))

	s.handle(mux, "POST /v2/groups", "iam.group.Create", s.handleCreateGroup())
	s.handle(mux, "GET /v2/groups", "iam.group.List", s.handleListGroups())
	s.handle(mux, "GET /v2/groups/{group_id}", "iam.group.Read", s.handleGetGroup())
	s.handle(mux, "PUT /v2/groups/{group_id}", "iam.group.Update", s.handleUpdateGroup())
	s.handle(mux, "DELETE /v2/groups/{group_id}", "iam.group.Delete", s.handleDeleteGroup())
	s.handle(mux, "POST /v2/groups/{group_id}/members", "iam.group.AddMember", s.handleAddGroupMember())
	s.handle(mux, "GET /v2/groups/{group_id}/members", "iam.group.ListMembers", s.handleListGroupMembers())
	s.handle(mux, "DELETE /v2/groups/{group_id}/members/{user_id}", "iam.group.RemoveMember", s.handleRemoveGroupMember())
	s.handle(mux, "GET /v2/groups/{group_id}/policies", "iam.group.ListPolicies", s.handleListGroupPolicies())
	s.handle(mux, "GET /v2/groups/{group_id}/roles", "iam.group.ListRoles", s.handleListGroupRoles())

	s.handle(mux, "POST /v2/roles", "iam.role.Create", s.handleCreateRole())
	s.handle(mux, "GET /v2/roles", "iam.role.List", s.handleListRoles())
	s.handle(mux, "GET /v2/roles/{role_id}", "iam.role.Read", s.handleGetRole())
	s.handle(mux, "PUT /v2/roles/{role_id}", "iam.role.Update", s.handleUpdateRole())
	s.handle(mux, "DELETE /v2/roles/{role_id}", "iam.role.Delete", s.handleDeleteRole())
	s.handle(mux, "PATCH /v2/roles/{role_id}/restore", "iam.role.Restore", s.handleRestoreRole())
	s.handle(mux, "GET /v2/roles/{role_id}/policies", "iam.role.ListPolicies", s.handleListRolePolicies())
	s.handle(mux, "POST /v2/roles/{role_id}/policies", "iam.role.AttachPolicy", s.handleAttachRolePolicy(true))
	s.handle(mux, "POST /v2/roles/{role_id}/policies/{policy_id}", "iam.role.AttachPolicy", s.handleAttachRolePolicy(false))
	s.handle(mux, "DELETE /v2/roles/{role_id}/policies/{policy_id}", "iam.role.DetachPolicy", s.handleDetachRolePolicy())
	s.handle(mux, "GET /v2/roles/{role_id}/users", "iam.role.ListUsers", s.handleListRoleUsers())
	s.handle(mux, "POST /v2/roles/{role_id}/users/{user_id}", "iam.role.AttachUser", s.handleAttachRoleUser())
	s.handle(mux, "DELETE /v2/roles/{role_id}/users/{user_id}", "iam.role.DetachUser", s.handleDetachRoleUser())
	s.handle(mux, "GET /v2/roles/{role_id}/groups", "iam.role.ListGroups", s.handleListRoleGroups())
	s.handle(mux, "POST /v2/roles/{role_id}/groups/{group_id}", "iam.role.AttachGroup", s.handleAttachRoleGroup())
	s.handle(mux, "DELETE /v2/roles/{role_id}/groups/{group_id}", "iam.role.DetachGroup", s.handleDetachRoleGroup())

	s.handle(mux, "POST /v2/policies", "iam.policy.Create", s.handleCreatePolicy())
	s.handle(mux, "GET /v2/policies", "iam.policy.List", s.handleListPolicies())
	s.handle(mux, "GET /v2/policies/{policy_id}", "iam.policy.Read", s.handleGetPolicy())
	s.handle(mux, "PUT /v2/policies/{policy_id}", "iam.policy.Update", s.handleUpdatePolicy())
	s.handle(mux, "DELETE /v2/policies/{policy_id}", "iam.policy.Delete", s.handleDeletePolicy())
	s.handle(mux, "PATCH /v2/policies/{policy_id}/restore", "iam.policy.Restore", s.handleRestorePolicy())
	s.handle(mux, "GET /v2/policies/{policy_id}/users", "iam.policy.ListUsers", s.handleListPolicyUsers())
	s.handle(mux, "POST /v2/policies/{policy_id}/users/{user_id}", "iam.policy.AttachUser", s.handleAttachPolicyUser())
	s.handle(mux, "DELETE /v2/policies/{policy_id}/users/{user_id}", "iam.policy.DetachUser", s.handleDetachPolicyUser())
	s.handle(mux, "GET /v2/policies/{policy_id}/groups", "iam.policy.ListGroups", s.handleListPolicyGroups())
	s.handle(mux, "POST /v2/policies/{policy_id}/groups/{group_id}", "iam.policy.AttachGroup", s.handleAttachPolicyGroup())
	s.handle(mux, "DELETE /v2/policies/{policy_id}/groups/{group_id}", "iam.policy.DetachGroup", s.handleDetachPolicyGroup())
	s.handle(mux, "GET /v2/policies/{policy_id}/roles", "iam.policy.ListRoles", s.handleListPolicyRoles())

	s.handle(mux, "POST /v2/authorize", "iam.authorization.Authorize", s.handleAuthorize())
	s.handle(mux, "POST /v2/authorize/batch", "iam.authorization.Authorize", s.handleAuthorizeBatch())
	s.handle(mux, "POST /v2/who-can", "iam.authorization.WhoCan", s.handleWhoCan())
	s.handle(mux, "GET /v2/users/me/effective-access", "iam.user.ReadEffectiveAccess", s.handleEffectiveAccess(true))
	s.handle(mux, "GET /v2/users/{user_id}/effective-access", "iam.user.ReadEffectiveAccess", s.handleEffectiveAccess(false))

	s.handle(mux, "GET /v2/audit-events", "iam.auditevent.List", s.handleListAuditEvents())

	s.handle(mux, "GET /v2/actions", "iam.catalog.List", s.handleListActions())
	s.handle(mux, "GET /v2/endpoint-action-maps", "iam.catalog.List", s.handleListEndpointActionMaps())
	s.handle(mux, "GET /v2/endpoint-action-maps/available-actions", "iam.catalog.List", s.handleListAvailableActions())
	s.handle(mux, "GET /v2/endpoint-action-maps/{map_id}", "iam.catalog.List", s.handleGetEndpointActionMap())
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
