package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

type roleOut struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Description        string      `json:"description"`
	RoleType           string      `json:"role_type"`
	MaxSessionDuration int         `json:"max_session_duration"`
	Policies           []policyOut `json:"policies"`
	Source             string      `json:"source"`
	DateCreated        string      `json:"date_created"`
	DateDeleted        string      `json:"date_deleted"`
}

// assignmentJSON decodes the three attachment shapes of the role routes.
type assignmentJSON struct {
	PolicyID        string `json:"policy_id"`
	PolicyName      string `json:"policy_name"`
	UserID          string `json:"user_id"`
	GroupID         string `json:"group_id"`
	GroupName       string `json:"group_name"`
	RoleID          string `json:"role_id"`
	RoleName        string `json:"role_name"`
	RoleDescription string `json:"role_description"`
	RoleType        string `json:"role_type"`
	DateAssigned    string `json:"date_assigned"`
	AssignedBy      string `json:"assigned_by"`
}

func (a *api) postRole(token, name, typ string) string {
	a.t.Helper()
	var r roleOut
	a.do("POST", "/v2/roles", token, `{"name":"`+name+`","description":"","role_type":"`+typ+`","max_session_duration":0}`, http.StatusCreated, &r)
	return r.ID
}

func roleIDs(rs []roleOut) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

func policyIDs(ps []policyOut) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestRoles(t *testing.T) {
	a := newAPI(t)
	uid, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	gid := a.postGroup(a.root, "ops")
	p1 := a.postPolicy(a.root, "reader", readDoc)
	managed := policyID("ReadOnlyAccess")
	var root struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, &root)

	// Create: govultr sends every field; "" and 0 take the defaults.
	var r roleOut
	a.do("POST", "/v2/roles", a.root, `{"name":"deployer","description":"ships","role_type":"","max_session_duration":0}`, http.StatusCreated, &r)
	if r.ID == "" || r.Name != "deployer" || r.RoleType != "assignable" || r.MaxSessionDuration != 3600 || r.Policies == nil || r.DateCreated == "" {
		t.Fatalf("create = %+v, want an assignable role of 3600 s with an empty policies array", r)
	}
	var assumable roleOut
	a.do("POST", "/v2/roles", a.root, `{"name":"breakglass","role_type":"assumable","max_session_duration":900}`, http.StatusCreated, &assumable)
	if assumable.RoleType != "assumable" || assumable.MaxSessionDuration != 900 {
		t.Errorf("create assumable = %+v", assumable)
	}
	var e apiError
	a.do("POST", "/v2/roles", a.root, `{"name":"DEPLOYER"}`, http.StatusConflict, &e)
	if e.Field != "name" {
		t.Errorf("duplicate role name: %+v, want a conflict on name", e)
	}

	var got struct {
		Role roleOut `json:"role"`
	}
	a.do("GET", "/v2/roles/"+r.ID, a.root, "", http.StatusOK, &got)
	if got.Role.ID != r.ID || got.Role.Description != "ships" {
		t.Errorf("get = %+v, want the role wrapped in \"role\"", got)
	}
	var list struct {
		Roles []roleOut `json:"roles"`
		Meta  metaOut   `json:"meta"`
	}
	a.do("GET", "/v2/roles", a.root, "", http.StatusOK, &list)
	// The built-in roles come first, on every organization's list.
	if !slices.Equal(withoutBuiltin(roleIDs(list.Roles)), []string{r.ID, assumable.ID}) || list.Meta.Total != 2+len(policy.BuiltinRoles(nil)) {
		t.Errorf("list = %v, want both roles", roleIDs(list.Roles))
	}
	a.do("GET", "/v2/roles?role_type=assumable", a.root, "", http.StatusOK, &list)
	if !slices.Equal(roleIDs(list.Roles), []string{assumable.ID}) {
		t.Errorf("assumable roles = %v", roleIDs(list.Roles))
	}

	// Update: name and description replaced, "" and 0 keep type and duration.
	var upd roleOut
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"deployer","description":"ships code","role_type":"","max_session_duration":0}`, http.StatusOK, &upd)
	if upd.Description != "ships code" || upd.RoleType != "assignable" || upd.MaxSessionDuration != 3600 {
		t.Errorf("update = %+v, want the type and duration kept", upd)
	}
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"deployer","max_session_duration":7200}`, http.StatusOK, &upd)
	if upd.MaxSessionDuration != 7200 || upd.Description != "" {
		t.Errorf("update duration = %+v", upd)
	}

	// Policies, by path and (older clients) by body.
	var att assignmentJSON
	a.do("POST", "/v2/roles/"+r.ID+"/policies/"+p1, a.root, "", http.StatusCreated, &att)
	if att.PolicyID != p1 || att.PolicyName != "reader" || att.RoleID != r.ID || att.RoleType != "assignable" || att.DateAssigned == "" || att.AssignedBy != root.User.ID {
		t.Errorf("attach policy = %+v", att)
	}
	a.do("POST", "/v2/roles/"+r.ID+"/policies/"+p1, a.root, "", http.StatusConflict, &e)
	if e.Field != "policy_id" {
		t.Errorf("attach twice: %+v, want a conflict on policy_id", e)
	}
	a.do("POST", "/v2/roles/"+r.ID+"/policies", a.root, `{"policy_id":"`+managed+`"}`, http.StatusCreated, &att)
	if att.PolicyID != managed || att.PolicyName != "ReadOnlyAccess" {
		t.Errorf("attach managed by body = %+v", att)
	}
	a.do("POST", "/v2/roles/"+assumable.ID+"/policies/"+p1, a.root, "", http.StatusCreated, nil)
	var pols struct {
		Policies []policyOut `json:"policies"`
		Meta     metaOut     `json:"meta"`
	}
	a.do("GET", "/v2/roles/"+r.ID+"/policies?per_page=1", a.root, "", http.StatusOK, &pols)
	if !slices.Equal(policyIDs(pols.Policies), []string{p1}) || pols.Meta.Total != 2 || pols.Meta.Links.Next == "" {
		t.Errorf("role policies page 1 = %v %+v", policyIDs(pols.Policies), pols.Meta)
	}
	a.do("GET", "/v2/roles/"+r.ID+"/policies?per_page=1&cursor="+pols.Meta.Links.Next, a.root, "", http.StatusOK, &pols)
	if !slices.Equal(policyIDs(pols.Policies), []string{managed}) || pols.Meta.Links.Next != "" || pols.Meta.Links.Prev == "" {
		t.Errorf("role policies page 2 = %v %+v", policyIDs(pols.Policies), pols.Meta)
	}
	a.do("GET", "/v2/roles/"+r.ID, a.root, "", http.StatusOK, &got)
	if !slices.Equal(policyIDs(got.Role.Policies), []string{p1, managed}) || !got.Role.Policies[1].IsSystemPolicy {
		t.Errorf("role's policies = %v", policyIDs(got.Role.Policies))
	}

	// Users and groups, on assignable roles only.
	a.do("POST", "/v2/roles/"+r.ID+"/users/"+uid, a.root, "", http.StatusCreated, &att)
	if att.UserID != uid || att.RoleID != r.ID || att.RoleName != "deployer" || att.DateAssigned == "" {
		t.Errorf("attach user = %+v", att)
	}
	a.do("POST", "/v2/roles/"+r.ID+"/users/"+uid, a.root, "", http.StatusConflict, nil)
	a.do("POST", "/v2/roles/"+r.ID+"/groups/"+gid, a.root, "", http.StatusCreated, &att)
	if att.GroupID != gid || att.GroupName != "ops" || att.RoleID != r.ID {
		t.Errorf("attach group = %+v", att)
	}
	a.do("POST", "/v2/roles/"+assumable.ID+"/users/"+uid, a.root, "", http.StatusConflict, &e)
	if e.Field != "role_type" || !strings.Contains(e.Error, "trust") {
		t.Errorf("assign an assumable role: %+v, want a conflict pointing at trusts", e)
	}
	a.do("POST", "/v2/roles/"+assumable.ID+"/groups/"+gid, a.root, "", http.StatusConflict, nil)
	var asg struct {
		Assignments []assignmentJSON `json:"assignments"`
		Meta        metaOut          `json:"meta"`
	}
	a.do("GET", "/v2/roles/"+r.ID+"/users", a.root, "", http.StatusOK, &asg)
	if len(asg.Assignments) != 1 || asg.Assignments[0].UserID != uid || asg.Meta.Total != 1 {
		t.Errorf("role users = %+v", asg)
	}
	a.do("GET", "/v2/roles/"+r.ID+"/groups", a.root, "", http.StatusOK, &asg)
	if len(asg.Assignments) != 1 || asg.Assignments[0].GroupID != gid || asg.Assignments[0].GroupName != "ops" || asg.Meta.Total != 1 {
		t.Errorf("role groups = %+v", asg)
	}

	// Conversion: refused while bound, allowed once detached, both ways.
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"deployer","role_type":"assumable"}`, http.StatusConflict, &e)
	if e.Field != "role_type" || !strings.Contains(e.Error, "2 users or groups") {
		t.Errorf("convert while bound: %+v, want a conflict on role_type counting 2 bindings", e)
	}
	a.do("DELETE", "/v2/roles/"+r.ID+"/users/"+uid, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/roles/"+r.ID+"/users/"+uid, a.root, "", http.StatusNotFound, nil)
	a.do("DELETE", "/v2/roles/"+r.ID+"/groups/"+gid, a.root, "", http.StatusNoContent, nil)
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"deployer","role_type":"assumable"}`, http.StatusOK, &upd)
	if upd.RoleType != "assumable" || len(upd.Policies) != 2 {
		t.Errorf("convert to assumable = %+v, want the policies kept", upd)
	}
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"deployer","role_type":"assignable"}`, http.StatusOK, &upd)
	if upd.RoleType != "assignable" {
		t.Errorf("convert back = %+v", upd)
	}

	// Soft delete and restore with the bindings and policies as they were.
	a.do("POST", "/v2/roles/"+r.ID+"/users/"+uid, a.root, "", http.StatusCreated, nil)
	a.do("DELETE", "/v2/roles/"+r.ID, a.root, "", http.StatusNoContent, nil)
	for _, path := range []string{"", "/policies", "/users", "/groups"} {
		a.do("GET", "/v2/roles/"+r.ID+path, a.root, "", http.StatusNotFound, nil)
	}
	a.do("DELETE", "/v2/roles/"+r.ID, a.root, "", http.StatusNotFound, nil)
	a.do("PUT", "/v2/roles/"+r.ID, a.root, `{"name":"x"}`, http.StatusNotFound, nil)
	a.do("POST", "/v2/roles/"+r.ID+"/groups/"+gid, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/roles", a.root, "", http.StatusOK, &list)
	if !slices.Equal(withoutBuiltin(roleIDs(list.Roles)), []string{assumable.ID}) {
		t.Errorf("live roles after delete = %v", roleIDs(list.Roles))
	}
	a.do("GET", "/v2/roles?deleted=true", a.root, "", http.StatusOK, &list)
	if !slices.Equal(roleIDs(list.Roles), []string{r.ID}) || list.Roles[0].DateDeleted == "" {
		t.Errorf("deleted roles = %+v", list.Roles)
	}
	var restored roleOut
	a.do("PATCH", "/v2/roles/"+r.ID+"/restore", a.root, "", http.StatusOK, &restored)
	if restored.ID != r.ID || restored.DateDeleted != "" || len(restored.Policies) != 2 {
		t.Errorf("restore = %+v, want the bare role with its policies", restored)
	}
	a.do("GET", "/v2/roles/"+r.ID+"/users", a.root, "", http.StatusOK, &asg)
	if len(asg.Assignments) != 1 || asg.Assignments[0].UserID != uid {
		t.Errorf("users after restore = %+v", asg.Assignments)
	}
	a.do("PATCH", "/v2/roles/"+r.ID+"/restore", a.root, "", http.StatusOK, &restored) // live: no change

	// A name taken while deleted blocks the restore.
	a.do("DELETE", "/v2/roles/"+assumable.ID, a.root, "", http.StatusNoContent, nil)
	a.postRole(a.root, "breakglass", "assumable")
	a.do("PATCH", "/v2/roles/"+assumable.ID+"/restore", a.root, "", http.StatusConflict, &e)
	if e.Field != "name" {
		t.Errorf("restore into a taken name: %+v", e)
	}

	a.do("DELETE", "/v2/roles/"+r.ID+"/policies/"+managed, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/roles/"+r.ID+"/policies/"+managed, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/roles/"+r.ID+"/policies", a.root, "", http.StatusOK, &pols)
	if !slices.Equal(policyIDs(pols.Policies), []string{p1}) {
		t.Errorf("policies after detach = %v", policyIDs(pols.Policies))
	}
}
