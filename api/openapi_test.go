package api_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/keyward-iam/keyward/api"
)

func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		tb.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

// TestSpec_Valid validates the document, its examples included.
func TestSpec_Valid(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

// TestSpec_Operations pins the operations, their ids and their actions to the
// list the server implements. An operation added to the spec must be added
// here too, and to the server.
func TestSpec_Operations(t *testing.T) {
	type op struct{ id, action string }
	want := map[string]op{
		"POST /v2/organizations":                                           {"createOrganization", "iam.organization.Create"},
		"GET /v2/organizations":                                            {"listOrganizations", "iam.organization.List"},
		"GET /v2/organizations/{organization_id}":                          {"getOrganization", "iam.organization.Read"},
		"PUT /v2/organizations/{organization_id}":                          {"updateOrganization", "iam.organization.Update"},
		"POST /v2/organizations/{organization_id}/api-keys":                {"createOrganizationAPIKey", "iam.apikey.Create"},
		"DELETE /v2/organizations/{organization_id}":                       {"deleteOrganization", "iam.organization.Delete"},
		"PATCH /v2/organizations/{organization_id}/restore":                {"restoreOrganization", "iam.organization.Restore"},
		"DELETE /v2/organizations/{organization_id}/user/{user_id}":        {"removeOrganizationUser", "iam.organization.RemoveUser"},
		"PUT /v2/organizations/{organization_id}/user/{user_id}/suspend":   {"suspendOrganizationUser", "iam.organization.SuspendUser"},
		"PUT /v2/organizations/{organization_id}/user/{user_id}/unsuspend": {"unsuspendOrganizationUser", "iam.organization.UnsuspendUser"},
		"GET /v2/organizations/{organization_id}/suspended-users":          {"listSuspendedUsers", "iam.organization.ListSuspendedUsers"},
		"POST /v2/organizations/{organization_id}/transfer-ownership":      {"transferOrganizationOwnership", "iam.organization.TransferOwnership"},
		"PUT /v2/users/me/password":                                        {"changePassword", "iam.user.ChangePassword"},
		"PUT /v2/users/{user_id}/password":                                 {"setUserPassword", "iam.user.SetPassword"},
		"DELETE /v2/users/{user_id}/password":                              {"invalidateUserPassword", "iam.user.InvalidatePassword"},
		"DELETE /v2/users/{user_id}/lockout":                               {"unlockUser", "iam.user.Update"},
		"POST /v2/auth/login":                                              {"login", "iam.user.Login"},
		"POST /v2/auth/logout":                                             {"logout", "iam.user.Logout"},
		"GET /v2/auth/sessions":                                            {"listLoginSessions", "iam.user.ListLoginSessions"},
		"POST /v2/users":                                                   {"createUser", "iam.user.Create"},
		"GET /v2/users":                                                    {"listUsers", "iam.user.List"},
		"GET /v2/users/me":                                                 {"getCurrentUser", "iam.user.Read"},
		"GET /v2/users/{user_id}":                                          {"getUser", "iam.user.Read"},
		"PATCH /v2/users/{user_id}":                                        {"updateUser", "iam.user.Update"},
		"DELETE /v2/users/{user_id}":                                       {"deleteUser", "iam.user.Delete"},
		"POST /v2/users/{user_id}/api-keys":                                {"createAPIKey", "iam.apikey.Create"},
		"GET /v2/users/{user_id}/api-keys":                                 {"listAPIKeys", "iam.apikey.List"},
		"GET /v2/users/{user_id}/api-keys/{key_id}":                        {"getAPIKey", "iam.apikey.Read"},
		"DELETE /v2/users/{user_id}/api-keys/{key_id}":                     {"deleteAPIKey", "iam.apikey.Delete"},
		"POST /v2/role-trusts":                                             {"createRoleTrust", "iam.roletrust.Create"},
		"GET /v2/role-trusts":                                              {"listRoleTrusts", "iam.roletrust.List"},
		"GET /v2/role-trusts/{trust_id}":                                   {"getRoleTrust", "iam.roletrust.Read"},
		"PUT /v2/role-trusts/{trust_id}":                                   {"updateRoleTrust", "iam.roletrust.Update"},
		"DELETE /v2/role-trusts/{trust_id}":                                {"deleteRoleTrust", "iam.roletrust.Delete"},
		"PATCH /v2/role-trusts/{trust_id}/restore":                         {"restoreRoleTrust", "iam.roletrust.Restore"},
		"GET /v2/role-trusts/by-role/{role_id}":                            {"listRoleTrustsByRole", "iam.roletrust.List"},
		"GET /v2/role-trusts/assumable/{user_id}":                          {"listRoleTrustsByUser", "iam.roletrust.List"},
		"POST /v2/assumed-roles/assume":                                    {"assumeRole", "iam.role.AssumeRole"},
		"GET /v2/assumed-roles/{session_token}":                            {"getRoleSession", "iam.assumedrole.Read"},
		"DELETE /v2/assumed-roles/{session_token}":                         {"terminateRoleSession", "iam.assumedrole.Delete"},
		"GET /v2/assumed-roles/users/{user_id}/sessions":                   {"listUserRoleSessions", "iam.assumedrole.List"},
		"GET /v2/roles/{role_id}/sessions":                                 {"listRoleSessions", "iam.assumedrole.List"},
		"POST /v2/authorize":                                               {"authorize", "iam.authorization.Authorize"},
		"POST /v2/authorize/batch":                                         {"authorizeBatch", "iam.authorization.Authorize"},
		"POST /v2/who-can":                                                 {"whoCan", "iam.authorization.WhoCan"},
		"GET /v2/users/me/effective-access":                                {"getCurrentUserEffectiveAccess", "iam.user.ReadEffectiveAccess"},
		"GET /v2/users/{user_id}/effective-access":                         {"getUserEffectiveAccess", "iam.user.ReadEffectiveAccess"},
		"GET /v2/users/me/groups":                                          {"listCurrentUserGroups", "iam.user.ListGroups"},
		"GET /v2/users/me/roles":                                           {"listCurrentUserRoles", "iam.user.ListRoles"},
		"GET /v2/users/me/policies":                                        {"listCurrentUserPolicies", "iam.user.ListPolicies"},
		"GET /v2/users/{user_id}/groups":                                   {"listUserGroups", "iam.user.ListGroups"},
		"GET /v2/users/{user_id}/roles":                                    {"listUserRoles", "iam.user.ListRoles"},
		"GET /v2/users/{user_id}/policies":                                 {"listUserPolicies", "iam.user.ListPolicies"},
		"POST /v2/groups":                                                  {"createGroup", "iam.group.Create"},
		"GET /v2/groups":                                                   {"listGroups", "iam.group.List"},
		"GET /v2/groups/{group_id}":                                        {"getGroup", "iam.group.Read"},
		"PUT /v2/groups/{group_id}":                                        {"updateGroup", "iam.group.Update"},
		"DELETE /v2/groups/{group_id}":                                     {"deleteGroup", "iam.group.Delete"},
		"POST /v2/groups/{group_id}/members":                               {"addGroupMember", "iam.group.AddMember"},
		"GET /v2/groups/{group_id}/members":                                {"listGroupMembers", "iam.group.ListMembers"},
		"DELETE /v2/groups/{group_id}/members/{user_id}":                   {"removeGroupMember", "iam.group.RemoveMember"},
		"GET /v2/groups/{group_id}/policies":                               {"listGroupPolicies", "iam.group.ListPolicies"},
		"GET /v2/groups/{group_id}/roles":                                  {"listGroupRoles", "iam.group.ListRoles"},
		"POST /v2/roles":                                                   {"createRole", "iam.role.Create"},
		"GET /v2/roles":                                                    {"listRoles", "iam.role.List"},
		"GET /v2/roles/{role_id}":                                          {"getRole", "iam.role.Read"},
		"PUT /v2/roles/{role_id}":                                          {"updateRole", "iam.role.Update"},
		"DELETE /v2/roles/{role_id}":                                       {"deleteRole", "iam.role.Delete"},
		"PATCH /v2/roles/{role_id}/restore":                                {"restoreRole", "iam.role.Restore"},
		"GET /v2/roles/{role_id}/policies":                                 {"listRolePolicies", "iam.role.ListPolicies"},
		"POST /v2/roles/{role_id}/policies":                                {"attachRolePolicyByBody", "iam.role.AttachPolicy"},
		"POST /v2/roles/{role_id}/policies/{policy_id}":                    {"attachRolePolicy", "iam.role.AttachPolicy"},
		"DELETE /v2/roles/{role_id}/policies/{policy_id}":                  {"detachRolePolicy", "iam.role.DetachPolicy"},
		"GET /v2/roles/{role_id}/users":                                    {"listRoleUsers", "iam.role.ListUsers"},
		"POST /v2/roles/{role_id}/users/{user_id}":                         {"attachRoleUser", "iam.role.AttachUser"},
		"DELETE /v2/roles/{role_id}/users/{user_id}":                       {"detachRoleUser", "iam.role.DetachUser"},
		"GET /v2/roles/{role_id}/groups":                                   {"listRoleGroups", "iam.role.ListGroups"},
		"POST /v2/roles/{role_id}/groups/{group_id}":                       {"attachRoleGroup", "iam.role.AttachGroup"},
		"DELETE /v2/roles/{role_id}/groups/{group_id}":                     {"detachRoleGroup", "iam.role.DetachGroup"},
		"POST /v2/policies":                                                {"createPolicy", "iam.policy.Create"},
		"GET /v2/policies":                                                 {"listPolicies", "iam.policy.List"},
		"GET /v2/policies/{policy_id}":                                     {"getPolicy", "iam.policy.Read"},
		"PUT /v2/policies/{policy_id}":                                     {"updatePolicy", "iam.policy.Update"},
		"DELETE /v2/policies/{policy_id}":                                  {"deletePolicy", "iam.policy.Delete"},
		"PATCH /v2/policies/{policy_id}/restore":                           {"restorePolicy", "iam.policy.Restore"},
		"GET /v2/policies/{policy_id}/users":                               {"listPolicyUsers", "iam.policy.ListUsers"},
		"POST /v2/policies/{policy_id}/users/{user_id}":                    {"attachPolicyUser", "iam.policy.AttachUser"},
		"DELETE /v2/policies/{policy_id}/users/{user_id}":                  {"detachPolicyUser", "iam.policy.DetachUser"},
		"GET /v2/policies/{policy_id}/groups":                              {"listPolicyGroups", "iam.policy.ListGroups"},
		"POST /v2/policies/{policy_id}/groups/{group_id}":                  {"attachPolicyGroup", "iam.policy.AttachGroup"},
		"DELETE /v2/policies/{policy_id}/groups/{group_id}":                {"detachPolicyGroup", "iam.policy.DetachGroup"},
		"GET /v2/policies/{policy_id}/roles":                               {"listPolicyRoles", "iam.policy.ListRoles"},
		"POST /v2/assumed-roles/assume-with-web-identity":                  {"assumeRoleWithWebIdentity", ""},
		"POST /v2/assumed-roles/compatibility/aws/sts":                     {"awsSTS", ""},
		"POST /v2/oidc/issuer":                                             {"createOIDCIssuer", "oidc.issuer.Create"},
		"GET /v2/oidc/issuer":                                              {"listOIDCIssuers", "oidc.issuer.List"},
		"GET /v2/oidc/issuer/{issuer_id}":                                  {"getOIDCIssuer", "oidc.issuer.Read"},
		"DELETE /v2/oidc/issuer/{issuer_id}":                               {"deleteOIDCIssuer", "oidc.issuer.Delete"},
		"GET /v2/audit-events":                                             {"listAuditEvents", "iam.auditevent.List"},
		"GET /v2/actions":                                                  {"listActions", "iam.catalog.List"},
		"GET /v2/endpoint-action-maps":                                     {"listEndpointActionMaps", "iam.catalog.List"},
		"GET /v2/endpoint-action-maps/available-actions":                   {"listAvailableActions", "iam.catalog.List"},
		"GET /v2/endpoint-action-maps/{map_id}":                            {"getEndpointActionMap", "iam.catalog.List"},
		"POST /v2/invitation":                                              {"createInvitation", "iam.invitation.Create"},
		"GET /v2/invitation":                                               {"listInvitations", "iam.invitation.List"},
		"GET /v2/invitation/{invitation_id}":                               {"getInvitation", "iam.invitation.Read"},
		"DELETE /v2/invitation/{invitation_id}":                            {"revokeInvitation", "iam.invitation.Revoke"},
		"POST /v2/invitation/{invitation_id}/resend":                       {"resendInvitation", "iam.invitation.Resend"},
		"GET /v2/invitations/accept":                                       {"describeInvitationLink", ""},
		"POST /v2/invitations/accept":                                      {"acceptInvitation", ""},
		"GET /v2/mail":                                                     {"listMail", "iam.mail.List"},
		"POST /v2/projects":                                                {"createProject", "iam.project.Create"},
		"GET /v2/projects":                                                 {"listProjects", "iam.project.List"},
		"GET /v2/projects/{project_id}":                                    {"getProject", "iam.project.Read"},
		"PUT /v2/projects/{project_id}":                                    {"updateProject", "iam.project.Update"},
		"DELETE /v2/projects/{project_id}":                                 {"deleteProject", "iam.project.Delete"},
		"GET /v2/projects/{project_id}/role-assignments":                   {"getProjectRoleAssignments", "iam.binding.Read"},
		"PUT /v2/projects/{project_id}/role-assignments":                   {"putProjectRoleAssignments", "iam.binding.Update"},
		"GET /v2/organizations/{organization_id}/role-assignments":         {"getOrganizationRoleAssignments", "iam.binding.Read"},
		"PUT /v2/organizations/{organization_id}/role-assignments":         {"putOrganizationRoleAssignments", "iam.binding.Update"},
		"GET /v2/projects/{project_id}/overrides/{user_id}":                {"getOverride", "iam.override.Read"},
		"PUT /v2/projects/{project_id}/overrides/{user_id}":                {"putOverride", "iam.override.Update"},
		"DELETE /v2/projects/{project_id}/overrides/{user_id}":             {"deleteOverride", "iam.override.Delete"},
		"POST /v2/resources":                                               {"registerResource", "iam.resource.Register"},
		"GET /v2/resources":                                                {"listResources", "iam.resource.Read"},
		"GET /v2/resources/{resource_id}":                                  {"getResource", "iam.resource.Read"},
		"DELETE /v2/resources/{resource_id}":                               {"deleteResource", "iam.resource.Delete"},
		"GET /v2/openapi.yaml":                                             {"getOpenAPISpec", ""},
		"GET /healthz":                                                     {"getHealth", ""},
		"GET /readyz":                                                      {"getReadiness", ""},
		"GET /metrics":                                                     {"getMetrics", ""},
	}
	got := map[string]op{}
	for path, item := range loadSpec(t).Paths.Map() {
		for method, o := range item.Operations() {
			action, _ := o.Extensions["x-keyward-action"].(string)
			got[method+" "+path] = op{o.OperationID, action}
		}
	}
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: missing", k)
		} else if g != w {
			t.Errorf("%s = %+v, want %+v", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: in the spec but not in this test", k)
		}
	}
}

var (
	operationIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z]*$`)
	actionPattern      = regexp.MustCompile(`^(iam|oidc)\.[a-z]+\.[A-Z][A-Za-z]*$`)
)

// TestSpec_Conventions checks the rules every operation follows, so that
// operations added later follow them too.
func TestSpec_Conventions(t *testing.T) {
	doc := loadSpec(t)
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Fatalf("top-level security = %v, want bearerAuth", doc.Security)
	}
	public := map[string]bool{"getOpenAPISpec": true, "getHealth": true, "getReadiness": true, "getMetrics": true, "assumeRoleWithWebIdentity": true, "awsSTS": true, "describeInvitationLink": true, "acceptInvitation": true, "login": true}
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			name := method + " " + path
			if !operationIDPattern.MatchString(o.OperationID) || seen[o.OperationID] {
				t.Errorf("%s: operationId %q is not unique camelCase", name, o.OperationID)
			}
			seen[o.OperationID] = true
			if len(o.Tags) == 0 || o.Summary == "" {
				t.Errorf("%s: needs tags and a summary", name)
			}
			if a, ok := o.Extensions["x-keyward-action"].(string); ok && !actionPattern.MatchString(a) {
				t.Errorf("%s: x-keyward-action %q is not service.resource.Operation", name, a)
			}
			isPublic := o.Security != nil && len(*o.Security) == 0
			if isPublic != public[o.OperationID] {
				t.Errorf("%s: public = %v, want %v", name, isPublic, public[o.OperationID])
			}
			if o.Responses.Default() == nil {
				t.Errorf("%s: no default (Error) response", name)
			}
			if !isPublic && o.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("%s: authenticated but no 401 response", name)
			}
			checkResponses(t, name, o)
			checkListParams(t, name, o)
		}
	}
}

// checkResponses checks that every error response is an Error and that no
// success body trips Vultr's client, which reads a top-level "status" as a
// number and a top-level "error" as a failure.
func checkResponses(t *testing.T, name string, o *openapi3.Operation) {
	t.Helper()
	for code, r := range o.Responses.Map() {
		mt := r.Value.Content.Get("application/json")
		if mt == nil {
			continue
		}
		s := mt.Schema
		if n, _ := strconv.Atoi(code); code == "default" || n >= 400 {
			if !strings.HasSuffix(s.Ref, "/Error") {
				t.Errorf("%s %s: schema %q, want Error", name, code, s.Ref)
			}
			continue
		}
		if !s.Value.Type.Is("object") {
			t.Errorf("%s %s: body is not an object", name, code)
		}
		if p := s.Value.Properties["status"]; p != nil && !p.Value.Type.Is("integer") {
			t.Errorf("%s %s: top-level status is not an integer", name, code)
		}
		if s.Value.Properties["error"] != nil {
			t.Errorf("%s %s: top-level error in a success body", name, code)
		}
	}
}

// checkListParams checks that a list (a response with meta) takes per_page
// and cursor.
func checkListParams(t *testing.T, name string, o *openapi3.Operation) {
	t.Helper()
	r := o.Responses.Status(http.StatusOK)
	if r == nil || r.Value.Content.Get("application/json") == nil {
		return
	}
	if r.Value.Content.Get("application/json").Schema.Value.Properties["meta"] == nil {
		return
	}
	var params []string
	for _, p := range o.Parameters {
		if p.Value.In == "query" {
			params = append(params, p.Value.Name)
		}
	}
	if !slices.Contains(params, "per_page") || !slices.Contains(params, "cursor") {
		t.Errorf("%s: a list without per_page and cursor (has %v)", name, params)
	}
}

// TestSpec_PathIDs checks that every operation with a path ID documents the
// 400 a malformed one gets.
func TestSpec_PathIDs(t *testing.T) {
	for path, item := range loadSpec(t).Paths.Map() {
		if !strings.Contains(path, "{") {
			continue
		}
		for method, o := range item.Operations() {
			if o.Responses.Status(http.StatusBadRequest) == nil {
				t.Errorf("%s %s: a path ID but no 400 response", method, path)
			}
		}
	}
}
