package main

import (
	"slices"
	"strings"
	"testing"
)

// TestCLI_Projects drives projects, resources, role assignments, overrides
// and grid roles through the CLI against a real server.
func TestCLI_Projects(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	var dev cliUser
	root.json(&dev, "user", "create", "--email", "dev@example.com", "--name", "Dev")

	var p struct{ ID, Name string }
	root.json(&p, "project", "create", "--name", "Production")
	root.json(&p, "project", "update", p.ID, "--name", "Prod")
	if p.Name != "Prod" {
		t.Errorf("project update = %+v", p)
	}
	var ps []struct{ ID string }
	root.json(&ps, "project", "list")
	if len(ps) != 1 || ps[0].ID != p.ID {
		t.Errorf("project list = %+v", ps)
	}

	const vm = "0193a000-0000-7000-8000-0000000000a1"
	var res struct {
		ID        string
		ProjectID string `json:"project_id"`
	}
	root.json(&res, "resource", "register", vm, "--type", "compute.instance", "--project", p.ID)
	root.json(&res, "resource", "get", vm)
	if res.ProjectID != p.ID {
		t.Errorf("resource = %+v", res)
	}
	var rs []struct{ ID string }
	root.json(&rs, "resource", "list", "--project", p.ID)
	if len(rs) != 1 {
		t.Errorf("resource list = %+v", rs)
	}

	// Role assignments: set, read back, and a stale --if-match is refused.
	var doc struct {
		RoleAssignments []struct {
			IdentityID string `json:"identity_id"`
			RoleName   string `json:"role_name"`
		} `json:"role_assignments"`
	}
	root.json(&doc, "binding", "set", "--project", p.ID, "--assign", "user:"+dev.ID+"=Operator")
	_, stderr, err := root.run("", "binding", "get", "--project", p.ID)
	if err != nil || !strings.Contains(stderr, "ETag: ") {
		t.Fatalf("binding get: %v, stderr %q", err, stderr)
	}
	root.json(&doc, "binding", "get", "--project", p.ID)
	if len(doc.RoleAssignments) != 1 || doc.RoleAssignments[0].RoleName != "Operator" {
		t.Errorf("binding get = %+v", doc)
	}
	root.fail("412", "binding", "set", "--project", p.ID, "--if-match", `"0000"`, "--replace")
	// The user's roles say the assignment is the project's.
	if rows := table(root.ok("user", "roles", dev.ID)); len(rows) != 2 || strings.Join(rows[1][3:], " ") != "direct in project:Prod" {
		t.Errorf("user roles of a project's Operator = %q, want VIA \"direct in project:Prod\"", rows)
	}
	// The change's audit event holds lists (before and after), which the
	// client once failed to decode.
	if rows := table(root.ok("audit", "list", "--action", "iam.binding.Update")); len(rows) < 2 {
		t.Errorf("audit list --action iam.binding.Update: %v, want the binding change", rows)
	}
	root.fail("exactly one of --org and --project", "binding", "get")

	// Override: Viewer-like in Production.
	var o struct {
		Grid map[string][]string `json:"grid"`
	}
	root.json(&o, "override", "set", p.ID, dev.ID, "--grid", "compute_instances=view", "--grid", `{"vpcs":["view"]}`)
	if !slices.Equal(o.Grid["compute_instances"], []string{"view"}) || !slices.Equal(o.Grid["vpcs"], []string{"view"}) {
		t.Errorf("override set = %+v", o)
	}
	root.fail("grid.billing.delete", "override", "set", p.ID, dev.ID, "--grid", "billing=delete")
	root.ok("override", "delete", p.ID, dev.ID)
	root.fail("404", "override", "get", p.ID, dev.ID)

	var r struct {
		Grid         map[string][]string `json:"grid"`
		IsSystemRole bool                `json:"is_system_role"`
	}
	root.json(&r, "role", "create", "--name", "support", "--grid", "compute_instances=view,manage", "--grid", "billing=view")
	if r.IsSystemRole || !slices.Equal(r.Grid["compute_instances"], []string{"view", "manage"}) {
		t.Errorf("role create --grid = %+v", r)
	}

	root.fail("409", "project", "delete", p.ID)
	root.ok("project", "delete", p.ID, "--force")
	root.fail("404", "resource", "get", vm)
}
