package main

import (
	"slices"
	"testing"
)

// cliObject is what the access tests read of a group, role, policy,
// member or assignment in -o json output.
type cliObject struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	DisplayName    string `json:"display_name"`
	Description    string `json:"description"`
	Version        string `json:"version"`
	IsSystemPolicy bool   `json:"is_system_policy"`
	RoleType       string `json:"role_type"`
	Source         string `json:"source"`
	UserID         string `json:"user_id"`
	GroupID        string `json:"group_id"`
	PolicyID       string `json:"policy_id"`
	RoleID         string `json:"role_id"`
}

// cliSets is a grouped view in -o json output.
type cliSets struct {
	All       []cliObject `json:"all"`
	Direct    []cliObject `json:"direct"`
	Inherited []cliObject `json:"inherited"`
	FromRoles []cliObject `json:"from_roles"`
}

// ids returns the values of key (id, user_id, ...) of objs.
func ids(objs []cliObject, key func(cliObject) string) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, key(o))
	}
	return out
}

func byID(o cliObject) string      { return o.ID }
func byUserID(o cliObject) string  { return o.UserID }
func byGroupID(o cliObject) string { return o.GroupID }

// TestCLI_Access drives groups, roles, policies and their attachments
// through the CLI against a real server: create, list, attach, see the
// grant in every view, detach, delete and restore.
func TestCLI_Access(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)

	svc, self := root.newServiceUser("deployer")

	var g, p, r cliObject
	root.json(&g, "group", "create", "--name", "ops", "--description", "On-call")
	root.json(&p, "policy", "create", "--name", "vm-read", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	root.json(&r, "role", "create", "--name", "reader", "--description", "Reads instances")
	if g.DisplayName != "ops" || p.Version != "1" || p.IsSystemPolicy || r.RoleType != "assignable" {
		t.Fatalf("created group %+v, policy %+v, role %+v", g, p, r)
	}

	// Membership and attachments, each seen from both sides.
	root.ok("group", "add-member", g.ID, svc.ID)
	root.ok("policy", "attach-group", p.ID, g.ID)
	var at cliObject
	root.json(&at, "role", "attach-policy", r.ID, p.ID)
	if at.RoleID != r.ID || at.PolicyID != p.ID {
		t.Errorf("role attach-policy = %+v, want role %s and policy %s", at, r.ID, p.ID)
	}
	root.ok("role", "attach-user", r.ID, svc.ID)
	root.ok("role", "attach-group", r.ID, g.ID)

	lists := []struct {
		args []string
		key  func(cliObject) string
		want string
	}{
		{[]string{"group", "list"}, byID, g.ID},
		{[]string{"group", "members", g.ID}, byID, svc.ID},
		{[]string{"user", "groups", svc.ID}, byID, g.ID},
		{[]string{"policy", "groups", p.ID}, byID, g.ID},
		{[]string{"policy", "roles", p.ID}, byID, r.ID},
		{[]string{"policy", "list", "--kind", "custom"}, byID, p.ID},
		{[]string{"role", "list", "--type", "assignable"}, byID, r.ID},
		{[]string{"role", "policies", r.ID}, byID, p.ID},
		{[]string{"role", "users", r.ID}, byUserID, svc.ID},
		{[]string{"role", "groups", r.ID}, byGroupID, g.ID},
	}
	for _, l := range lists {
		var got []cliObject
		root.json(&got, l.args...)
		if !slices.Contains(ids(got, l.key), l.want) {
			t.Errorf("keyward %v = %v, want it to list %s", l.args, got, l.want)
		}
	}

	var gp, gr, up, ur, mine cliSets
	root.json(&gp, "group", "policies", g.ID)
	root.json(&gr, "group", "roles", g.ID)
	root.json(&up, "user", "policies", svc.ID)
	root.json(&ur, "user", "roles", svc.ID)
	self.json(&mine, "user", "policies", "me")
	views := []struct {
		name string
		got  []string
		want string
	}{
		{"group policies direct", ids(gp.Direct, byID), p.ID},
		{"group policies from_roles", ids(gp.FromRoles, byID), p.ID},
		{"group roles direct", ids(gr.Direct, byID), r.ID},
		{"user policies inherited", ids(up.Inherited, byID), p.ID},
		{"user roles direct", ids(ur.Direct, byID), r.ID},
		{"user roles inherited", ids(ur.Inherited, byID), r.ID},
		{"user policies me (the service user's own key)", ids(mine.All, byID), p.ID},
	}
	for _, v := range views {
		if !slices.Contains(v.got, v.want) {
			t.Errorf("%s = %v, want it to hold %s", v.name, v.got, v.want)
		}
	}

	// Conditional updates of the policy, and managed policies read-only.
	var p2 cliObject
	root.json(&p2, "policy", "update", p.ID, "--description", "Reads VMs")
	if p2.Version != "2" || p2.Description != "Reads VMs" || p2.Name != "vm-read" {
		t.Errorf("policy update = %+v, want version 2 with the new description and the old name", p2)
	}
	root.fail("status 412", "policy", "update", p.ID, "--name", "stale", "--if-match", "1")
	var managed []cliObject
	root.json(&managed, "policy", "list", "--kind", "managed", "--per-page", "1")
	if len(managed) != 1 || !managed[0].IsSystemPolicy {
		t.Fatalf("policy list --kind managed = %+v, want one managed policy", managed)
	}
	root.fail("status 422", "policy", "update", managed[0].ID, "--description", "mine now")
	root.fail("status 409", "group", "add-member", g.ID, svc.ID)

	// Detach everything; every list forgets it.
	root.ok("role", "detach-group", r.ID, g.ID)
	root.ok("role", "detach-user", r.ID, svc.ID)
	root.ok("role", "detach-policy", r.ID, p.ID)
	root.ok("policy", "detach-group", p.ID, g.ID)
	root.ok("group", "remove-member", g.ID, svc.ID)
	for _, args := range [][]string{
		{"group", "members", g.ID}, {"user", "groups", svc.ID}, {"policy", "groups", p.ID}, {"policy", "roles", p.ID},
		{"role", "policies", r.ID}, {"role", "users", r.ID}, {"role", "groups", r.ID},
	} {
		var got []cliObject
		root.json(&got, args...)
		if len(got) != 0 {
			t.Errorf("keyward %v after detaching = %+v, want none", args, got)
		}
	}
	self.json(&mine, "user", "policies", "me")
	if len(mine.All) != 0 {
		t.Errorf("user policies me after detaching = %+v, want none", mine.All)
	}

	// Soft delete and restore of roles and policies; groups go for good.
	for _, kind := range []struct{ noun, id string }{{"role", r.ID}, {"policy", p.ID}} {
		root.ok(kind.noun, "delete", kind.id)
		root.fail("status 404", kind.noun, "get", kind.id)
		var deleted []cliObject
		root.json(&deleted, kind.noun, "list", "--deleted")
		if !slices.Contains(ids(deleted, byID), kind.id) {
			t.Errorf("%s list --deleted = %v, want it to list %s", kind.noun, deleted, kind.id)
		}
		var back cliObject
		root.json(&back, kind.noun, "restore", kind.id)
		if back.ID != kind.id {
			t.Errorf("%s restore = %+v, want %s", kind.noun, back, kind.id)
		}
		root.ok(kind.noun, "get", kind.id)
	}
	root.ok("group", "delete", g.ID)
	root.fail("status 404", "group", "get", g.ID)
}
