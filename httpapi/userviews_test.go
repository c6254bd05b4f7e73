package httpapi_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

// pathOf renders a policy as "id from_role source" for comparisons.
func pathsOf(ps []policyOut) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Name+" "+p.FromRole+" "+p.Source)
	}
	return out
}

func rolePaths(rs []roleOut) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Name+" "+r.Source)
	}
	return out
}

type userPolicies struct {
	Policies struct {
		All, Direct, Inherited []policyOut
	} `json:"policies"`
	Meta metaOut `json:"meta"`
}

type userRoles struct {
	Roles struct {
		All, Direct, Inherited []roleOut
	} `json:"roles"`
	Meta metaOut `json:"meta"`
}

// TestUserViews builds U1 ∈ G1, P1 on U1 and G1, ComputeReadOnly on G1,
// R1 (holding P2) bound to U1 and G1, and checks every view of U1 and G1,
// through its id and through /v2/users/me with U1's own key.
func TestUserViews(t *testing.T) {
	a := newAPI(t)
	u1, u1Key := a.createUser(`{"email":"u1@example.com","name":"U1","api_enabled":true}`)
	u2, _ := a.createUser(`{"email":"u2@example.com","name":"U2"}`)
	g1 := a.postGroup(a.root, "g1")
	p1 := a.postPolicy(a.root, "p1", readDoc)
	p2 := a.postPolicy(a.root, "p2", readDoc)
	ro := policyID("ComputeReadOnly")
	r1 := a.postRole(a.root, "r1", "assignable")
	gone := a.postRole(a.root, "gone", "assignable")
	for _, call := range []struct{ method, path string }{
		{"POST", "/v2/policies/" + p1 + "/users/" + u1},
		{"POST", "/v2/policies/" + p1 + "/groups/" + g1},
		{"POST", "/v2/policies/" + ro + "/groups/" + g1},
		{"POST", "/v2/roles/" + r1 + "/users/" + u1},
		{"POST", "/v2/roles/" + r1 + "/groups/" + g1},
		{"POST", "/v2/roles/" + gone + "/users/" + u1},
		{"POST", "/v2/roles/" + r1 + "/policies/" + p2},
		{"DELETE", "/v2/roles/" + gone},
	} {
		want := http.StatusCreated
		switch {
		case call.method == "DELETE":
			want = http.StatusNoContent
		case call.path[:len("/v2/policies")] == "/v2/policies":
			want = http.StatusNoContent
		}
		a.do(call.method, call.path, a.root, "", want, nil)
	}
	a.do("POST", "/v2/groups/"+g1+"/members", a.root, `{"user_id":"`+u1+`"}`, http.StatusNoContent, nil)

	var pol userPolicies
	a.do("GET", "/v2/users/"+u1+"/policies", a.root, "", http.StatusOK, &pol)
	wantDirect := []string{"p1  direct"}
	wantInherited := []string{"p1  group:g1", "ComputeReadOnly  group:g1", "p2 " + r1 + " role:r1", "p2 " + r1 + " group:g1 → role:r1"}
	if got := pathsOf(pol.Policies.Direct); !slices.Equal(got, wantDirect) {
		t.Errorf("U1 direct policies = %q, want %q", got, wantDirect)
	}
	if got := pathsOf(pol.Policies.Inherited); !slices.Equal(got, wantInherited) {
		t.Errorf("U1 inherited policies = %q, want %q", got, wantInherited)
	}
	if got := policyIDs(pol.Policies.All); !slices.Equal(got, []string{p1, ro, p2}) || pol.Meta.Total != 3 {
		t.Errorf("U1 all policies = %v (total %d), want p1, ComputeReadOnly, p2", got, pol.Meta.Total)
	}

	var roles userRoles
	a.do("GET", "/v2/users/"+u1+"/roles", a.root, "", http.StatusOK, &roles)
	if got := rolePaths(roles.Roles.Direct); !slices.Equal(got, []string{"r1 direct"}) {
		t.Errorf("U1 direct roles = %q (the deleted role must not show)", got)
	}
	if got := rolePaths(roles.Roles.Inherited); !slices.Equal(got, []string{"r1 group:g1"}) {
		t.Errorf("U1 inherited roles = %q", got)
	}
	if got := roleIDs(roles.Roles.All); !slices.Equal(got, []string{r1}) || roles.Meta.Total != 1 || len(roles.Roles.All[0].Policies) != 1 {
		t.Errorf("U1 all roles = %+v", roles.Roles.All)
	}

	// The me views with U1's own key say the same, with no grant needed.
	for _, view := range []string{"groups", "roles", "policies"} {
		var byID, me json.RawMessage
		a.do("GET", "/v2/users/"+u1+"/"+view, a.root, "", http.StatusOK, &byID)
		a.do("GET", "/v2/users/me/"+view, u1Key, "", http.StatusOK, &me)
		if string(byID) != string(me) {
			t.Errorf("/v2/users/me/%s = %s, want %s", view, me, byID)
		}
		a.do("GET", "/v2/users/"+u1+"/"+view, u1Key, "", http.StatusOK, nil)
		a.do("GET", "/v2/users/"+u2+"/"+view, u1Key, "", http.StatusForbidden, nil)
	}

	// Paging cuts "all"; total counts it.
	a.do("GET", "/v2/users/"+u1+"/policies?per_page=2", a.root, "", http.StatusOK, &pol)
	if got := policyIDs(pol.Policies.All); !slices.Equal(got, []string{p1, ro}) || pol.Meta.Total != 3 || pol.Meta.Links.Next == "" {
		t.Fatalf("page 1 = %v %+v", got, pol.Meta)
	}
	a.do("GET", "/v2/users/"+u1+"/policies?per_page=2&cursor="+pol.Meta.Links.Next, a.root, "", http.StatusOK, &pol)
	if got := policyIDs(pol.Policies.All); !slices.Equal(got, []string{p2}) || pol.Meta.Links.Next != "" || pol.Meta.Links.Prev == "" {
		t.Errorf("page 2 = %v %+v", got, pol.Meta)
	}

	// The group's views.
	var gp struct {
		Policies struct {
			Direct    []policyOut `json:"direct"`
			FromRoles []policyOut `json:"from_roles"`
			All       []policyOut `json:"all"`
		} `json:"policies"`
		Meta metaOut `json:"meta"`
	}
	a.do("GET", "/v2/groups/"+g1+"/policies", a.root, "", http.StatusOK, &gp)
	if got := pathsOf(gp.Policies.Direct); !slices.Equal(got, []string{"p1  direct", "ComputeReadOnly  direct"}) {
		t.Errorf("G1 direct = %q", got)
	}
	if got := pathsOf(gp.Policies.FromRoles); !slices.Equal(got, []string{"p2 " + r1 + " role:r1"}) {
		t.Errorf("G1 from_roles = %q", got)
	}
	if got := policyIDs(gp.Policies.All); !slices.Equal(got, []string{p1, ro, p2}) || gp.Meta.Total != 3 {
		t.Errorf("G1 all = %v", got)
	}
	var gr struct {
		Roles struct {
			All, Inherited, Direct []struct {
				ID           string `json:"id"`
				DisplayName  string `json:"display_name"`
				RoleType     string `json:"role_type"`
				DateAssigned string `json:"date_assigned"`
			}
		} `json:"roles"`
		Meta metaOut `json:"meta"`
	}
	a.do("GET", "/v2/groups/"+g1+"/roles", a.root, "", http.StatusOK, &gr)
	if len(gr.Roles.Direct) != 1 || gr.Roles.Direct[0].ID != r1 || gr.Roles.Direct[0].DisplayName != "r1" || gr.Roles.Direct[0].DateAssigned == "" ||
		len(gr.Roles.All) != 1 || gr.Roles.Inherited == nil || len(gr.Roles.Inherited) != 0 || gr.Meta.Total != 1 {
		t.Errorf("G1 roles = %+v", gr)
	}

	// Leaving the group takes the inherited access away at once; the
	// direct grants stay.
	a.do("DELETE", "/v2/groups/"+g1+"/members/"+u1, a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me/policies", u1Key, "", http.StatusOK, &pol)
	if got := pathsOf(pol.Policies.Inherited); !slices.Equal(got, []string{"p2 " + r1 + " role:r1"}) {
		t.Errorf("after leaving g1, inherited = %q", got)
	}
	if got := policyIDs(pol.Policies.All); !slices.Equal(got, []string{p1, p2}) {
		t.Errorf("after leaving g1, all = %v", got)
	}
	a.do("GET", "/v2/users/me/roles", u1Key, "", http.StatusOK, &roles)
	if len(roles.Roles.Inherited) != 0 || roles.Roles.Inherited == nil || len(roles.Roles.Direct) != 1 {
		t.Errorf("after leaving g1, roles = %+v", roles.Roles)
	}
}
