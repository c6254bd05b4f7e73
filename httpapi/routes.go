package httpapi

import (
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/keyward-iam/keyward/service"
)

// routes lists every route of the API on one screen, with the action each
// needs (the service authorizes it; TestRouteActions checks every one is in
// the catalog and in api/openapi.yaml). Routes under /v2 need a bearer
// token unless public says otherwise.
func (s *server) routes(mux *http.ServeMux, g prometheus.Gatherer) {
	s.handlePublic(mux, "GET /healthz", "", s.handleHealth())
	s.handlePublic(mux, "GET /readyz", "", s.handleReady())
	s.handlePublic(mux, "GET /metrics", "", promhttp.HandlerFor(g, promhttp.HandlerOpts{}))
	s.handlePublic(mux, "GET /v2/openapi.yaml", "", s.handleSpec())

	s.handleSelf(mux, "POST /v2/organizations", "iam.organization.Create", s.handleCreateOrganization())
	s.handleSelf(mux, "GET /v2/organizations", "iam.organization.List", s.handleListOrganizations())
	s.handleSelf(mux, "GET /v2/organizations/{organization_id}", "iam.organization.Read", s.handleGetOrganization())
	s.handle(mux, "PUT /v2/organizations/{organization_id}", "iam.organization.Update", s.handleUpdateOrganization())
	s.handle(mux, "POST /v2/organizations/{organization_id}/api-keys", "iam.apikey.Create", s.handleCreateOrgAPIKey())
	s.handle(mux, "DELETE /v2/organizations/{organization_id}", "iam.organization.Delete", s.handleDeleteOrganization())
	s.handle(mux, "PATCH /v2/organizations/{organization_id}/restore", "iam.organization.Restore", s.handleRestoreOrganization())
	s.handle(mux, "DELETE /v2/organizations/{organization_id}/user/{user_id}", "iam.organization.RemoveUser", s.handleRemoveOrgUser())
	s.handle(mux, "PUT /v2/organizations/{organization_id}/user/{user_id}/suspend", "iam.organization.SuspendUser", s.handleSuspendUser())
	s.handle(mux, "PUT /v2/organizations/{organization_id}/user/{user_id}/unsuspend", "iam.organization.UnsuspendUser", s.handleUnsuspendUser())
	s.handle(mux, "GET /v2/organizations/{organization_id}/suspended-users", "iam.organization.ListSuspendedUsers", s.handleListSuspendedUsers())
	s.handle(mux, "POST /v2/organizations/{organization_id}/transfer-ownership", "iam.organization.TransferOwnership", s.handleTransferOwnership())

	s.handle(mux, "POST /v2/users", "iam.user.Create", s.handleCreateUser())
	s.handle(mux, "GET /v2/users", "iam.user.List", s.handleListUsers())
	s.handleSelf(mux, "GET /v2/users/me", "iam.user.Read", s.handleMe())
	s.handle(mux, "GET /v2/users/{user_id}", "iam.user.Read", s.handleGetUser())
	s.handle(mux, "PATCH /v2/users/{user_id}", "iam.user.Update", s.handleUpdateUser())
	s.handle(mux, "DELETE /v2/users/{user_id}", "iam.user.Delete", s.handleDeleteUser())
	s.handleSelf(mux, "PUT /v2/users/me/password", "iam.user.ChangePassword", s.handleChangePassword())
	s.handle(mux, "PUT /v2/users/{user_id}/password", "iam.user.SetPassword", s.handleSetPassword())
	s.handle(mux, "DELETE /v2/users/{user_id}/password", "iam.user.InvalidatePassword", s.handleInvalidatePassword())
	s.handle(mux, "DELETE /v2/users/{user_id}/lockout", "iam.user.Update", s.handleUnlockUser())
	s.handleSelf(mux, "GET /v2/users/me/mfa", "iam.user.ReadMFA", s.handleGetMFA())
	s.handleSelf(mux, "POST /v2/users/me/mfa/totp", "iam.user.EnrollMFA", s.handleEnrollTOTP())
	s.handleSelf(mux, "POST /v2/users/me/mfa/totp/confirm", "iam.user.EnrollMFA", s.handleConfirmTOTP())
	s.handleSelf(mux, "DELETE /v2/users/me/mfa/totp", "iam.user.DisableMFA", s.handleDisableTOTP())
	s.handle(mux, "DELETE /v2/users/{user_id}/mfa", "iam.user.ResetMFA", s.handleResetMFA())
	s.handleSelf(mux, "GET /v2/organizations/{organization_id}/mfa-policy", "iam.organization.Read", s.handleGetMFAPolicy())
	s.handle(mux, "PUT /v2/organizations/{organization_id}/mfa-policy", "iam.organization.Update", s.handleSetMFAPolicy())

	s.handlePublic(mux, "POST /v2/auth/login", "iam.user.Login", s.handleLogin())
	s.handleSelf(mux, "POST /v2/auth/logout", "iam.user.Logout", s.handleLogout())
	s.handleSelf(mux, "GET /v2/auth/sessions", "iam.user.ListLoginSessions", s.handleListLoginSessions())
	s.handlePublic(mux, "GET /v2/auth/sso/{organization_id}", "iam.user.Login", s.handleStartSSO())
	s.handlePublic(mux, "GET /v2/auth/sso/callback", "iam.user.Login", s.handleSSOCallback())
	s.handlePublic(mux, "GET /v2/auth/saml/{organization_id}/metadata", "", s.handleSAMLMetadata())
	s.handlePublic(mux, "POST /v2/auth/saml/{organization_id}/acs", "iam.user.Login", s.handleSAMLACS())

	s.handle(mux, "GET /v2/identity-provider", "iam.identityprovider.Read", s.handleGetIdentityProvider())
	s.handle(mux, "PUT /v2/identity-provider", "iam.identityprovider.Update", s.handlePutIdentityProvider())
	s.handle(mux, "DELETE /v2/identity-provider", "iam.identityprovider.Delete", s.handleDeleteIdentityProvider())

	s.handle(mux, "POST /v2/scim-tokens", "iam.scimtoken.Create", s.handleCreateSCIMToken())
	s.handle(mux, "GET /v2/scim-tokens", "iam.scimtoken.List", s.handleListSCIMTokens())
	s.handle(mux, "DELETE /v2/scim-tokens/{token_id}", "iam.scimtoken.Delete", s.handleDeleteSCIMToken())
	// SCIM 2.0, for the organization's identity provider: its own token
	// and error shape (handleSCIM), outside /v2.
	for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		s.handlePublic(mux, method+" /scim/v2/{organization_id}/", "", s.handleSCIM())
	}

	s.handle(mux, "POST /v2/users/{user_id}/api-keys", "iam.apikey.Create", s.handleCreateAPIKey())
	s.handle(mux, "GET /v2/users/{user_id}/api-keys", "iam.apikey.List", s.handleListAPIKeys())
	s.handle(mux, "GET /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Read", s.handleGetAPIKey())
	s.handle(mux, "DELETE /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Delete", s.handleRevokeAPIKey())

	s.handleSelf(mux, "GET /v2/users/me/groups", "iam.user.ListGroups", s.handleListUserGroups(true))
	s.handleSelf(mux, "GET /v2/users/me/roles", "iam.user.ListRoles", s.handleListUserRoles(true))
	s.handleSelf(mux, "GET /v2/users/me/policies", "iam.user.ListPolicies", s.handleListUserPolicies(true))
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

	s.handle(mux, "POST /v2/oidc/issuer", "oidc.issuer.Create", s.handleCreateOIDCIssuer())
	s.handle(mux, "GET /v2/oidc/issuer", "oidc.issuer.List", s.handleListOIDCIssuers())
	s.handle(mux, "GET /v2/oidc/issuer/{issuer_id}", "oidc.issuer.Read", s.handleGetOIDCIssuer())
	s.handle(mux, "DELETE /v2/oidc/issuer/{issuer_id}", "oidc.issuer.Delete", s.handleDeleteOIDCIssuer())

	s.handle(mux, "POST /v2/role-trusts", "iam.roletrust.Create", s.handleCreateRoleTrust())
	s.handle(mux, "GET /v2/role-trusts", "iam.roletrust.List", s.handleListRoleTrusts(""))
	s.handle(mux, "GET /v2/role-trusts/{trust_id}", "iam.roletrust.Read", s.handleGetRoleTrust())
	s.handle(mux, "PUT /v2/role-trusts/{trust_id}", "iam.roletrust.Update", s.handleUpdateRoleTrust())
	s.handle(mux, "DELETE /v2/role-trusts/{trust_id}", "iam.roletrust.Delete", s.handleDeleteRoleTrust())
	s.handle(mux, "PATCH /v2/role-trusts/{trust_id}/restore", "iam.roletrust.Restore", s.handleRestoreRoleTrust())
	s.handle(mux, "GET /v2/role-trusts/by-role/{role_id}", "iam.roletrust.List", s.handleListRoleTrusts("role_id"))
	s.handle(mux, "GET /v2/role-trusts/assumable/{user_id}", "iam.roletrust.List", s.handleListRoleTrusts("user_id"))

	s.handle(mux, "POST /v2/assumed-roles/assume", "iam.role.AssumeRole", s.handleAssumeRole())
	s.handlePublic(mux, "POST /v2/assumed-roles/assume-with-web-identity", "", s.handleAssumeWithWebIdentity())
	s.handlePublic(mux, "POST /v2/assumed-roles/compatibility/aws/sts", "", s.handleSTS())
	s.handle(mux, "GET /v2/assumed-roles/{session_token}", "iam.assumedrole.Read", s.handleGetRoleSession())
	s.handle(mux, "DELETE /v2/assumed-roles/{session_token}", "iam.assumedrole.Delete", s.handleTerminateRoleSession())
	s.handle(mux, "GET /v2/assumed-roles/users/{user_id}/sessions", "iam.assumedrole.List", s.handleListRoleSessions("user_id"))
	s.handle(mux, "GET /v2/roles/{role_id}/sessions", "iam.assumedrole.List", s.handleListRoleSessions("role_id"))

	s.handle(mux, "POST /v2/authorize", "iam.authorization.Authorize", s.handleAuthorize())
	s.handle(mux, "POST /v2/authorize/batch", "iam.authorization.Authorize", s.handleAuthorizeBatch())
	s.handle(mux, "POST /v2/who-can", "iam.authorization.WhoCan", s.handleWhoCan())
	s.handleSelf(mux, "GET /v2/users/me/effective-access", "iam.user.ReadEffectiveAccess", s.handleEffectiveAccess(true))
	s.handle(mux, "GET /v2/users/{user_id}/effective-access", "iam.user.ReadEffectiveAccess", s.handleEffectiveAccess(false))

	s.handle(mux, "GET /v2/audit-events", "iam.auditevent.List", s.handleListAuditEvents())

	s.handle(mux, "POST /v2/projects", "iam.project.Create", s.handleCreateProject())
	s.handle(mux, "GET /v2/projects", "iam.project.List", s.handleListProjects())
	s.handle(mux, "GET /v2/projects/{project_id}", "iam.project.Read", s.handleGetProject())
	s.handle(mux, "PUT /v2/projects/{project_id}", "iam.project.Update", s.handleUpdateProject())
	s.handle(mux, "DELETE /v2/projects/{project_id}", "iam.project.Delete", s.handleDeleteProject())
	s.handle(mux, "GET /v2/projects/{project_id}/role-assignments", "iam.binding.Read", s.handleGetRoleAssignments(true))
	s.handle(mux, "PUT /v2/projects/{project_id}/role-assignments", "iam.binding.Update", s.handlePutRoleAssignments(true))
	s.handle(mux, "GET /v2/organizations/{organization_id}/role-assignments", "iam.binding.Read", s.handleGetRoleAssignments(false))
	s.handle(mux, "PUT /v2/organizations/{organization_id}/role-assignments", "iam.binding.Update", s.handlePutRoleAssignments(false))
	s.handle(mux, "GET /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Read", s.handleGetOverride())
	s.handle(mux, "PUT /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Update", s.handlePutOverride())
	s.handle(mux, "DELETE /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Delete", s.handleDeleteOverride())
	s.handle(mux, "POST /v2/resources", "iam.resource.Register", s.handleRegisterResource())
	s.handle(mux, "GET /v2/resources", "iam.resource.Read", s.handleListResources())
	s.handle(mux, "GET /v2/resources/{resource_id}", "iam.resource.Read", s.handleGetResource())
	s.handle(mux, "DELETE /v2/resources/{resource_id}", "iam.resource.Delete", s.handleDeleteResource())

	s.handle(mux, "POST /v2/invitation", "iam.invitation.Create", s.handleCreateInvitation())
	s.handle(mux, "GET /v2/invitation", "iam.invitation.List", s.handleListInvitations())
	s.handle(mux, "GET /v2/invitation/{invitation_id}", "iam.invitation.Read", s.handleGetInvitation())
	s.handle(mux, "POST /v2/invitation/{invitation_id}/resend", "iam.invitation.Resend", s.handleResendInvitation())
	s.handle(mux, "DELETE /v2/invitation/{invitation_id}", "iam.invitation.Revoke", s.handleRevokeInvitation())
	s.handlePublic(mux, "GET /v2/invitations/accept", "", s.handleDescribeInvitationLink())
	s.handlePublic(mux, "POST /v2/invitations/accept", "", s.handleAcceptInvitation())
	s.handle(mux, "GET /v2/mail", "iam.mail.List", s.handleListMail())

	s.handle(mux, "GET /v2/fleet/roles", "fleet.role.List", s.handleListFleetRoles())
	s.handle(mux, "POST /v2/fleet/roles", "fleet.role.Grant", s.handleGrantFleetRole())
	s.handle(mux, "DELETE /v2/fleet/roles/{role}/users/{user_id}", "fleet.role.Revoke", s.handleRevokeFleetRole())
	s.handle(mux, "GET /v2/fleet/organizations", "fleet.organization.List", s.handleListAllOrganizations())
	s.handle(mux, "GET /v2/fleet/organizations/{organization_id}", "fleet.organization.Read", s.handleFleetGetOrganization())
	s.handle(mux, "POST /v2/fleet/organizations/{organization_id}/suspend", "fleet.organization.Suspend", s.handleFleetOrgAction((*service.Service).SuspendOrganization))
	s.handle(mux, "POST /v2/fleet/organizations/{organization_id}/unsuspend", "fleet.organization.Unsuspend", s.handleFleetOrgAction((*service.Service).UnsuspendOrganization))
	s.handle(mux, "PUT /v2/fleet/organizations/{organization_id}/identity-mode", "fleet.organization.SetIdentityMode", s.handleSetIdentityMode())
	s.handle(mux, "POST /v2/fleet/organizations/{organization_id}/users", "fleet.user.Create", s.handleFleetCreateUser())
	s.handle(mux, "PUT /v2/fleet/organizations/{organization_id}/users/{user_id}/password", "fleet.user.SetPassword", s.handleFleetSetPassword())
	s.handle(mux, "DELETE /v2/fleet/organizations/{organization_id}/users/{user_id}/password", "fleet.user.InvalidatePassword", s.handleFleetInvalidatePassword())
	s.handle(mux, "GET /v2/fleet/audit", "fleet.audit.List", s.handleListFleetAuditEvents())

	s.handleSelf(mux, "GET /v2/actions", "iam.catalog.List", s.handleListActions())
	s.handleSelf(mux, "GET /v2/actions/{action_name}", "iam.catalog.List", s.handleGetAction())
	s.handleSelf(mux, "GET /v2/grid-groups", "iam.catalog.List", s.handleListGridGroups())
	s.handle(mux, "GET /v2/catalog", "fleet.catalog.Read", s.handleGetCatalog())
	s.handle(mux, "PUT /v2/catalog", "fleet.catalog.Update", s.handleChangeCatalog(true))
	s.handle(mux, "POST /v2/catalog/diff", "fleet.catalog.Read", s.handleChangeCatalog(false))
	s.handleSelf(mux, "GET /v2/endpoint-action-maps", "iam.catalog.List", s.handleListEndpointActionMaps())
	s.handleSelf(mux, "GET /v2/endpoint-action-maps/available-actions", "iam.catalog.List", s.handleListAvailableActions())
	s.handleSelf(mux, "GET /v2/endpoint-action-maps/{map_id}", "iam.catalog.List", s.handleGetEndpointActionMap())
}

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
	segs := strings.Split(path, "/")
	for _, p := range s.publicWild {
		if len(p) == len(segs) && matchSegments(p, segs) {
			return true
		}
	}
	return false
}

// matchSegments reports whether the segments of a path match those of a
// pattern, a "{name}" segment matching any non-empty one.
func matchSegments(pattern, segs []string) bool {
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			if segs[i] == "" {
				return false
			}
		} else if p != segs[i] {
			return false
		}
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
