package main

import (
	"strings"
	"testing"
)

// TestCLIInvitations: with no SMTP server, an invitation made with the CLI
// waits in the development outbox, where `keyward mail list` shows its
// link, and `keyward invite accept` creates the account from it.
func TestCLIInvitations(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}

	var inv struct {
		ID           string `json:"id"`
		InviteStatus string `json:"invite_status"`
	}
	root.json(&inv, "invite", "create", "--email", "ada@example.com", "--api-enabled")
	if inv.ID == "" || inv.InviteStatus != "pending" {
		t.Fatalf("invite create = %+v", inv)
	}
	got := fieldsOf(root.ok("invite", "get", inv.ID))
	if got["email_invited"] != "ada@example.com" || got["api_enabled"] != "yes" {
		t.Errorf("invite get = %v", got)
	}
	rows := table(root.ok("invite", "list", "--status", "pending"))
	if len(rows) != 2 || rows[1][0] != inv.ID || rows[1][2] != "pending" {
		t.Errorf("invite list = %v", rows)
	}
	root.ok("invite", "resend", inv.ID)

	full := root.ok("mail", "list", "--to", "ada@example.com", "--full")
	links := inviteLink.FindAllString(full, -1)
	if len(links) < 2 {
		t.Fatalf("mail list --full shows %d links:\n%s", len(links), full)
	}
	newest, replaced := links[0], links[len(links)-1]
	if rows := table(root.ok("mail", "list")); len(rows) != 3 || rows[1][2] != "queued" {
		t.Errorf("mail list = %v", rows)
	}

	anon.fail("needs --name", "invite", "accept", newest)
	if _, _, err := anon.run("a password long enough\n", "invite", "accept", replaced, "--name", "Ada", "--password-stdin"); err == nil ||
		!strings.Contains(err.Error(), "status 410") {
		t.Errorf("accepting the replaced link: %v, want a 410", err)
	}
	// The command the email prints works as printed (the password comes
	// from standard input when it is not a terminal, else it is asked for).
	var printed string
	for _, line := range strings.Split(full, "\n") {
		if cmd, ok := strings.CutPrefix(strings.TrimSpace(line), "keyward invite accept '"+newest+"'"); ok {
			printed = "invite accept '" + newest + "'" + cmd
			break
		}
	}
	if printed == "" {
		t.Fatalf("the email shows no keyward invite accept command for %s:\n%s", newest, full)
	}
	out := fieldsOf(anon.okStdin("a password long enough\n", shellWords(t, printed)...))
	if out["email"] != "ada@example.com" || !strings.HasPrefix(out["api_key"], "kw_") {
		t.Fatalf("invite accept = %v", out)
	}
	ada := keyCLI(t, ts, out["api_key"])
	if me := fieldsOf(ada.ok("whoami")); me["email"] != "ada@example.com" {
		t.Errorf("whoami with the new key = %v", me)
	}
	ada.fail("status 403", "mail", "list")

	var bob struct{ ID string }
	root.json(&bob, "invite", "create", "--email", "bob@example.com")
	root.ok("invite", "revoke", bob.ID)
	if got := fieldsOf(root.ok("invite", "get", bob.ID)); got["invite_status"] != "revoked" {
		t.Errorf("after revoke: %v", got)
	}
	root.fail("status 409", "invite", "resend", bob.ID)
}
