package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// TestGroupRestore deletes a group softly and restores it through the API:
// its member loses what the group gave (its attached policy, its bound
// role and its trust) at once, as the engine decides, the group leaves
// every listing but that of deleted groups and its name is free; the
// restore brings all of it back.
func TestGroupRestore(t *testing.T) {
	a := newAPI(t)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	g := a.postGroup(a.root, "ops")
	a.do("POST", "/v2/groups/"+g+"/members", a.root, `{"user_id":"`+bob+`"}`, http.StatusNoContent, nil)
	pol := a.postPolicy(a.root, "vm", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Create","Resource":"*"}]}`)
	a.do("POST", "/v2/policies/"+pol+"/groups/"+g, a.root, "", http.StatusNoContent, nil)
	role := a.postRole(a.root, "dns", "assignable")
	a.do("POST", "/v2/roles/"+role+"/policies/"+a.postPolicy(a.root, "dns", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.backup.Update","Resource":"*"}]}`),
		a.root, "", http.StatusCreated, nil)
	a.do("POST", "/v2/roles/"+role+"/groups/"+g, a.root, "", http.StatusCreated, nil)
	breakglass := a.assumableRole("breakglass", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.user.List","Resource":"*"}]}`)
	trust := a.createTrust(`{"role_id":"` + breakglass + `","trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_group_id":"` + g + `"}`)

	// state is what bob may do and what the listings show of the group.
	type state struct {
		Policy, Role, Trust                             bool
		Live, Deleted, BobsGroups, PolicyGroups, Trusts []string
	}
	ids := func(path string) []string {
		var out struct {
			Groups []groupOut `json:"groups"`
			Trusts []trustOut `json:"role_trusts"`
			Assign []struct {
				GroupID string `json:"group_id"`
			} `json:"assignments"`
		}
		a.do("GET", path, a.root, "", http.StatusOK, &out)
		got := groupIDs(out.Groups)
		for _, tr := range out.Trusts {
			got = append(got, tr.ID)
		}
		for _, as := range out.Assign {
			got = append(got, as.GroupID)
		}
		return got
	}
	now := func() state {
		return state{
			Policy: a.allowed(bob, "compute.instance.Create"), Role: a.allowed(bob, "compute.backup.Update"), Trust: a.allowed(bob, "iam.user.List"),
			Live: ids("/v2/groups"), Deleted: ids("/v2/groups?deleted=true"), BobsGroups: ids("/v2/users/" + bob + "/groups"),
			PolicyGroups: append(ids("/v2/policies/"+pol+"/groups"), ids("/v2/roles/"+role+"/groups")...), Trusts: ids("/v2/role-trusts"),
		}
	}
	live := state{Policy: true, Role: true, Trust: true, Live: []string{g}, Deleted: []string{}, BobsGroups: []string{g},
		PolicyGroups: []string{g, g}, Trusts: []string{trust.ID}}
	gone := state{Live: []string{}, Deleted: []string{g}, BobsGroups: []string{}, PolicyGroups: []string{}, Trusts: []string{}}
	same := func(x, y state) bool {
		return x.Policy == y.Policy && x.Role == y.Role && x.Trust == y.Trust && slices.Equal(x.Live, y.Live) &&
			slices.Equal(x.Deleted, y.Deleted) && slices.Equal(x.BobsGroups, y.BobsGroups) &&
			slices.Equal(x.PolicyGroups, y.PolicyGroups) && slices.Equal(x.Trusts, y.Trusts)
	}
	if got := now(); !same(got, live) {
		t.Fatalf("before the delete: %+v, want %+v", got, live)
	}

	a.do("DELETE", "/v2/groups/"+g, a.root, "", http.StatusNoContent, nil)
	if got := now(); !same(got, gone) {
		t.Errorf("deleted: %+v, want %+v", got, gone)
	}
	for _, path := range []string{"", "/members", "/policies", "/roles"} {
		a.do("GET", "/v2/groups/"+g+path, a.root, "", http.StatusNotFound, nil)
	}
	a.do("DELETE", "/v2/groups/"+g, a.root, "", http.StatusNotFound, nil)
	a.do("PUT", "/v2/groups/"+g, a.root, `{"display_name":"x","description":""}`, http.StatusNotFound, nil)
	a.do("POST", "/v2/groups/"+g+"/members", a.root, `{"user_id":"`+bob+`"}`, http.StatusNotFound, nil)
	var deleted struct {
		Groups []struct {
			DateDeleted string `json:"date_deleted"`
			MemberCount int    `json:"member_count"`
		} `json:"groups"`
	}
	a.do("GET", "/v2/groups?deleted=true", a.root, "", http.StatusOK, &deleted)
	if len(deleted.Groups) != 1 || deleted.Groups[0].DateDeleted == "" || deleted.Groups[0].MemberCount != 1 {
		t.Errorf("deleted groups = %+v, want one with its date of deletion and its member", deleted.Groups)
	}
	var e apiError
	a.do("GET", "/v2/groups?deleted=maybe", a.root, "", http.StatusBadRequest, &e)
	if e.Field != "deleted" {
		t.Errorf("deleted=maybe: %+v, want a 400 naming deleted", e)
	}

	// The name is free; taken, it blocks the restore.
	taker := a.postGroup(a.root, "OPS")
	a.do("PATCH", "/v2/groups/"+g+"/restore", a.root, "", http.StatusConflict, &e)
	if e.Field != "display_name" || !strings.Contains(e.Error, "ops") {
		t.Errorf("restore into a taken name: %+v, want a 409 naming display_name", e)
	}
	a.do("DELETE", "/v2/groups/"+taker, a.root, "", http.StatusNoContent, nil)

	var restored groupOut
	a.do("PATCH", "/v2/groups/"+g+"/restore", a.root, "", http.StatusOK, &restored)
	if restored.ID != g || restored.DisplayName != "ops" || len(restored.Members) != 1 || restored.Members[0].ID != bob {
		t.Errorf("restore = %+v, want the bare group with bob", restored)
	}
	live.Deleted = []string{taker}
	if got := now(); !same(got, live) {
		t.Errorf("restored: %+v, want %+v", got, live)
	}
	a.do("PATCH", "/v2/groups/"+g+"/restore", a.root, "", http.StatusOK, &restored) // live: no change
	a.do("PATCH", "/v2/groups/0193a000-0000-7000-8000-00000000beef/restore", a.root, "", http.StatusNotFound, nil)
	a.do("PATCH", "/v2/groups/not-an-id/restore", a.root, "", http.StatusBadRequest, nil)

	// A trust deleted before its group comes back only with the group.
	a.do("DELETE", "/v2/role-trusts/"+trust.ID, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/groups/"+g, a.root, "", http.StatusNoContent, nil)
	a.do("PATCH", "/v2/role-trusts/"+trust.ID+"/restore", a.root, "", http.StatusConflict, &e)
	if e.Field != "trusted_group_id" {
		t.Errorf("restore a trust of a deleted group: %+v, want a 409 naming trusted_group_id", e)
	}
	a.do("PATCH", "/v2/groups/"+g+"/restore", a.root, "", http.StatusOK, nil)
	a.do("PATCH", "/v2/role-trusts/"+trust.ID+"/restore", a.root, "", http.StatusOK, nil)
	if !a.allowed(bob, "iam.user.List") {
		t.Error("bob does not hold the restored trust's role")
	}

	var restores []string
	for _, ev := range a.auditEvents(a.root) {
		if ev.Action == "iam.group.Restore" {
			restores = append(restores, ev.TargetID)
		}
	}
	if !slices.Equal(restores, []string{g, g}) {
		t.Errorf("iam.group.Restore events = %v, want two, of %s", restores, g)
	}
}

// TestGroupRestoreAuthorization: restoring needs iam.group.Restore and,
// since it gives the group back to its members, the right to add members
// to it; a key narrowed to deny the restore cannot, and nobody of another
// organization even sees the group.
func TestGroupRestoreAuthorization(t *testing.T) {
	a := newAPI(t)
	_, otherRoot := a.otherOrg("other")
	admin, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+managedID(t, a, "AdministratorAccess")+"/users/"+admin, a.root, "", http.StatusNoContent, nil)
	_, restoreOnly := a.member("rita@example.com", "iam.group.Restore")
	_, restorer := a.member("remy@example.com", "iam.group.Restore", "iam.group.AddMember")
	denyRestore := a.mintKeyAs(a.root, admin, `{"name":"n","policy":{"Version":"2026-03-20","Statement":[`+
		`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam.group.Restore","Resource":"*"}]}}`, http.StatusCreated)
	g := a.postGroup(a.root, "ops")
	a.do("DELETE", "/v2/groups/"+g, a.root, "", http.StatusNoContent, nil)

	for _, tc := range []struct {
		name, token string
		want        int
		action      string // the action a 403 names
	}{
		{"another organization's root owner", otherRoot, http.StatusNotFound, ""},
		{"a key narrowed to deny the restore", denyRestore, http.StatusForbidden, "iam.group.Restore"},
		{"iam.group.Restore alone", restoreOnly, http.StatusForbidden, "iam.group.AddMember"},
		{"iam.group.Restore and iam.group.AddMember", restorer, http.StatusOK, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			a.in(t).do("PATCH", "/v2/groups/"+g+"/restore", tc.token, "", tc.want, &e)
			if tc.action != "" && (!strings.Contains(e.Error, tc.action) || len(e.Explain) == 0) {
				t.Errorf("refusal %+v, want one naming %s with the engine's explanation", e, tc.action)
			}
		})
	}
	var got struct {
		Group groupOut `json:"group"`
	}
	a.do("GET", "/v2/groups/"+g, a.root, "", http.StatusOK, &got)
}

// TestAssumableWhileDeletedGroupBound: a role bound to a deleted group
// cannot be made assumable, as while the group was live: the group's
// restore would bring back the binding of an assumable role.
func TestAssumableWhileDeletedGroupBound(t *testing.T) {
	a := newAPI(t)
	g := a.postGroup(a.root, "ops")
	role := a.postRole(a.root, "dns", "assignable")
	a.do("POST", "/v2/roles/"+role+"/groups/"+g, a.root, "", http.StatusCreated, nil)
	a.do("DELETE", "/v2/groups/"+g, a.root, "", http.StatusNoContent, nil)
	var e apiError
	a.do("PUT", "/v2/roles/"+role, a.root, `{"name":"dns","role_type":"assumable"}`, http.StatusConflict, &e)
	if e.Field != "role_type" {
		t.Errorf("refusal names %q, want role_type", e.Field)
	}
	a.do("PATCH", "/v2/groups/"+g+"/restore", a.root, "", http.StatusOK, nil)
	a.do("DELETE", "/v2/roles/"+role+"/groups/"+g, a.root, "", http.StatusNoContent, nil)
	a.do("PUT", "/v2/roles/"+role, a.root, `{"name":"dns","role_type":"assumable"}`, http.StatusOK, nil)
}
