package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIFleet drives `keyward fleet` against a real server started with
// --org-creation operator: the bootstrap account operates the deployment,
// another account may not create organizations, and every fleet command
// reaches its route.
func TestCLIFleet(t *testing.T) {
	ts := startServer(t, map[string]string{"KEYWARD_ORG_CREATION": "operator"})
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}

	var me, vic struct {
		ID     string `json:"id"`
		APIKey string `json:"api_key"`
	}
	root.json(&me, "user", "me")
	root.json(&vic, "user", "create", "--email", "vic@example.com", "--name", "Vic", "--api-enabled")
	viewer := keyCLI(t, ts, vic.APIKey)
	viewer.fail("403", "org", "create", "--name", "Mine")
	viewer.fail("403", "fleet", "org", "list")

	root.ok("fleet", "role", "grant", vic.ID, "fleet.viewer")
	rows := table(root.ok("fleet", "role", "list"))
	if len(rows) != 3 || rows[1][0] != me.ID || rows[1][2] != "fleet.admin" || rows[2][0] != vic.ID {
		t.Errorf("fleet role list = %q, want the bootstrap admin and vic", rows)
	}
	root.fail("409", "fleet", "role", "revoke", me.ID, "fleet.admin")

	var tenant struct {
		ID string `json:"id"`
	}
	root.json(&tenant, "org", "create", "--name", "Tenant")
	rows = table(viewer.ok("fleet", "org", "list", "--name", "ten"))
	if len(rows) != 2 || rows[1][0] != tenant.ID || rows[1][4] != "local" {
		t.Errorf("fleet org list --name ten = %q, want Tenant in local mode", rows)
	}
	viewer.fail("403", "fleet", "org", "suspend", tenant.ID)

	var local struct {
		ID string `json:"id"`
	}
	stdout, _, err := root.run("a long unusual passphrase\n", "fleet", "user", "create", tenant.ID, "--email", "lu@tenant.example", "-o", "json")
	decode(t, stdout, err, &local)
	anon.okStdin("a long unusual passphrase\n", "login", "--email", "lu@tenant.example", "--org", tenant.ID)
	root.okStdin("set by the operator today\n", "fleet", "user", "set-password", tenant.ID, local.ID)
	anon.okStdin("set by the operator today\n", "login", "--email", "lu@tenant.example", "--org", tenant.ID)

	root.ok("fleet", "org", "suspend", tenant.ID)
	if _, _, err := anon.run("set by the operator today\n", "login", "--email", "lu@tenant.example", "--org", tenant.ID); err == nil || !strings.Contains(err.Error(), "suspended") {
		t.Errorf("login into a suspended organization: %v, want it refused as suspended", err)
	}
	root.ok("fleet", "org", "unsuspend", tenant.ID)
	out := root.ok("fleet", "org", "identity-mode", tenant.ID, "idp")
	if !strings.Contains(out, "idp") {
		t.Errorf("identity-mode printed %q, want idp", out)
	}
	if _, _, err := root.run("another long passphrase\n", "fleet", "user", "set-password", tenant.ID, local.ID); err == nil || !strings.Contains(err.Error(), "409") {
		t.Errorf("set-password in idp mode: %v, want a 409", err)
	}
	root.ok("fleet", "user", "invalidate-password", tenant.ID, local.ID)

	rows = table(viewer.ok("fleet", "audit", "--action", "fleet.organization.Suspend"))
	if len(rows) != 2 || rows[1][3] != tenant.ID {
		t.Errorf("fleet audit --action fleet.organization.Suspend = %q, want one event about Tenant", rows)
	}
}

// TestServerOrgCreation: the server refuses an org creation mode it does
// not know, from the flag or the environment.
func TestServerOrgCreation(t *testing.T) {
	for _, tt := range []struct {
		name  string
		env   map[string]string
		extra []string
	}{
		{"flag", nil, []string{"--org-creation", "closed"}},
		{"env", map[string]string{"KEYWARD_ORG_CREATION": "closed"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"keyward", "server", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db")}, tt.extra...)
			err := run(context.Background(), args, func(k string) string { return tt.env[k] }, strings.NewReader(""), io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "org-creation") {
				t.Errorf("org creation mode closed: err = %v, want it named", err)
			}
		})
	}
}
