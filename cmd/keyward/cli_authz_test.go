package main

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/cli"
)

// TestCLI_Authorization drives `keyward authorize`, `who-can` and `user
// access` against a real server: a service user gets a policy through a
// group, and every view of the decision agrees.
func TestCLI_Authorization(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)

	svc, self := root.newServiceUser("deployer")
	const vm = "0193a000-0000-7000-8000-000000000011"
	var prod, staging cliObject
	root.json(&prod, "project", "create", "--name", "Production")
	root.json(&staging, "project", "create", "--name", "Staging")
	project := prod.ID

	var verdict struct {
		Decision    string `json:"decision"`
		Explanation struct {
			Layer      string `json:"layer"`
			Statements []struct {
				PolicyName string `json:"policy_name"`
				Via        string `json:"via"`
				Effect     string `json:"effect"`
			} `json:"statements"`
		} `json:"explanation"`
	}
	self.verdict(&verdict, "--action", "compute.instance.Delete", "--resource", vm, "--project", project)
	if verdict.Decision != "deny" || verdict.Explanation.Layer != "policy" {
		t.Errorf("before the grant: %+v, want a deny by policy", verdict)
	}

	var g, p cliObject
	root.json(&g, "group", "create", "--name", "deployers")
	root.json(&p, "policy", "create", "--name", "vm-admin", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.*","Resource":"`+project+`"}]}`)
	root.ok("group", "add-member", g.ID, svc.ID)
	root.ok("policy", "attach-group", p.ID, g.ID)

	self.verdict(&verdict, "--action", "compute.instance.Delete", "--resource", vm, "--project", project)
	if verdict.Decision != "allow" || len(verdict.Explanation.Statements) != 1 || verdict.Explanation.Statements[0].Via != "group:deployers" {
		t.Errorf("after the grant: %+v, want allow via group:deployers", verdict)
	}
	var brief map[string]any
	self.verdict(&brief, "--brief", "--action", "compute.instance.Delete", "--resource", vm, "--project", project)
	if _, explained := brief["explanation"]; brief["decision"] != "allow" || explained {
		t.Errorf("--brief: %v, want allow without the explanation", brief)
	}
	if f := fieldsOf(self.ok("authorize", "--brief", "--action", "compute.instance.Delete", "--resource", vm, "--project", project)); f["decision"] != "allow" || f["layer"] != "" {
		t.Errorf("--brief, table output: %v, want the decision without a layer", f)
	}
	out, _, err := root.run("", "authorize", "--principal", svc.ID, "--action", "compute.instance.Delete", "--resource", vm, "--project", staging.ID)
	if f := fieldsOf(out); f["decision"] != "deny" || f["layer"] != "policy" || !errors.Is(err, cli.ErrDenied) {
		t.Errorf("another project, table output (error %v, want cli.ErrDenied: exit 1):\n%s", err, out)
	}
	out = self.ok("authorize", "--action", "compute.instance.Create", "--project", project, "--source-ip", "10.0.0.1", "--mfa", "true")
	if !strings.Contains(out, "vm-admin") || !strings.Contains(out, "group:deployers") {
		t.Errorf("table output lacks the statement:\n%s", out)
	}
	var me cliUser
	root.json(&me, "whoami")
	// A 403 names the layer that refused, not only the message.
	self.fail("iam.authorization.Authorize denied by the policy layer", "authorize", "--principal", me.ID, "--action", "compute.instance.List")
	self.fail("compute.instance.Create", "authorize", "--action", "compute.instance.Crate")
	self.fail("--mfa", "authorize", "--action", "compute.instance.List", "--mfa", "maybe")

	var who []struct {
		ID    string   `json:"id"`
		Layer string   `json:"layer"`
		Via   []string `json:"via"`
	}
	root.json(&who, "who-can", "--action", "compute.instance.Delete", "--resource", vm, "--project", project)
	if len(who) != 2 || who[0].Layer != "root_owner" || who[1].ID != svc.ID || strings.Join(who[1].Via, ",") != "group:deployers" {
		t.Errorf("who-can = %+v, want the root owner and the service user via its group", who)
	}

	var acc struct {
		UserID   string `json:"user_id"`
		Policies []struct {
			Name string   `json:"name"`
			Via  []string `json:"via"`
		} `json:"policies"`
	}
	self.json(&acc, "user", "access", "me")
	if acc.UserID != svc.ID || len(acc.Policies) != 1 || acc.Policies[0].Name != "vm-admin" {
		t.Errorf("user access me = %+v", acc)
	}
	out = root.ok("user", "access", svc.ID)
	// One row per resource and service, the service said once.
	var scope []string
	for _, row := range table(out) {
		if len(row) == 5 && row[0] == project {
			scope = row
		}
	}
	if !slices.Equal(scope, []string{project, "compute", "instance.*", "-", "-"}) {
		t.Errorf("user access table: the project's row is %q, want compute instance.*:\n%s", scope, out)
	}
}
