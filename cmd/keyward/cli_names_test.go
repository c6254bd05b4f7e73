package main

import (
	"strings"
	"testing"
)

// TestCLINames: wherever a command asks for the ID of a user, group, role,
// policy or project, a name does too (a user's email or name), matched
// without regard to case; a name two objects share is refused with both
// IDs, an unknown one says so.
func TestCLINames(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	var pol, bot, ada, ada2 cliObject
	root.json(&pol, "policy", "create", "--name", "ci-staging-compute", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)
	root.json(&bot, "user", "create", "--service", "--name", "ci-bot")
	root.json(&ada, "user", "create", "--email", "ada@example.com", "--name", "Ada")
	root.json(&ada2, "user", "create", "--email", "ada@example.org", "--name", "ada")
	// The second Ada is made, with a warning that the name no longer picks
	// one user out; a name nobody else has gets none.
	_, warned, err := root.run("", "user", "create", "--email", "ada@example.net", "--name", "ADA")
	if err != nil || !strings.Contains(warned, `warning: another user is also named "ADA"`) || !strings.Contains(warned, ada.ID) || !strings.Contains(warned, ada2.ID) {
		t.Errorf("user create with a name in use: %v, stderr %q; want a warning naming both other users", err, warned)
	}
	if _, quiet, _ := root.run("", "user", "create", "--service", "--name", "unique-bot"); strings.Contains(quiet, "warning") {
		t.Errorf("user create with a new name warned: %q", quiet)
	}

	root.ok("policy", "attach-user", "ci-staging-compute", "ci-bot")
	if out := root.ok("policy", "users", "CI-Staging-Compute"); !strings.Contains(out, bot.ID) {
		t.Errorf("policy users by name:\n%s\nwant ci-bot (%s)", out, bot.ID)
	}
	var got cliObject
	root.json(&got, "user", "get", "ADA@example.com")
	if got.ID != ada.ID {
		t.Errorf("user get by email = %s, want %s", got.ID, ada.ID)
	}
	root.fail("3 users are named \"Ada\": give the ID of one of", "user", "get", "Ada")
	_, _, err = root.run("", "user", "get", "Ada")
	if err == nil || !strings.Contains(err.Error(), ada.ID) || !strings.Contains(err.Error(), ada2.ID) {
		t.Errorf("an ambiguous name: %v, want both users' IDs", err)
	}
	root.fail(`no role is named "nobody"`, "role", "get", "nobody")
	root.fail("invalid organization ID", "org", "get", "Default organization") // organizations are by ID
}
