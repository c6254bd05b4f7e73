package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// readDoc allows listing groups everywhere, with Action and Resource as
// plain strings, which the server must turn into arrays.
const readDoc = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`

type policyOut struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Description    string `json:"description"`
	PolicyDocument struct {
		Version   string `json:"Version"`
		Statement []struct {
			Effect   string   `json:"Effect"`
			Action   []string `json:"Action"`
			Resource []string `json:"Resource"`
		} `json:"Statement"`
	} `json:"policy_document"`
	Version        string `json:"version"`
	IsSystemPolicy bool   `json:"is_system_policy"`
	FromRole       string `json:"from_role"`
	Source         string `json:"source"`
	DateCreated    string `json:"date_created"`
	DateDeleted    string `json:"date_deleted"`
}

func (a *api) postPolicy(token, name, doc string) string {
	a.t.Helper()
	var p policyOut
	a.do("POST", "/v2/policies", token, fmt.Sprintf(`{"name":%q,"description":"","policy_document":%s}`, name, doc), http.StatusCreated, &p)
	return p.ID
}

func policyID(name string) string { return policy.ManagedPolicyID(name) }

func TestPolicies(t *testing.T) {
	a := newAPI(t)
	uid, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	gid := a.postGroup(a.root, "ops")
	managed := policy.ManagedPolicies(nil)

	// Create: strings become one-item arrays; version 1 is the ETag.
	res, body := a.doWith("POST", "/v2/policies", a.root, `{"name":"reader","description":"d","policy_document":`+readDoc+`}`, nil, http.StatusCreated)
	var p policyOut
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	st := p.PolicyDocument.Statement
	if p.ID == "" || p.Version != "1" || p.IsSystemPolicy || len(st) != 1 || !slices.Equal(st[0].Action, []string{"iam.group.List"}) ||
		!slices.Equal(st[0].Resource, []string{"*"}) || res.Header.Get("ETag") != `"1"` || p.DateCreated == "" {
		t.Fatalf("create = %s (ETag %q)", body, res.Header.Get("ETag"))
	}
	var e apiError
	a.do("POST", "/v2/policies", a.root, `{"name":"READER","policy_document":`+readDoc+`}`, http.StatusConflict, &e)
	a.do("POST", "/v2/policies", a.root, `{"name":"readonlyaccess","policy_document":`+readDoc+`}`, http.StatusConflict, &e)
	if e.Field != "name" || !strings.Contains(e.Error, "managed") {
		t.Errorf("a managed policy's name: %+v", e)
	}

	// A bad document names the first problem's path, says what is wrong
	// with a suggestion, and mentions the others.
	bad := `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instanse.Create","Resource":"*"},{"Effect":"Alow","Action":"*","Resource":"*"}]}`
	a.do("POST", "/v2/policies", a.root, `{"name":"bad","policy_document":`+bad+`}`, http.StatusBadRequest, &e)
	if e.Field != "policy_document.Statement[0].Action" || !strings.Contains(e.Error, `did you mean "compute.instance.Create"`) ||
		!strings.Contains(e.Error, "1 more: Statement[1].Effect") {
		t.Errorf("bad document: %+v", e)
	}

	res, body = a.doWith("GET", "/v2/policies/"+p.ID, a.root, "", nil, http.StatusOK)
	var got struct {
		Policy policyOut `json:"policy"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.Policy.ID != p.ID || res.Header.Get("ETag") != `"1"` {
		t.Errorf("get = %s (ETag %q), want the policy wrapped in \"policy\"", body, res.Header.Get("ETag"))
	}

	// Update with If-Match: current → next version; stale → 412; none → unconditional.
	newDoc := `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List","iam.group.Read"],"Resource":["*"]}]}`
	put := `{"name":"reader","description":"","policy_document":` + newDoc + `}`
	res, body = a.doWith("PUT", "/v2/policies/"+p.ID, a.root, put, map[string]string{"If-Match": `"1"`}, http.StatusOK)
	if err := json.Unmarshal(body, &p); err != nil || p.Version != "2" || len(p.PolicyDocument.Statement[0].Action) != 2 || res.Header.Get("ETag") != `"2"` {
		t.Errorf("update = %s", body)
	}
	_, body = a.doWith("PUT", "/v2/policies/"+p.ID, a.root, put, map[string]string{"If-Match": `"1"`}, http.StatusPreconditionFailed)
	if err := json.Unmarshal(body, &e); err != nil || e.Code != "precondition_failed" {
		t.Errorf("stale If-Match = %s", body)
	}
	a.do("PUT", "/v2/policies/"+p.ID, a.root, `{"name":"reader2","description":"x","policy_document":null}`, http.StatusOK, &p)
	if p.Version != "3" || p.Name != "reader2" || len(p.PolicyDocument.Statement[0].Action) != 2 {
		t.Errorf("rename without a document = %+v, want version 3 and the document kept", p)
	}

	// Listing: managed first, then custom; filters by kind.
	p2 := a.postPolicy(a.root, "writer", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.*","Resource":"*"}]}`)
	var list struct {
		Policies []policyOut `json:"policies"`
		Meta     metaOut     `json:"meta"`
	}
	a.do("GET", "/v2/policies?per_page=500", a.root, "", http.StatusOK, &list)
	var want []string
	for _, mp := range managed {
		want = append(want, mp.ID)
	}
	want = append(want, p.ID, p2)
	if !slices.Equal(policyIDs(list.Policies), want) || list.Meta.Total != len(want) || !list.Policies[0].IsSystemPolicy {
		t.Errorf("list = %v (total %d), want %d managed then 2 custom", policyIDs(list.Policies), list.Meta.Total, len(managed))
	}
	a.do("GET", "/v2/policies?kind=custom", a.root, "", http.StatusOK, &list)
	if !slices.Equal(policyIDs(list.Policies), []string{p.ID, p2}) || list.Meta.Total != 2 {
		t.Errorf("custom = %v", policyIDs(list.Policies))
	}
	a.do("GET", "/v2/policies?kind=managed&per_page=500", a.root, "", http.StatusOK, &list)
	if len(list.Policies) != len(managed) || list.Meta.Total != len(managed) {
		t.Errorf("managed = %d, want %d", len(list.Policies), len(managed))
	}
	// Paging forward and back crosses from managed to custom and loses nothing.
	for _, per := range []int{1, 2, 3, 7, len(managed), len(managed) + 1} {
		if got := walkPolicies(a, per, true); !slices.Equal(got, want) {
			t.Errorf("per_page %d forward = %d ids, want %d", per, len(got), len(want))
		}
	}

	// Managed policies: readable and attachable, never editable.
	mp := managed[0]
	a.do("GET", "/v2/policies/"+mp.ID, a.root, "", http.StatusOK, &got)
	if got.Policy.Name != mp.Name || !got.Policy.IsSystemPolicy || got.Policy.Version != "1" || len(got.Policy.PolicyDocument.Statement) == 0 {
		t.Errorf("managed get = %+v", got.Policy)
	}
	a.do("PUT", "/v2/policies/"+mp.ID, a.root, put, http.StatusUnprocessableEntity, &e)
	a.do("DELETE", "/v2/policies/"+mp.ID, a.root, "", http.StatusUnprocessableEntity, &e)
	a.do("PATCH", "/v2/policies/"+mp.ID+"/restore", a.root, "", http.StatusUnprocessableEntity, &e)
	if e.Code != "unprocessable" || !strings.Contains(e.Error, "read-only") {
		t.Errorf("managed restore: %+v", e)
	}

	// Attachments to users and groups.
	for _, path := range []string{"/users/" + uid, "/groups/" + gid} {
		a.do("POST", "/v2/policies/"+p.ID+path, a.root, "", http.StatusNoContent, nil)
		a.do("POST", "/v2/policies/"+p.ID+path, a.root, "", http.StatusConflict, nil)
		a.do("POST", "/v2/policies/"+mp.ID+path, a.root, "", http.StatusNoContent, nil)
	}
	var users struct {
		Users []struct {
			ID, Email      string
			AssignmentType string `json:"assignment_type"`
			AssignedDate   string `json:"assigned_date"`
		} `json:"users"`
		Meta metaOut `json:"meta"`
	}
	a.do("GET", "/v2/policies/"+p.ID+"/users", a.root, "", http.StatusOK, &users)
	if len(users.Users) != 1 || users.Users[0].ID != uid || users.Users[0].AssignmentType != "direct" || users.Users[0].AssignedDate == "" || users.Meta.Total != 1 {
		t.Errorf("policy users = %+v", users)
	}
	var groups struct {
		Groups []groupOut `json:"groups"`
		Meta   metaOut    `json:"meta"`
	}
	a.do("GET", "/v2/policies/"+mp.ID+"/groups", a.root, "", http.StatusOK, &groups)
	if !slices.Equal(groupIDs(groups.Groups), []string{gid}) || groups.Meta.Total != 1 {
		t.Errorf("managed policy's groups = %v", groupIDs(groups.Groups))
	}
	rid := a.postRole(a.root, "deployer", "assignable")
	a.do("POST", "/v2/roles/"+rid+"/policies/"+p.ID, a.root, "", http.StatusCreated, nil)
	var roles struct {
		Roles []roleOut `json:"roles"`
		Meta  metaOut   `json:"meta"`
	}
	a.do("GET", "/v2/policies/"+p.ID+"/roles", a.root, "", http.StatusOK, &roles)
	if !slices.Equal(roleIDs(roles.Roles), []string{rid}) || roles.Meta.Total != 1 {
		t.Errorf("policy roles = %v", roleIDs(roles.Roles))
	}

	// Soft delete keeps the attachments for the restore.
	a.do("DELETE", "/v2/policies/"+p.ID, a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/policies/"+p.ID, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/policies/"+p.ID+"/users", a.root, "", http.StatusNotFound, nil)
	a.do("POST", "/v2/policies/"+p.ID+"/users/"+uid, a.root, "", http.StatusNotFound, nil)
	a.do("DELETE", "/v2/policies/"+p.ID, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/roles/"+rid+"/policies", a.root, "", http.StatusOK, &list)
	if len(list.Policies) != 0 {
		t.Errorf("a deleted policy still shows on its role: %v", policyIDs(list.Policies))
	}
	a.do("GET", "/v2/policies?deleted=true", a.root, "", http.StatusOK, &list)
	if !slices.Equal(policyIDs(list.Policies), []string{p.ID}) || list.Policies[0].DateDeleted == "" {
		t.Errorf("deleted policies = %v", policyIDs(list.Policies))
	}
	var restored policyOut
	a.do("PATCH", "/v2/policies/"+p.ID+"/restore", a.root, "", http.StatusOK, &restored)
	if restored.ID != p.ID || restored.DateDeleted != "" || restored.Name != "reader2" {
		t.Errorf("restore = %+v, want the bare policy", restored)
	}
	a.do("GET", "/v2/policies/"+p.ID+"/users", a.root, "", http.StatusOK, &users)
	a.do("GET", "/v2/roles/"+rid+"/policies", a.root, "", http.StatusOK, &list)
	if len(users.Users) != 1 || !slices.Equal(policyIDs(list.Policies), []string{p.ID}) {
		t.Errorf("after restore: users %+v, role policies %v; want the attachments back", users.Users, policyIDs(list.Policies))
	}

	for _, path := range []string{"/users/" + uid, "/groups/" + gid} {
		a.do("DELETE", "/v2/policies/"+p.ID+path, a.root, "", http.StatusNoContent, nil)
		a.do("DELETE", "/v2/policies/"+p.ID+path, a.root, "", http.StatusNotFound, nil)
	}
	a.do("GET", "/v2/policies/"+p.ID+"/users", a.root, "", http.StatusOK, &users)
	if len(users.Users) != 0 || users.Meta.Total != 0 {
		t.Errorf("users after detach = %+v", users)
	}
}

// walkPolicies lists every policy per_page at a time, following next
// links, and returns the ids seen; with back it checks that the last page
// links back.
func walkPolicies(a *api, per int, back bool) []string {
	a.t.Helper()
	var ids []string
	var pages [][]string
	cursor := ""
	for i := 0; i < 1000; i++ {
		var list struct {
			Policies []policyOut `json:"policies"`
			Meta     metaOut     `json:"meta"`
		}
		a.do("GET", fmt.Sprintf("/v2/policies?per_page=%d&cursor=%s", per, cursor), a.root, "", http.StatusOK, &list)
		if len(list.Policies) > per {
			a.t.Fatalf("per_page %d: page of %d", per, len(list.Policies))
		}
		ids = append(ids, policyIDs(list.Policies)...)
		pages = append(pages, policyIDs(list.Policies))
		if list.Meta.Links.Next == "" {
			break
		}
		cursor = list.Meta.Links.Next
	}
	if back && len(pages) > 1 {
		var list struct {
			Policies []policyOut `json:"policies"`
			Meta     metaOut     `json:"meta"`
		}
		a.do("GET", fmt.Sprintf("/v2/policies?per_page=%d&cursor=%s", per, cursor), a.root, "", http.StatusOK, &list)
		if list.Meta.Links.Prev == "" {
			a.t.Errorf("per_page %d: the last page has no prev link", per)
		}
	}
	return ids
}

// TestPolicyErrorList checks that a document with several problems gets
// them all, each with its path, besides the first in field.
func TestPolicyErrorList(t *testing.T) {
	a := newAPI(t)
	var e struct {
		Field  string `json:"field"`
		Errors []struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	a.do("POST", "/v2/policies", a.root, `{"name":"bad","description":"","policy_document":{"Version":"2026-03-20","Statement":[
		{"Effect":"Allow","Action":["compute.instanse.Create"],"Resource":"*"},
		{"Effect":"Maybe","Action":["compute.instance.Read"],"Resource":"not-a-uuid"}]}}`, http.StatusBadRequest, &e)
	var paths []string
	for _, fe := range e.Errors {
		paths = append(paths, fe.Path)
		if fe.Message == "" {
			t.Errorf("error at %s has no message", fe.Path)
		}
	}
	want := []string{"Statement[0].Action[0]", "Statement[1].Effect", "Statement[1].Resource"}
	if e.Field != "policy_document.Statement[0].Action[0]" || !slices.Equal(paths, want) {
		t.Errorf("field %q, errors at %q; want the first in field and all of %q", e.Field, paths, want)
	}
}
