package main

import (
	"testing"
)

// TestCLI_OrgFlag checks --org and KEYWARD_ORG: commands run when the key
// belongs to the named organization, and fail with the command that mints
// a key there when it does not.
func TestCLI_OrgFlag(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	var orgs []cliOrg
	root.json(&orgs, "org", "list")
	var other cliOrg
	root.json(&other, "org", "create", "--name", "Other")

	root.ok("user", "list", "--org", orgs[0].ID)
	root.fail("keyward org key "+other.ID, "user", "list", "--org", other.ID)
	root.fail("invalid organization ID", "user", "list", "--org", "acme")

	withEnv := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token, "KEYWARD_ORG": other.ID}}
	withEnv.fail("not "+other.ID, "whoami")
}
