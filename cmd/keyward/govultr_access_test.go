package main

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vultr/govultr/v3"

	"github.com/keyward-iam/keyward/policy"
)

func govultrGroupIDs(gs []govultr.OrganizationGroup) []string {
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.ID)
	}
	return ids
}

func govultrPolicyIDs(ps []govultr.OrganizationPolicy) []string {
	var ids []string
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	return ids
}

func govultrRoleIDs(rs []govultr.OrganizationRole) []string {
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestGovultrAccess drives groups, policies, roles, their attachments and
// the user and me views through Vultr's official Go client, as steps 4–7
// and 12 of the test plan in research/vultr-api.md §8 lay them out.
func TestGovultrAccess(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	root, log := newGovultrRoot(t, ts)

	u1 := newGovultrUser(t, root, "ada@example.com", "Ada")

	// Step 4: groups.
	g1, _, err := root.Organization.CreateGroup(ctx, &govultr.OrganizationGroupReq{Name: "g1"})
	if err != nil || g1.ID == "" || g1.Name != "g1" || g1.DateCreated == "" {
		t.Fatalf("CreateGroup = %+v, %v", g1, err)
	}
	wantStatus(t, log, "CreateGroup", http.StatusCreated)
	got, _, err := root.Organization.GetGroup(ctx, g1.ID)
	if err != nil || got.ID != g1.ID || got.Name != "g1" {
		t.Fatalf("GetGroup = %+v, %v", got, err)
	}
	groups, meta, _, err := root.Organization.ListGroups(ctx, &govultr.ListOptions{PerPage: 5})
	if err != nil || !slices.Equal(govultrGroupIDs(groups), []string{g1.ID}) || meta == nil || meta.Total != 1 || meta.Links == nil {
		t.Fatalf("ListGroups = %v, %+v, %v", govultrGroupIDs(groups), meta, err)
	}
	upd, _, err := root.Organization.UpdateGroup(ctx, g1.ID, &govultr.OrganizationGroupReq{Name: "g1b", Description: "d"})
	if err != nil || upd.ID != g1.ID || upd.Name != "g1b" || upd.Description != "d" {
		t.Fatalf("UpdateGroup = %+v, %v", upd, err)
	}
	if err := root.Organization.AddGroupMember(ctx, g1.ID, &govultr.OrganizationGroupMemberReq{UserID: u1.ID}); err != nil {
		t.Fatalf("AddGroupMember: %v", err)
	}
	wantStatus(t, log, "AddGroupMember", http.StatusNoContent)
	if got, _, err = root.Organization.GetGroup(ctx, g1.ID); err != nil || len(got.Members) != 1 || got.Members[0].ID != u1.ID || got.Members[0].Email != "ada@example.com" {
		t.Fatalf("GetGroup members = %+v, %v", got, err)
	}
	groups, meta, _, err = root.Organization.ListUserGroups(ctx, u1.ID, nil)
	if err != nil || !slices.Equal(govultrGroupIDs(groups), []string{g1.ID}) || meta.Total != 1 {
		t.Fatalf("ListUserGroups = %v, %+v, %v", govultrGroupIDs(groups), meta, err)
	}

	// Step 5: policies.
	doc := govultr.OrganizationPolicyDocument{Version: "2026-03-20", Statement: []govultr.OrganizationPolicyStatement{
		{Effect: "Allow", Action: []string{"iam.group.List"}, Resource: []string{"*"}},
	}}
	p1, _, err := root.Organization.CreatePolicy(ctx, &govultr.OrganizationPolicyReq{Name: "group-reader", PolicyDocument: doc})
	if err != nil || p1.ID == "" || p1.SystemPolicy || p1.Version != "1" || !reflect.DeepEqual(p1.Document, doc) {
		t.Fatalf("CreatePolicy = %+v, %v", p1, err)
	}
	wantStatus(t, log, "CreatePolicy", http.StatusCreated)
	if gp, _, err := root.Organization.GetPolicy(ctx, p1.ID); err != nil || gp.ID != p1.ID || !reflect.DeepEqual(gp.Document, doc) {
		t.Fatalf("GetPolicy = %+v, %v", gp, err)
	}
	policies, meta, _, err := root.Organization.ListPolicies(ctx, nil)
	if err != nil || meta.Total != len(policies) || !slices.Contains(govultrPolicyIDs(policies), p1.ID) || !policies[0].SystemPolicy ||
		policies[len(policies)-1].ID != p1.ID {
		t.Fatalf("ListPolicies = %d policies, %+v, %v; want the managed ones, then P1", len(policies), meta, err)
	}
	doc.Statement[0].Action = []string{"iam.group.List", "iam.group.Read"}
	up, _, err := root.Organization.UpdatePolicy(ctx, p1.ID, &govultr.OrganizationPolicyReq{Name: "group-reader", Description: "reads groups", PolicyDocument: doc})
	if err != nil || up.ID != p1.ID || up.Version != "2" || up.Description != "reads groups" || !reflect.DeepEqual(up.Document, doc) {
		t.Fatalf("UpdatePolicy = %+v, %v", up, err)
	}
	// Raw HTTP: Action and Resource as plain strings come back as arrays.
	raw := `{"name":"strings","description":"","policy_document":{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"iam.user.Delete","Resource":"*"}]}}`
	res, err := httpClient(ts.Token).Post(ts.URL+"/v2/policies", "application/json", strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ ID string }
	err = json.NewDecoder(res.Body).Decode(&created)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated || res.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("raw create = %d %q, %v", res.StatusCode, res.Header.Get("Content-Type"), err)
	}
	sp, _, err := root.Organization.GetPolicy(ctx, created.ID)
	if err != nil || len(sp.Document.Statement) != 1 || !slices.Equal(sp.Document.Statement[0].Action, []string{"iam.user.Delete"}) ||
		!slices.Equal(sp.Document.Statement[0].Resource, []string{"*"}) {
		t.Fatalf("GetPolicy(strings) = %+v, %v", sp, err)
	}

	if err := root.Organization.AttachPolicyUser(ctx, p1.ID, u1.ID); err != nil {
		t.Fatalf("AttachPolicyUser: %v", err)
	}
	wantStatus(t, log, "AttachPolicyUser", http.StatusNoContent)
	users, _, _, err := root.Organization.ListPolicyUsers(ctx, p1.ID, nil)
	if err != nil || len(users) != 1 || users[0].ID != u1.ID {
		t.Fatalf("ListPolicyUsers = %+v, %v", users, err)
	}
	if err := root.Organization.AttachPolicyGroup(ctx, p1.ID, g1.ID); err != nil {
		t.Fatalf("AttachPolicyGroup: %v", err)
	}
	if groups, _, _, err = root.Organization.ListPolicyGroups(ctx, p1.ID, nil); err != nil || !slices.Equal(govultrGroupIDs(groups), []string{g1.ID}) {
		t.Fatalf("ListPolicyGroups = %v, %v", govultrGroupIDs(groups), err)
	}
	gpols, _, _, err := root.Organization.ListGroupPolicies(ctx, g1.ID)
	if err != nil || !slices.Equal(govultrPolicyIDs(gpols.Direct), []string{p1.ID}) || !slices.Equal(govultrPolicyIDs(gpols.All), []string{p1.ID}) {
		t.Fatalf("ListGroupPolicies = %+v, %v", gpols, err)
	}
	upols, _, _, err := root.Organization.ListUserPolicies(ctx, u1.ID, nil)
	if err != nil || !slices.Equal(govultrPolicyIDs(upols.Direct), []string{p1.ID}) || !slices.Equal(govultrPolicyIDs(upols.Inherited), []string{p1.ID}) ||
		upols.Inherited[0].Source != "group:g1b" {
		t.Fatalf("ListUserPolicies = %+v, %v", upols, err)
	}

	// Step 6: roles.
	r1, _, err := root.Organization.CreateRole(ctx, &govultr.OrganizationRoleReq{Name: "r1", Type: "assignable", MaxSessionDuration: 3600})
	if err != nil || r1.ID == "" || r1.Type != "assignable" || r1.MaxSessionDuration != 3600 {
		t.Fatalf("CreateRole = %+v, %v", r1, err)
	}
	wantStatus(t, log, "CreateRole", http.StatusCreated)
	if gr, _, err := root.Organization.GetRole(ctx, r1.ID); err != nil || gr.ID != r1.ID || gr.Name != "r1" {
		t.Fatalf("GetRole = %+v, %v", gr, err)
	}
	roles, meta, _, err := root.Organization.ListRoles(ctx, nil)
	// The built-in roles (keyward's Admin, Operator, Viewer and Oxide's) come first.
	builtin := len(policy.BuiltinRoles(nil))
	if err != nil || len(roles) != builtin+1 || govultrRoleIDs(roles)[builtin] != r1.ID || meta.Total != builtin+1 {
		t.Fatalf("ListRoles = %v, %v", govultrRoleIDs(roles), err)
	}
	ur, _, err := root.Organization.UpdateRole(ctx, r1.ID, &govultr.OrganizationRoleReq{Name: "r1", Description: "new"})
	if err != nil || ur.Description != "new" || ur.Type != "assignable" || ur.MaxSessionDuration != 3600 {
		t.Fatalf("UpdateRole = %+v, %v", ur, err)
	}
	att, _, err := root.Organization.AttachRolePolicy(ctx, r1.ID, p1.ID)
	if err != nil || att.PolicyID != p1.ID || att.RoleID != r1.ID || att.PolicyName != "group-reader" || att.DateAssigned == "" {
		t.Fatalf("AttachRolePolicy = %+v, %v", att, err)
	}
	wantStatus(t, log, "AttachRolePolicy", http.StatusCreated)
	if policies, _, _, err = root.Organization.ListRolePolicies(ctx, r1.ID, nil); err != nil || !slices.Equal(govultrPolicyIDs(policies), []string{p1.ID}) {
		t.Fatalf("ListRolePolicies = %v, %v", govultrPolicyIDs(policies), err)
	}
	ua, _, err := root.Organization.AttachRoleUser(ctx, r1.ID, u1.ID)
	if err != nil || ua.UserID != u1.ID || ua.RoleID != r1.ID || ua.RoleName != "r1" {
		t.Fatalf("AttachRoleUser = %+v, %v", ua, err)
	}
	if uas, _, _, err := root.Organization.ListRoleUsers(ctx, r1.ID, nil); err != nil || len(uas) != 1 || uas[0].UserID != u1.ID {
		t.Fatalf("ListRoleUsers = %+v, %v", uas, err)
	}
	ga, _, err := root.Organization.AttachRoleGroup(ctx, r1.ID, g1.ID)
	if err != nil || ga.GroupID != g1.ID || ga.RoleID != r1.ID {
		t.Fatalf("AttachRoleGroup = %+v, %v", ga, err)
	}
	if gas, _, _, err := root.Organization.ListRoleGroups(ctx, r1.ID, nil); err != nil || len(gas) != 1 || gas[0].GroupID != g1.ID {
		t.Fatalf("ListRoleGroups = %+v, %v", gas, err)
	}
	groles, _, _, err := root.Organization.ListGroupRoles(ctx, g1.ID)
	if err != nil || len(groles.Direct) != 1 || groles.Direct[0].ID != r1.ID || groles.Direct[0].Name != "r1" || groles.Direct[0].DateCreated == "" {
		t.Fatalf("ListGroupRoles = %+v, %v", groles, err)
	}
	if gpols, _, _, err = root.Organization.ListGroupPolicies(ctx, g1.ID); err != nil || !slices.Equal(govultrPolicyIDs(gpols.Role), []string{p1.ID}) ||
		gpols.Role[0].RoleID != r1.ID {
		t.Fatalf("ListGroupPolicies from_roles = %+v, %v", gpols, err)
	}
	uroles, _, _, err := root.Organization.ListUserRoles(ctx, u1.ID, nil)
	if err != nil || !slices.Equal(govultrRoleIDs(uroles.Direct), []string{r1.ID}) || !slices.Equal(govultrRoleIDs(uroles.Inherited), []string{r1.ID}) ||
		!slices.Equal(govultrRoleIDs(uroles.All), []string{r1.ID}) {
		t.Fatalf("ListUserRoles = %+v, %v", uroles, err)
	}
	upols, _, _, err = root.Organization.ListUserPolicies(ctx, u1.ID, nil)
	if err != nil || len(upols.Inherited) != 3 || !slices.Equal(govultrPolicyIDs(upols.All), []string{p1.ID}) {
		t.Fatalf("ListUserPolicies with roles = %+v, %v", upols, err)
	}

	// Step 7: the me views with U1's own key equal the views of U1.
	ada := newGovultr(t, ts, u1.APIKey, log)
	myGroups, _, _, err := ada.Organization.ListCurrentUserGroups(ctx, nil)
	if err != nil || !slices.Equal(govultrGroupIDs(myGroups), []string{g1.ID}) {
		t.Fatalf("ListCurrentUserGroups = %v, %v", govultrGroupIDs(myGroups), err)
	}
	myRoles, _, _, err := ada.Organization.ListCurrentUserRoles(ctx, nil)
	if err != nil || !reflect.DeepEqual(myRoles, uroles) {
		t.Fatalf("ListCurrentUserRoles = %+v, %v; want %+v", myRoles, err, uroles)
	}
	myPolicies, _, _, err := ada.Organization.ListCurrentUserPolicies(ctx, nil)
	if err != nil || !reflect.DeepEqual(myPolicies, upols) {
		t.Fatalf("ListCurrentUserPolicies = %+v, %v; want %+v", myPolicies, err, upols)
	}
	if _, _, err := ada.Organization.CreateGroup(ctx, &govultr.OrganizationGroupReq{Name: "mine"}); err == nil {
		t.Fatal("a plain user created a group")
	}
	wantStatus(t, log, "plain user CreateGroup", http.StatusForbidden)

	// Step 12: teardown, then delete and restore.
	for _, step := range []struct {
		name string
		call func() error
	}{
		{"DetachRoleGroup", func() error { return root.Organization.DetachRoleGroup(ctx, r1.ID, g1.ID) }},
		{"DetachRoleUser", func() error { return root.Organization.DetachRoleUser(ctx, r1.ID, u1.ID) }},
		{"DetachRolePolicy", func() error { return root.Organization.DetachRolePolicy(ctx, r1.ID, p1.ID) }},
		{"DetachPolicyGroup", func() error { return root.Organization.DetachPolicyGroup(ctx, p1.ID, g1.ID) }},
		{"DetachPolicyUser", func() error { return root.Organization.DetachPolicyUser(ctx, p1.ID, u1.ID) }},
		{"RemoveGroupMember", func() error { return root.Organization.RemoveGroupMember(ctx, g1.ID, u1.ID) }},
	} {
		if err := step.call(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		wantStatus(t, log, step.name, http.StatusNoContent)
	}
	if gas, _, _, err := root.Organization.ListRoleGroups(ctx, r1.ID, nil); err != nil || len(gas) != 0 {
		t.Errorf("ListRoleGroups after detach = %+v, %v", gas, err)
	}
	if uas, _, _, err := root.Organization.ListRoleUsers(ctx, r1.ID, nil); err != nil || len(uas) != 0 {
		t.Errorf("ListRoleUsers after detach = %+v, %v", uas, err)
	}
	if policies, _, _, err = root.Organization.ListRolePolicies(ctx, r1.ID, nil); err != nil || len(policies) != 0 {
		t.Errorf("ListRolePolicies after detach = %v, %v", govultrPolicyIDs(policies), err)
	}
	if groups, _, _, err = root.Organization.ListPolicyGroups(ctx, p1.ID, nil); err != nil || len(groups) != 0 {
		t.Errorf("ListPolicyGroups after detach = %v, %v", govultrGroupIDs(groups), err)
	}
	if users, _, _, err = root.Organization.ListPolicyUsers(ctx, p1.ID, nil); err != nil || len(users) != 0 {
		t.Errorf("ListPolicyUsers after detach = %+v, %v", users, err)
	}
	if myGroups, _, _, err = ada.Organization.ListCurrentUserGroups(ctx, nil); err != nil || len(myGroups) != 0 {
		t.Errorf("ListCurrentUserGroups after removal = %v, %v", govultrGroupIDs(myGroups), err)
	}
	if myPolicies, _, _, err = ada.Organization.ListCurrentUserPolicies(ctx, nil); err != nil || len(myPolicies.All) != 0 {
		t.Errorf("ListCurrentUserPolicies after teardown = %+v, %v", myPolicies, err)
	}

	if err := root.Organization.DeleteRole(ctx, r1.ID); err != nil {
		t.Fatalf("DeleteRole: %v", err)
	}
	wantStatus(t, log, "DeleteRole", http.StatusNoContent)
	if _, _, err := root.Organization.GetRole(ctx, r1.ID); err == nil {
		t.Fatal("GetRole of a deleted role succeeded")
	}
	wantStatus(t, log, "GetRole(deleted)", http.StatusNotFound)
	rr, _, err := root.Organization.RestoreRole(ctx, r1.ID)
	if err != nil || rr.ID != r1.ID || rr.Name != "r1" {
		t.Fatalf("RestoreRole = %+v, %v", rr, err)
	}
	wantStatus(t, log, "RestoreRole", http.StatusOK)
	if err := root.Organization.DeletePolicy(ctx, p1.ID); err != nil {
		t.Fatalf("DeletePolicy: %v", err)
	}
	wantStatus(t, log, "DeletePolicy", http.StatusNoContent)
	rp, _, err := root.Organization.RestorePolicy(ctx, p1.ID)
	if err != nil || rp.ID != p1.ID || rp.Name != "group-reader" {
		t.Fatalf("RestorePolicy = %+v, %v", rp, err)
	}
	wantStatus(t, log, "RestorePolicy", http.StatusOK)
	if err := root.Organization.DeleteGroup(ctx, g1.ID); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}
	wantStatus(t, log, "DeleteGroup", http.StatusNoContent)
	if groups, _, _, err = root.Organization.ListGroups(ctx, nil); err != nil || len(groups) != 0 {
		t.Errorf("ListGroups after delete = %v, %v", govultrGroupIDs(groups), err)
	}

	// Step 13, for these endpoints: errors in Vultr's shape, never 5xx.
	if _, _, err := root.Organization.GetRole(ctx, "nope"); err == nil || !strings.HasPrefix(err.Error(), "error returned from api") {
		t.Errorf("GetRole(nope): err = %v", err)
	}
	wantStatus(t, log, "GetRole(nope)", http.StatusBadRequest)
	if _, _, err := root.Organization.UpdateRole(ctx, r1.ID, &govultr.OrganizationRoleReq{Name: "r1", MaxSessionDuration: 10}); err == nil ||
		!strings.Contains(err.Error(), "max_session_duration") {
		t.Errorf("UpdateRole(max_session_duration 10): err = %v", err)
	}
	wantStatus(t, log, "UpdateRole(10 s)", http.StatusBadRequest)
}
