package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestPolicyRoles_LeavesOutDeleted checks that a policy's roles leave out
// a deleted role, whose attachment stays for its restore, and show it
// again once it is restored; with none left the list is [], not null.
func TestPolicyRoles_LeavesOutDeleted(t *testing.T) {
	a := newAPI(t)
	p := a.postPolicy(a.root, "reader", readDoc)
	r1 := a.postRole(a.root, "deployer", "assignable")
	r2 := a.postRole(a.root, "auditor", "assignable")
	for _, r := range []string{r1, r2} {
		a.do("POST", "/v2/roles/"+r+"/policies/"+p, a.root, "", http.StatusCreated, nil)
	}
	roles := func() []string {
		t.Helper()
		var list struct {
			Roles []roleOut `json:"roles"`
		}
		a.do("GET", "/v2/policies/"+p+"/roles", a.root, "", http.StatusOK, &list)
		return roleIDs(list.Roles)
	}
	tests := []struct {
		step   string
		method string
		role   string
		status int
		want   []string
	}{
		{"delete deployer", "DELETE", r1, http.StatusNoContent, []string{r2}},
		{"restore deployer", "PATCH", r1 + "/restore", http.StatusOK, []string{r1, r2}},
	}
	for _, tt := range tests {
		a.do(tt.method, "/v2/roles/"+tt.role, a.root, "", tt.status, nil)
		if got := roles(); !slices.Equal(got, tt.want) {
			t.Errorf("after %s: policy roles = %v, want %v", tt.step, got, tt.want)
		}
	}
	a.do("DELETE", "/v2/roles/"+r1, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/roles/"+r2, a.root, "", http.StatusNoContent, nil)
	_, body := a.doWith("GET", "/v2/policies/"+p+"/roles", a.root, "", nil, http.StatusOK)
	if !strings.HasPrefix(string(body), `{"roles":[],`) {
		t.Errorf("policy roles with every role deleted = %s, want an empty list", body)
	}
}
