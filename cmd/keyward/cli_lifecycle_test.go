package main

import (
	"strings"
	"testing"
)

// TestCLILifecycle drives the login, password and organization lifecycle
// commands against a real server.
func TestCLILifecycle(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}

	var ada struct {
		ID string `json:"id"`
	}
	stdout, _, err := root.run("a long unusual passphrase\n", "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin", "-o", "json")
	decode(t, stdout, err, &ada)

	// Login prints only the token on stdout.
	token := strings.TrimSpace(anon.okStdin("a long unusual passphrase\n", "login", "--email", "ada@example.com"))
	if !strings.HasPrefix(token, "kws_") || strings.Contains(token, "\n") {
		t.Fatalf("login printed %q, want one kws_ token", token)
	}
	if _, _, err := anon.run("wrong password here\n", "login", "--email", "ada@example.com"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("login with a wrong password: %v, want a 401", err)
	}
	session := keyCLI(t, ts, token)
	session.ok("user", "me")
	session.okStdin("a long unusual passphrase\nanother long passphrase\n", "password", "change")
	session.ok("logout")
	session.fail("401", "user", "me")
	anon.okStdin("another long passphrase\n", "login", "--email", "ada@example.com")

	// An admin sets and invalidates a local user's password.
	root.okStdin("set by the admin today\n", "password", "set", ada.ID)
	anon.okStdin("set by the admin today\n", "login", "--email", "ada@example.com")
	root.ok("password", "invalidate", ada.ID)
	if _, _, err := anon.run("set by the admin today\n", "login", "--email", "ada@example.com"); err == nil {
		t.Error("login after invalidate succeeded")
	}
	root.ok("user", "unlock", ada.ID)

	// Suspend, list, unsuspend, remove.
	var me struct {
		ID string `json:"id"`
	}
	root.json(&me, "user", "me")
	var orgs []struct {
		ID string `json:"id"`
	}
	root.json(&orgs, "org", "list")
	home := orgs[0].ID
	root.ok("org", "suspend", home, ada.ID)
	rows := table(root.ok("org", "suspended", home))
	if len(rows) != 2 || rows[1][0] != ada.ID {
		t.Errorf("org suspended = %q, want ada", rows)
	}
	root.ok("org", "unsuspend", home, ada.ID)
	root.fail("409", "org", "suspend", home, me.ID)
	root.ok("org", "remove-user", home, ada.ID)

	// Delete, list deleted, restore, transfer.
	var o2 struct {
		ID string `json:"id"`
	}
	root.json(&o2, "org", "create", "--name", "doomed")
	root.ok("org", "delete", o2.ID)
	rows = table(root.ok("org", "deleted"))
	if len(rows) != 2 || rows[1][0] != o2.ID {
		t.Errorf("org deleted = %q, want %s", rows, o2.ID)
	}
	root.ok("org", "restore", o2.ID)
	root.fail("400", "org", "transfer", home, me.ID)
}
