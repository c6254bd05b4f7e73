package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward/oidcprovider"
	"github.com/keyward-iam/keyward/service"
)

// accessRoutes returns the second part of the route table (see routes):
// OIDC issuers and keyward as an OpenID provider, role trusts and assumed
// role sessions, authorization decisions, audit events, projects and
// their role assignments and overrides, resources, invitations, the
// fleet and the catalog.
func (s *server) accessRoutes() []route {
	return []route{
		{"POST /v2/oidc/issuer", "oidc.issuer.Create", AccessAction, s.handleCreateOIDCIssuer()},
		{"GET /v2/oidc/issuer", "oidc.issuer.List", AccessAction, s.handleListOIDCIssuers()},
		{"GET /v2/oidc/issuer/{issuer_id}", "oidc.issuer.Read", AccessAction, s.handleGetOIDCIssuer()},
		{"DELETE /v2/oidc/issuer/{issuer_id}", "oidc.issuer.Delete", AccessAction, s.handleDeleteOIDCIssuer()},
		{"POST /v2/oidc/provider", "oidc.provider.Create", AccessAction, s.handleCreateOIDCProvider()},
		{"GET /v2/oidc/provider", "oidc.provider.List", AccessAction, s.handleListOIDCProviders()},
		{"GET /v2/oidc/provider/{provider_id}", "oidc.provider.Read", AccessAction, s.handleGetOIDCProvider()},
		{"DELETE /v2/oidc/provider/{provider_id}", "oidc.provider.Delete", AccessAction, s.handleDeleteOIDCProvider()},
		{"POST /v2/oidc/issuer/token", "oidc.token.Create", AccessAction, s.handleCreateOIDCToken()},
		{"GET /v2/oidc/issuer/token/{token_id}", "oidc.token.Read", AccessAction, s.handleGetOIDCToken()},
		{"GET /v2/oidc/{provider_id}/.well-known/openid-configuration", "", AccessPublic, s.handleDiscovery()},
		{"GET /v2/oidc/{provider_id}/.well-known/jwks.json", "", AccessPublic, s.handleJWKS()},
		s.viaBrowser(route{"GET " + authorizePath, "oidc.provider.Authorize", AccessAction, s.handleOIDCAuthorize()}),
		{"POST /v2/oidc/{provider_id}" + oidcprovider.TokenPath, "", AccessPublic, http.HandlerFunc(s.flow.Token)},
		{"GET /v2/oidc/{provider_id}" + oidcprovider.UserinfoPath, "", AccessPublic, http.HandlerFunc(s.flow.Userinfo)},
		{"POST /v2/oidc/{provider_id}" + oidcprovider.UserinfoPath, "", AccessPublic, http.HandlerFunc(s.flow.Userinfo)},
		{"POST /v2/oidc/{provider_id}" + oidcprovider.RevokePath, "", AccessPublic, http.HandlerFunc(s.flow.Revoke)},
		{"POST /v2/fleet/oidc-keys/rotate", "fleet.oidckey.Rotate", AccessAction, s.handleRotateSigningKey()},

		{"POST /v2/role-trusts", "iam.roletrust.Create", AccessAction, s.handleCreateRoleTrust()},
		{"GET /v2/role-trusts", "iam.roletrust.List", AccessAction, s.handleListRoleTrusts("")},
		{"GET /v2/role-trusts/{trust_id}", "iam.roletrust.Read", AccessAction, s.handleGetRoleTrust()},
		{"PUT /v2/role-trusts/{trust_id}", "iam.roletrust.Update", AccessAction, s.handleUpdateRoleTrust()},
		{"DELETE /v2/role-trusts/{trust_id}", "iam.roletrust.Delete", AccessAction, s.handleDeleteRoleTrust()},
		{"PATCH /v2/role-trusts/{trust_id}/restore", "iam.roletrust.Restore", AccessAction, s.handleRestoreRoleTrust()},
		{"GET /v2/role-trusts/by-role/{role_id}", "iam.roletrust.List", AccessAction, s.handleListRoleTrusts("role_id")},
		{"GET /v2/role-trusts/assumable/{user_id}", "iam.roletrust.List", AccessAction, s.handleListRoleTrusts("user_id")},

		{"POST /v2/assumed-roles/assume", "iam.role.AssumeRole", AccessAction, s.handleAssumeRole()},
		{"POST /v2/assumed-roles/assume-with-web-identity", "", AccessPublic, s.handleAssumeWithWebIdentity()},
		{"POST /v2/assumed-roles/compatibility/aws/sts", "", AccessPublic, s.handleSTS()},
		{"GET /v2/assumed-roles/{session_token}", "iam.assumedrole.Read", AccessAction, s.handleGetRoleSession()},
		{"DELETE /v2/assumed-roles/{session_token}", "iam.assumedrole.Delete", AccessAction, s.handleTerminateRoleSession()},
		{"GET /v2/assumed-roles/users/{user_id}/sessions", "iam.assumedrole.List", AccessAction, s.handleListRoleSessions("user_id")},
		{"GET /v2/roles/{role_id}/sessions", "iam.assumedrole.List", AccessAction, s.handleListRoleSessions("role_id")},

		{"POST /v2/authorize", "iam.authorization.Authorize", AccessAction, s.handleAuthorize()},
		{"POST /v2/authorize/batch", "iam.authorization.Authorize", AccessAction, s.handleAuthorizeBatch()},
		{"POST /v2/who-can", "iam.authorization.WhoCan", AccessAction, s.handleWhoCan()},
		{"GET /v2/users/me/effective-access", "iam.user.ReadEffectiveAccess", AccessSelf, s.handleEffectiveAccess(true)},
		{"GET /v2/users/{user_id}/effective-access", "iam.user.ReadEffectiveAccess", AccessAction, s.handleEffectiveAccess(false)},

		{"GET /v2/audit-events", "iam.auditevent.List", AccessAction, s.handleListAuditEvents()},

		{"POST /v2/projects", "iam.project.Create", AccessAction, s.handleCreateProject()},
		{"GET /v2/projects", "iam.project.List", AccessAction, s.handleListProjects()},
		{"GET /v2/projects/{project_id}", "iam.project.Read", AccessAction, s.handleGetProject()},
		{"PUT /v2/projects/{project_id}", "iam.project.Update", AccessAction, s.handleUpdateProject()},
		{"DELETE /v2/projects/{project_id}", "iam.project.Delete", AccessAction, s.handleDeleteProject()},
		{"GET /v2/projects/{project_id}/role-assignments", "iam.binding.Read", AccessAction, s.handleGetRoleAssignments(true)},
		{"PUT /v2/projects/{project_id}/role-assignments", "iam.binding.Update", AccessAction, s.handlePutRoleAssignments(true)},
		{"GET /v2/organizations/{organization_id}/role-assignments", "iam.binding.Read", AccessAction, s.handleGetRoleAssignments(false)},
		{"PUT /v2/organizations/{organization_id}/role-assignments", "iam.binding.Update", AccessAction, s.handlePutRoleAssignments(false)},
		{"GET /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Read", AccessAction, s.handleGetOverride()},
		{"PUT /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Update", AccessAction, s.handlePutOverride()},
		{"DELETE /v2/projects/{project_id}/overrides/{user_id}", "iam.override.Delete", AccessAction, s.handleDeleteOverride()},
		{"POST /v2/resources", "iam.resource.Register", AccessAction, s.handleRegisterResource()},
		{"GET /v2/resources", "iam.resource.Read", AccessAction, s.handleListResources()},
		{"GET /v2/resources/{resource_id}", "iam.resource.Read", AccessAction, s.handleGetResource()},
		{"DELETE /v2/resources/{resource_id}", "iam.resource.Delete", AccessAction, s.handleDeleteResource()},

		{"POST /v2/invitation", "iam.invitation.Create", AccessAction, s.handleCreateInvitation()},
		{"GET /v2/invitation", "iam.invitation.List", AccessAction, s.handleListInvitations()},
		{"GET /v2/invitation/{invitation_id}", "iam.invitation.Read", AccessAction, s.handleGetInvitation()},
		{"POST /v2/invitation/{invitation_id}/resend", "iam.invitation.Resend", AccessAction, s.handleResendInvitation()},
		{"DELETE /v2/invitation/{invitation_id}", "iam.invitation.Revoke", AccessAction, s.handleRevokeInvitation()},
		{"GET /v2/invitations/accept", "", AccessPublic, s.handleDescribeInvitationLink()},
		{"POST /v2/invitations/accept", "", AccessPublic, s.handleAcceptInvitation()},
		{"GET /v2/mail", "iam.mail.List", AccessAction, s.handleListMail()},

		{"GET /v2/fleet/roles", "fleet.role.List", AccessAction, s.handleListFleetRoles()},
		{"POST /v2/fleet/roles", "fleet.role.Grant", AccessAction, s.handleGrantFleetRole()},
		{"DELETE /v2/fleet/roles/{role}/users/{user_id}", "fleet.role.Revoke", AccessAction, s.handleRevokeFleetRole()},
		{"GET /v2/fleet/organizations", "fleet.organization.List", AccessAction, s.handleListAllOrganizations()},
		{"GET /v2/fleet/organizations/{organization_id}", "fleet.organization.Read", AccessAction, s.handleFleetGetOrganization()},
		{"POST /v2/fleet/organizations/{organization_id}/suspend", "fleet.organization.Suspend", AccessAction, s.handleFleetOrgAction((*service.Service).SuspendOrganization)},
		{"POST /v2/fleet/organizations/{organization_id}/unsuspend", "fleet.organization.Unsuspend", AccessAction, s.handleFleetOrgAction((*service.Service).UnsuspendOrganization)},
		{"PUT /v2/fleet/organizations/{organization_id}/identity-mode", "fleet.organization.SetIdentityMode", AccessAction, s.handleSetIdentityMode()},
		{"POST /v2/fleet/organizations/{organization_id}/users", "fleet.user.Create", AccessAction, s.handleFleetCreateUser()},
		{"PUT /v2/fleet/organizations/{organization_id}/users/{user_id}/password", "fleet.user.SetPassword", AccessAction, s.handleFleetSetPassword()},
		{"DELETE /v2/fleet/organizations/{organization_id}/users/{user_id}/password", "fleet.user.InvalidatePassword", AccessAction, s.handleFleetInvalidatePassword()},
		{"GET /v2/fleet/audit", "fleet.audit.List", AccessAction, s.handleListFleetAuditEvents()},

		{"GET /v2/actions", "iam.catalog.List", AccessSelf, s.handleListActions()},
		{"GET /v2/actions/{action_name}", "iam.catalog.List", AccessSelf, s.handleGetAction()},
		{"GET /v2/grid-groups", "iam.catalog.List", AccessSelf, s.handleListGridGroups()},
		{"GET /v2/catalog", "fleet.catalog.Read", AccessAction, s.handleGetCatalog()},
		{"PUT /v2/catalog", "fleet.catalog.Update", AccessAction, s.handleChangeCatalog(true)},
		{"POST /v2/catalog/diff", "fleet.catalog.Read", AccessAction, s.handleChangeCatalog(false)},
		{"GET /v2/endpoint-action-maps", "iam.catalog.List", AccessSelf, s.handleListEndpointActionMaps()},
		{"GET /v2/endpoint-action-maps/available-actions", "iam.catalog.List", AccessSelf, s.handleListAvailableActions()},
		{"GET /v2/endpoint-action-maps/{map_id}", "iam.catalog.List", AccessSelf, s.handleGetEndpointActionMap()},
	}
}
