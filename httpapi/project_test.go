package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

func (a *api) postProject(token, name string) string {
	a.t.Helper()
	var out struct{ Project struct{ ID string } }
	a.do("POST", "/v2/projects", token, `{"name":"`+name+`"}`, http.StatusCreated, &out)
	return out.Project.ID
}

func TestProjectsAndResources(t *testing.T) {
	a := newAPI(t)
	prod := a.postProject(a.root, "Production")
	dev := a.postProject(a.root, "Development")
	var e apiError
	a.do("POST", "/v2/projects", a.root, `{"name":"production"}`, http.StatusConflict, &e)
	if e.Field != "name" {
		t.Errorf("duplicate name: field %q, want name", e.Field)
	}
	var got struct {
		Project struct{ ID, Name, Description string }
	}
	a.do("PUT", "/v2/projects/"+prod, a.root, `{"name":"Prod","description":"live"}`, http.StatusOK, &got)
	if got.Project.Name != "Prod" || got.Project.Description != "live" {
		t.Errorf("rename = %+v", got.Project)
	}
	var list struct {
		Projects []struct{ ID string }
		Meta     struct{ Total int }
	}
	a.do("GET", "/v2/projects", a.root, "", http.StatusOK, &list)
	if len(list.Projects) != 2 || list.Projects[0].ID != prod || list.Meta.Total != 2 {
		t.Errorf("list = %+v", list)
	}

	const vm = "0193a000-0000-7000-8000-0000000000a1"
	a.do("POST", "/v2/resources", a.root, `{"id":"`+vm+`","type":"compute.instance","project_id":"`+prod+`"}`, http.StatusCreated, nil)
	a.do("POST", "/v2/resources", a.root, `{"id":"`+vm+`","type":"compute.instance","project_id":"`+dev+`"}`, http.StatusConflict, nil)
	var res struct {
		Resource struct {
			ID, Type  string
			ProjectID string `json:"project_id"`
		}
	}
	a.do("GET", "/v2/resources/"+vm, a.root, "", http.StatusOK, &res)
	if res.Resource.ProjectID != prod || res.Resource.Type != "compute.instance" {
		t.Errorf("resource = %+v", res.Resource)
	}
	var rl struct{ Resources []struct{ ID string } }
	a.do("GET", "/v2/resources?project_id="+dev, a.root, "", http.StatusOK, &rl)
	if len(rl.Resources) != 0 {
		t.Errorf("dev resources = %+v, want none", rl.Resources)
	}
	a.do("GET", "/v2/resources?project_id="+prod, a.root, "", http.StatusOK, &rl)
	if len(rl.Resources) != 1 {
		t.Errorf("prod resources = %+v, want the vm", rl.Resources)
	}

	// A project with resources is deleted only by force, which takes them.
	a.do("DELETE", "/v2/projects/"+prod, a.root, "", http.StatusConflict, &e)
	a.do("DELETE", "/v2/projects/"+dev, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/projects/"+prod+"?force=true", a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/resources/"+vm, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/projects/"+prod, a.root, "", http.StatusNotFound, nil)
}

func TestProjectBadInput(t *testing.T) {
	a := newAPI(t)
	prod := a.postProject(a.root, "Production")
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	const zeroID = "00000000-0000-7000-8000-000000000000"
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantField                string
	}{
		{"no name", "POST", "/v2/projects", `{"description":"x"}`, 400, "name"},
		{"bad project id", "GET", "/v2/projects/nope", "", 400, "project_id"},
		{"bad force", "DELETE", "/v2/projects/" + prod + "?force=maybe", "", 400, "force"},
		{"resource without id", "POST", "/v2/resources", `{"type":"x","project_id":"` + prod + `"}`, 400, "id"},
		{"resource with a bad id", "POST", "/v2/resources", `{"id":"VM 1","type":"x","project_id":"` + prod + `"}`, 400, "id"},
		{"resource without type", "POST", "/v2/resources", `{"id":"` + zeroID + `","project_id":"` + prod + `"}`, 400, "type"},
		{"resource in no project", "POST", "/v2/resources", `{"id":"` + zeroID + `","type":"compute.instance","project_id":"` + zeroID + `"}`, 404, "project_id"},
		{"resource of an unknown type", "POST", "/v2/resources", `{"id":"` + zeroID + `","type":"compute.instanse","project_id":"` + prod + `"}`, 400, "type"},
		{"list with a bad project", "GET", "/v2/resources?project_id=x", "", 400, "project_id"},
		{"override: unknown group", "PUT", "/v2/projects/" + prod + "/overrides/" + bob, `{"grid":{"compute":["view"]}}`, 400, "grid.compute"},
		{"override: a cell the seed does not have", "PUT", "/v2/projects/" + prod + "/overrides/" + bob, `{"grid":{"billing":["delete"]}}`, 400, "grid.billing.delete"},
		{"override: no grid", "PUT", "/v2/projects/" + prod + "/overrides/" + bob, `{}`, 400, "grid"},
		{"override: not a list", "PUT", "/v2/projects/" + prod + "/overrides/" + bob, `{"grid":{"vpcs":"view"}}`, 400, "grid"},
		{"override: unknown user", "PUT", "/v2/projects/" + prod + "/overrides/" + zeroID, `{"grid":{}}`, 404, ""},
		{"assignments: missing list", "PUT", "/v2/projects/" + prod + "/role-assignments", `{}`, 400, "role_assignments"},
		{"assignments: bad type", "PUT", "/v2/projects/" + prod + "/role-assignments",
			`{"role_assignments":[{"identity_id":"` + bob + `","identity_type":"robot","role_name":"viewer"}]}`, 400, "role_assignments[0].identity_type"},
		{"assignments: unknown role", "PUT", "/v2/projects/" + prod + "/role-assignments",
			`{"role_assignments":[{"identity_id":"` + bob + `","identity_type":"user","role_name":"wizard"}]}`, 400, "role_assignments[0].role_name"},
		{"assignments: unknown user", "PUT", "/v2/projects/" + prod + "/role-assignments",
			`{"role_assignments":[{"identity_id":"` + zeroID + `","identity_type":"user","role_name":"viewer"}]}`, 400, "role_assignments[0].identity_id"},
		{"assignments: twice", "PUT", "/v2/projects/" + prod + "/role-assignments",
			`{"role_assignments":[{"identity_id":"` + bob + `","identity_type":"user","role_name":"viewer"},{"identity_id":"` + bob + `","identity_type":"silo_user","role_name":"viewer"}]}`, 400, "role_assignments[1].role_name"},
		{"assignments: other org", "GET", "/v2/organizations/" + zeroID + "/role-assignments", "", 404, ""},
		{"key: policy and grid", "POST", "/v2/users/" + bob + "/api-keys", `{"policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"grid":{"vpcs":["view"]}}`, 400, "grid"},
		{"key: bad policy", "POST", "/v2/users/" + bob + "/api-keys", `{"policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"nope.x.Y","Resource":"*"}]}}`, 400, "policy.Statement[0].Action"},
		{"key: bad grid", "POST", "/v2/users/" + bob + "/api-keys", `{"grid":{"api_tokens":["view"]}}`, 400, "grid.api_tokens.view"},
		{"key: empty grid", "POST", "/v2/users/" + bob + "/api-keys", `{"grid":{}}`, 400, "grid"},
		{"role: bad grid", "POST", "/v2/roles", `{"name":"support","grid":{"team_management":["delete"]}}`, 400, "grid.team_management.delete"},
		{"role: built-in name", "POST", "/v2/roles", `{"name":"viewer"}`, 409, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.in(t).do(tt.method, tt.path, a.root, tt.body, tt.wantStatus, &e)
			if e.Field != tt.wantField || e.Error == "" {
				t.Errorf("error %+v, want field %q", e, tt.wantField)
			}
		})
	}
}

func TestRoleAssignments(t *testing.T) {
	a := newAPI(t)
	prod := a.postProject(a.root, "Production")
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	g := a.postGroup(a.root, "devs")
	a.postRole(a.root, "deployer", "assignable")

	type doc struct {
		RoleAssignments []struct {
			IdentityID   string `json:"identity_id"`
			IdentityType string `json:"identity_type"`
			RoleName     string `json:"role_name"`
		} `json:"role_assignments"`
	}
	var d doc
	res := a.do("GET", "/v2/projects/"+prod+"/role-assignments", a.root, "", http.StatusOK, &d)
	empty := res.Header.Get("ETag")
	if len(d.RoleAssignments) != 0 || empty == "" {
		t.Fatalf("new project: %+v, ETag %q", d, empty)
	}
	put := `{"role_assignments":[{"identity_id":"` + bob + `","identity_type":"user","role_name":"collaborator"},` +
		`{"identity_id":"` + g + `","identity_type":"silo_group","role_name":"Deployer"},` +
		`{"identity_id":"` + bob + `","identity_type":"user","role_name":"Viewer"}]}`
	res, body := a.doWith("PUT", "/v2/projects/"+prod+"/role-assignments", a.root, put, map[string]string{"If-Match": empty}, http.StatusOK)
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ra := range d.RoleAssignments {
		names = append(names, ra.IdentityType+":"+ra.RoleName)
	}
	// Oxide's roles keep Oxide's spelling; custom roles their own name.
	if want := []string{"user:collaborator", "group:deployer", "user:Viewer"}; !slices.Equal(names, want) {
		t.Errorf("after PUT: %q, want %q", names, want)
	}
	tag := res.Header.Get("ETag")
	if tag == empty {
		t.Error("the ETag did not change with the document")
	}
	// A stale If-Match is refused and changes nothing; the current one works.
	a.doWith("PUT", "/v2/projects/"+prod+"/role-assignments", a.root, `{"role_assignments":[]}`, map[string]string{"If-Match": empty}, http.StatusPreconditionFailed)
	a.do("GET", "/v2/projects/"+prod+"/role-assignments", a.root, "", http.StatusOK, &d)
	if len(d.RoleAssignments) != 3 {
		t.Errorf("a stale PUT changed the document: %+v", d)
	}
	// The organization's document is separate; bob's project roles show in
	// his role view through the bindings.
	a.do("GET", "/v2/organizations/"+a.orgID+"/role-assignments", a.root, "", http.StatusOK, &d)
	if len(d.RoleAssignments) != 0 {
		t.Errorf("org document = %+v, want empty", d)
	}
	a.doWith("PUT", "/v2/organizations/"+a.orgID+"/role-assignments", a.root,
		`{"role_assignments":[{"identity_id":"`+bob+`","identity_type":"user","role_name":"viewer"}]}`, nil, http.StatusOK)
	a.do("GET", "/v2/organizations/"+a.orgID+"/role-assignments", a.root, "", http.StatusOK, &d)
	if len(d.RoleAssignments) != 1 || d.RoleAssignments[0].RoleName != "viewer" {
		t.Errorf("org document = %+v", d)
	}
	a.doWith("PUT", "/v2/projects/"+prod+"/role-assignments", a.root, `{"role_assignments":[]}`, map[string]string{"If-Match": tag}, http.StatusOK)
}

func TestBuiltinAndGridRoles(t *testing.T) {
	a := newAPI(t)
	type roleOut struct {
		ID             string
		Name           string
		IsSystemRole   bool                `json:"is_system_role"`
		Grid           map[string][]string `json:"grid"`
		PolicyDocument *policy.Document    `json:"policy_document"`
	}
	var list struct {
		Roles []roleOut
		Meta  struct{ Total int }
	}
	a.do("GET", "/v2/roles", a.root, "", http.StatusOK, &list)
	var system []string
	for _, r := range list.Roles {
		if r.IsSystemRole {
			system = append(system, r.Name)
		}
	}
	if want := []string{"Admin", "Operator", "Viewer", "oxide:admin", "oxide:collaborator", "oxide:limited_collaborator", "oxide:viewer"}; !slices.Equal(system, want) {
		t.Fatalf("system roles = %q, want %q", system, want)
	}
	viewer := policy.BuiltinRoleID("Viewer")
	var one struct{ Role roleOut }
	a.do("GET", "/v2/roles/"+viewer, a.root, "", http.StatusOK, &one)
	if !one.Role.IsSystemRole || !slices.Equal(one.Role.Grid["billing"], []string{"view"}) || one.Role.PolicyDocument == nil {
		t.Errorf("Viewer = %+v", one.Role)
	}
	// Read-only: 422 on update and delete; bindable like any role.
	a.do("PUT", "/v2/roles/"+viewer, a.root, `{"name":"Viewer2"}`, http.StatusUnprocessableEntity, nil)
	a.do("DELETE", "/v2/roles/"+viewer, a.root, "", http.StatusUnprocessableEntity, nil)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	a.do("POST", "/v2/roles/"+viewer+"/users/"+bob, a.root, "", http.StatusCreated, nil)
	var mine struct {
		Roles struct {
			All []struct{ ID string } `json:"all"`
		} `json:"roles"`
	}
	a.do("GET", "/v2/users/"+bob+"/roles", a.root, "", http.StatusOK, &mine)
	if len(mine.Roles.All) != 1 || mine.Roles.All[0].ID != viewer {
		t.Errorf("bob's roles = %+v, want Viewer", mine.Roles)
	}

	// A grid role stores its grid and regenerates its policy on update.
	var r roleOut
	a.do("POST", "/v2/roles", a.root, `{"name":"support","grid":{"compute_instances":["view"],"billing":["view","manage"]}}`, http.StatusCreated, &r)
	if r.IsSystemRole || !slices.Equal(r.Grid["billing"], []string{"view", "manage"}) || r.PolicyDocument == nil {
		t.Fatalf("create grid role = %+v", r)
	}
	id := r.ID
	r = roleOut{}
	a.do("PUT", "/v2/roles/"+id, a.root, `{"name":"support","grid":{"vpcs":["view","delete"]}}`, http.StatusOK, &r)
	acts := r.PolicyDocument.Statement[0].Action
	if len(r.Grid) != 1 || !slices.Contains(acts, "network.vpc.Delete") || slices.Contains(acts, "compute.instance.List") {
		t.Errorf("updated grid role = %+v (actions %q)", r.Grid, acts)
	}
	one.Role = roleOut{}
	a.do("GET", "/v2/roles/"+id, a.root, "", http.StatusOK, &one)
	if !slices.Equal(one.Role.Grid["vpcs"], []string{"view", "delete"}) {
		t.Errorf("GET grid role = %+v", one.Role.Grid)
	}
}

func TestOverridesAndNarrowedKeys(t *testing.T) {
	a := newAPI(t)
	prod := a.postProject(a.root, "Production")
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	a.do("GET", "/v2/projects/"+prod+"/overrides/"+bob, a.root, "", http.StatusNotFound, nil)
	var o struct {
		Override struct {
			Grid           map[string][]string `json:"grid"`
			PolicyDocument *policy.Document    `json:"policy_document"`
		}
	}
	a.do("PUT", "/v2/projects/"+prod+"/overrides/"+bob, a.root, `{"grid":{"compute_instances":["view"]}}`, http.StatusOK, &o)
	if !slices.Equal(o.Override.Grid["compute_instances"], []string{"view"}) || o.Override.PolicyDocument == nil {
		t.Errorf("override = %+v", o.Override)
	}
	o.Override.Grid = nil
	a.do("PUT", "/v2/projects/"+prod+"/overrides/"+bob, a.root, `{"grid":{}}`, http.StatusOK, &o)
	if len(o.Override.Grid) != 0 || o.Override.PolicyDocument != nil {
		t.Errorf("empty override = %+v, want no grid and a null document", o.Override)
	}
	a.do("GET", "/v2/projects/"+prod+"/overrides/"+bob, a.root, "", http.StatusOK, &o)
	a.do("DELETE", "/v2/projects/"+prod+"/overrides/"+bob, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/projects/"+prod+"/overrides/"+bob, a.root, "", http.StatusNotFound, nil)

	// A key carries its narrowing and shows it back.
	var k struct {
		APIKey struct {
			ID     string
			Policy *policy.Document    `json:"policy"`
			Grid   map[string][]string `json:"grid"`
		} `json:"api_key"`
	}
	a.do("POST", "/v2/users/"+bob+"/api-keys", a.root, `{"grid":{"vpcs":["view"]}}`, http.StatusCreated, &k)
	if k.APIKey.Policy == nil || !slices.Equal(k.APIKey.Grid["vpcs"], []string{"view"}) {
		t.Errorf("narrowed key = %+v", k.APIKey)
	}
	a.do("GET", "/v2/users/"+bob+"/api-keys/"+k.APIKey.ID, a.root, "", http.StatusOK, &k)
	if k.APIKey.Policy == nil {
		t.Errorf("GET key lost its policy: %+v", k.APIKey)
	}
}

// withoutBuiltin drops the built-in roles' ids from ids.
func withoutBuiltin(ids []string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		_, ok := policy.BuiltinRoleByID(nil, id)
		return ok
	})
}
