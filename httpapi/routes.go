package httpapi

import (
	"net/http"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// routes registers every route of the API: one table, in two files by
// area (iamRoutes here, accessRoutes in routes_access.go), each route
// listed on one line with the action it needs (the service authorizes it;
// TestRouteActions checks every one is in the catalog and in
// api/openapi.yaml) and who may call it. Routes under /v2 need a bearer
// token unless their access is AccessPublic. The order of the table is
// the order of registration.
func (s *server) routes(mux *http.ServeMux, g prometheus.Gatherer) {
	for _, rt := range slices.Concat(s.iamRoutes(g), s.accessRoutes()) {
		s.register(mux, rt)
	}
}

// iamRoutes returns the first part of the route table: health, metrics
// and the spec; organizations, users, sign-in and SSO, the identity
// provider and SCIM; API keys, groups, roles and policies.
func (s *server) iamRoutes(g prometheus.Gatherer) []route {
	return []route{
		{"GET /healthz", "", AccessPublic, s.handleHealth()},
		{"GET /readyz", "", AccessPublic, s.handleReady()},
		{"GET /metrics", "", AccessPublic, promhttp.HandlerFor(g, promhttp.HandlerOpts{})},
		{"GET /v2/openapi.yaml", "", AccessPublic, s.handleSpec()},

		{"POST /v2/organizations", "iam.organization.Create", AccessSelf, s.handleCreateOrganization()},
		{"GET /v2/organizations", "iam.organization.List", AccessSelf, s.handleListOrganizations()},
		{"GET /v2/organizations/{organization_id}", "iam.organization.Read", AccessSelf, s.handleGetOrganization()},
		{"PUT /v2/organizations/{organization_id}", "iam.organization.Update", AccessAction, s.handleUpdateOrganization()},
		{"POST /v2/organizations/{organization_id}/api-keys", "iam.apikey.Create", AccessAction, s.handleCreateOrgAPIKey()},
		{"DELETE /v2/organizations/{organization_id}", "iam.organization.Delete", AccessAction, s.handleDeleteOrganization()},
		{"PATCH /v2/organizations/{organization_id}/restore", "iam.organization.Restore", AccessAction, s.handleRestoreOrganization()},
		{"DELETE /v2/organizations/{organization_id}/user/{user_id}", "iam.organization.RemoveUser", AccessAction, s.handleRemoveOrgUser()},
		{"PUT /v2/organizations/{organization_id}/user/{user_id}/suspend", "iam.organization.SuspendUser", AccessAction, s.handleSuspendUser()},
		{"PUT /v2/organizations/{organization_id}/user/{user_id}/unsuspend", "iam.organization.UnsuspendUser", AccessAction, s.handleUnsuspendUser()},
		{"GET /v2/organizations/{organization_id}/suspended-users", "iam.organization.ListSuspendedUsers", AccessAction, s.handleListSuspendedUsers()},
		{"POST /v2/organizations/{organization_id}/transfer-ownership", "iam.organization.TransferOwnership", AccessAction, s.handleTransferOwnership()},

		{"POST /v2/users", "iam.user.Create", AccessAction, s.handleCreateUser()},
		{"GET /v2/users", "iam.user.List", AccessAction, s.handleListUsers()},
		{"GET /v2/users/me", "iam.user.Read", AccessSelf, s.handleMe()},
		{"GET /v2/users/{user_id}", "iam.user.Read", AccessAction, s.handleGetUser()},
		{"PATCH /v2/users/{user_id}", "iam.user.Update", AccessAction, s.handleUpdateUser()},
		{"DELETE /v2/users/{user_id}", "iam.user.Delete", AccessAction, s.handleDeleteUser()},
		{"PUT /v2/users/me/password", "iam.user.ChangePassword", AccessSelf, s.handleChangePassword()},
		{"PUT /v2/users/{user_id}/password", "iam.user.SetPassword", AccessAction, s.handleSetPassword()},
		{"DELETE /v2/users/{user_id}/password", "iam.user.InvalidatePassword", AccessAction, s.handleInvalidatePassword()},
		{"DELETE /v2/users/{user_id}/lockout", "iam.user.Update", AccessAction, s.handleUnlockUser()},
		{"GET /v2/users/{user_id}/tags", "iam.user.ListTags", AccessAction, s.handleListUserTags()},
		{"POST /v2/users/{user_id}/tags", "iam.user.Tag", AccessAction, s.handleTagUser()},
		{"DELETE /v2/users/{user_id}/tags", "iam.user.Untag", AccessAction, s.handleUntagUser()},
		{"GET /v2/users/me/mfa", "iam.user.ReadMFA", AccessSelf, s.handleGetMFA()},
		{"POST /v2/users/me/mfa/totp", "iam.user.EnrollMFA", AccessSelf, s.handleEnrollTOTP()},
		{"POST /v2/users/me/mfa/totp/confirm", "iam.user.EnrollMFA", AccessSelf, s.handleConfirmTOTP()},
		{"DELETE /v2/users/me/mfa/totp", "iam.user.DisableMFA", AccessSelf, s.handleDisableTOTP()},
		{"DELETE /v2/users/{user_id}/mfa", "iam.user.ResetMFA", AccessAction, s.handleResetMFA()},
		{"GET /v2/organizations/{organization_id}/mfa-policy", "iam.organization.Read", AccessSelf, s.handleGetMFAPolicy()},
		{"PUT /v2/organizations/{organization_id}/mfa-policy", "iam.organization.Update", AccessAction, s.handleSetMFAPolicy()},

		{"POST /v2/auth/login", "iam.user.Login", AccessPublic, s.handleLogin()},
		{"POST /v2/auth/logout", "iam.user.Logout", AccessSelf, s.handleLogout()},
		{"GET /v2/auth/sessions", "iam.user.ListLoginSessions", AccessSelf, s.handleListLoginSessions()},
		{"GET /v2/auth/sso/{organization_id}", "iam.user.Login", AccessPublic, s.handleStartSSO()},
		{"GET /v2/auth/sso/callback", "iam.user.Login", AccessPublic, s.handleSSOCallback()},
		{"GET /v2/auth/saml/{organization_id}/metadata", "", AccessPublic, s.handleSAMLMetadata()},
		{"POST /v2/auth/saml/{organization_id}/acs", "iam.user.Login", AccessPublic, s.handleSAMLACS()},

		{"GET /v2/identity-provider", "iam.identityprovider.Read", AccessAction, s.handleGetIdentityProvider()},
		{"PUT /v2/identity-provider", "iam.identityprovider.Update", AccessAction, s.handlePutIdentityProvider()},
		{"DELETE /v2/identity-provider", "iam.identityprovider.Delete", AccessAction, s.handleDeleteIdentityProvider()},

		{"POST /v2/scim-tokens", "iam.scimtoken.Create", AccessAction, s.handleCreateSCIMToken()},
		{"GET /v2/scim-tokens", "iam.scimtoken.List", AccessAction, s.handleListSCIMTokens()},
		{"DELETE /v2/scim-tokens/{token_id}", "iam.scimtoken.Delete", AccessAction, s.handleDeleteSCIMToken()},
		// SCIM 2.0, for the organization's identity provider: its own token
		// and error shape (handleSCIM), outside /v2.
		{"GET /scim/v2/{organization_id}/", "", AccessPublic, s.handleSCIM()},
		{"POST /scim/v2/{organization_id}/", "", AccessPublic, s.handleSCIM()},
		{"PUT /scim/v2/{organization_id}/", "", AccessPublic, s.handleSCIM()},
		{"PATCH /scim/v2/{organization_id}/", "", AccessPublic, s.handleSCIM()},
		{"DELETE /scim/v2/{organization_id}/", "", AccessPublic, s.handleSCIM()},

		{"POST /v2/users/{user_id}/api-keys", "iam.apikey.Create", AccessAction, s.handleCreateAPIKey()},
		{"GET /v2/users/{user_id}/api-keys", "iam.apikey.List", AccessAction, s.handleListAPIKeys()},
		{"GET /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Read", AccessAction, s.handleGetAPIKey()},
		{"DELETE /v2/users/{user_id}/api-keys/{key_id}", "iam.apikey.Delete", AccessAction, s.handleRevokeAPIKey()},

		{"GET /v2/users/me/groups", "iam.user.ListGroups", AccessSelf, s.handleListUserGroups(true)},
		{"GET /v2/users/me/roles", "iam.user.ListRoles", AccessSelf, s.handleListUserRoles(true)},
		{"GET /v2/users/me/policies", "iam.user.ListPolicies", AccessSelf, s.handleListUserPolicies(true)},
		{"GET /v2/users/{user_id}/groups", "iam.user.ListGroups", AccessAction, s.handleListUserGroups(false)},
		{"GET /v2/users/{user_id}/roles", "iam.user.ListRoles", AccessAction, s.handleListUserRoles(false)},
		{"GET /v2/users/{user_id}/policies", "iam.user.ListPolicies", AccessAction, s.handleListUserPolicies(false)},

		{"POST /v2/groups", "iam.group.Create", AccessAction, s.handleCreateGroup()},
		{"GET /v2/groups", "iam.group.List", AccessAction, s.handleListGroups()},
		{"GET /v2/groups/{group_id}", "iam.group.Read", AccessAction, s.handleGetGroup()},
		{"PUT /v2/groups/{group_id}", "iam.group.Update", AccessAction, s.handleUpdateGroup()},
		{"DELETE /v2/groups/{group_id}", "iam.group.Delete", AccessAction, s.handleDeleteGroup()},
		{"PATCH /v2/groups/{group_id}/restore", "iam.group.Restore", AccessAction, s.handleRestoreGroup()},
		{"POST /v2/groups/{group_id}/members", "iam.group.AddMember", AccessAction, s.handleAddGroupMember()},
		{"GET /v2/groups/{group_id}/members", "iam.group.ListMembers", AccessAction, s.handleListGroupMembers()},
		{"DELETE /v2/groups/{group_id}/members/{user_id}", "iam.group.RemoveMember", AccessAction, s.handleRemoveGroupMember()},
		{"GET /v2/groups/{group_id}/policies", "iam.group.ListPolicies", AccessAction, s.handleListGroupPolicies()},
		{"GET /v2/groups/{group_id}/roles", "iam.group.ListRoles", AccessAction, s.handleListGroupRoles()},

		{"POST /v2/roles", "iam.role.Create", AccessAction, s.handleCreateRole()},
		{"GET /v2/roles", "iam.role.List", AccessAction, s.handleListRoles()},
		{"GET /v2/roles/{role_id}", "iam.role.Read", AccessAction, s.handleGetRole()},
		{"PUT /v2/roles/{role_id}", "iam.role.Update", AccessAction, s.handleUpdateRole()},
		{"DELETE /v2/roles/{role_id}", "iam.role.Delete", AccessAction, s.handleDeleteRole()},
		{"PATCH /v2/roles/{role_id}/restore", "iam.role.Restore", AccessAction, s.handleRestoreRole()},
		{"GET /v2/roles/{role_id}/policies", "iam.role.ListPolicies", AccessAction, s.handleListRolePolicies()},
		{"POST /v2/roles/{role_id}/policies", "iam.role.AttachPolicy", AccessAction, s.handleAttachRolePolicy(true)},
		{"POST /v2/roles/{role_id}/policies/{policy_id}", "iam.role.AttachPolicy", AccessAction, s.handleAttachRolePolicy(false)},
		{"DELETE /v2/roles/{role_id}/policies/{policy_id}", "iam.role.DetachPolicy", AccessAction, s.handleDetachRolePolicy()},
		{"GET /v2/roles/{role_id}/users", "iam.role.ListUsers", AccessAction, s.handleListRoleUsers()},
		{"POST /v2/roles/{role_id}/users/{user_id}", "iam.role.AttachUser", AccessAction, s.handleAttachRoleUser()},
		{"DELETE /v2/roles/{role_id}/users/{user_id}", "iam.role.DetachUser", AccessAction, s.handleDetachRoleUser()},
		{"GET /v2/roles/{role_id}/groups", "iam.role.ListGroups", AccessAction, s.handleListRoleGroups()},
		{"POST /v2/roles/{role_id}/groups/{group_id}", "iam.role.AttachGroup", AccessAction, s.handleAttachRoleGroup()},
		{"DELETE /v2/roles/{role_id}/groups/{group_id}", "iam.role.DetachGroup", AccessAction, s.handleDetachRoleGroup()},

		{"POST /v2/policies", "iam.policy.Create", AccessAction, s.handleCreatePolicy()},
		{"GET /v2/policies", "iam.policy.List", AccessAction, s.handleListPolicies()},
		{"GET /v2/policies/{policy_id}", "iam.policy.Read", AccessAction, s.handleGetPolicy()},
		{"PUT /v2/policies/{policy_id}", "iam.policy.Update", AccessAction, s.handleUpdatePolicy()},
		{"DELETE /v2/policies/{policy_id}", "iam.policy.Delete", AccessAction, s.handleDeletePolicy()},
		{"PATCH /v2/policies/{policy_id}/restore", "iam.policy.Restore", AccessAction, s.handleRestorePolicy()},
		{"GET /v2/policies/{policy_id}/users", "iam.policy.ListUsers", AccessAction, s.handleListPolicyUsers()},
		{"POST /v2/policies/{policy_id}/users/{user_id}", "iam.policy.AttachUser", AccessAction, s.handleAttachPolicyUser()},
		{"DELETE /v2/policies/{policy_id}/users/{user_id}", "iam.policy.DetachUser", AccessAction, s.handleDetachPolicyUser()},
		{"GET /v2/policies/{policy_id}/groups", "iam.policy.ListGroups", AccessAction, s.handleListPolicyGroups()},
		{"POST /v2/policies/{policy_id}/groups/{group_id}", "iam.policy.AttachGroup", AccessAction, s.handleAttachPolicyGroup()},
		{"DELETE /v2/policies/{policy_id}/groups/{group_id}", "iam.policy.DetachGroup", AccessAction, s.handleDetachPolicyGroup()},
		{"GET /v2/policies/{policy_id}/roles", "iam.policy.ListRoles", AccessAction, s.handleListPolicyRoles()},
	}
}
