package main

import (
	"strings"
	"testing"
)

// TestCLITrusts drives trusts, assume and sessions through the CLI against
// a real server: the session token then works as --token, as the role.
func TestCLITrusts(t *testing.T) {
	ts := startServer(t, nil)
	k := rootCLI(t, ts)

	var ada cliUser
	k.json(&ada, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--api-enabled")
	var role, pol struct {
		ID string `json:"id"`
	}
	k.json(&role, "role", "create", "--name", "deployer", "--type", "assumable", "--max-session-duration", "1h")
	k.json(&pol, "policy", "create", "--name", "groups-read", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	k.ok("role", "attach-policy", role.ID, pol.ID)

	var tr struct {
		ID             string `json:"id"`
		AssumptionMode string `json:"assumption_mode"`
		Conditions     struct {
			IPAddress []string `json:"ip_address"`
		} `json:"conditions"`
	}
	k.json(&tr, "trust", "create", "--role", role.ID, "--user", ada.ID, "--hours", "0-23", "--ip", "127.0.0.0/8", "--valid-until", "2099-01-01")
	if tr.ID == "" || tr.AssumptionMode != "manual" || len(tr.Conditions.IPAddress) != 1 {
		t.Fatalf("trust create = %+v", tr)
	}
	if f := fieldsOf(k.ok("trust", "get", tr.ID)); f["trusted"] != "user:"+ada.ID || !strings.Contains(f["conditions"], "127.0.0.0/8") {
		t.Errorf("trust get = %v", f)
	}
	if rows := table(k.ok("trust", "list", "--role", role.ID)); len(rows) != 2 || rows[1][0] != tr.ID {
		t.Errorf("trust list --role = %q", rows)
	}
	k.json(&tr, "trust", "update", tr.ID, "--valid-until", "2098-01-01")

	as := keyCLI(t, ts, ada.APIKey)
	if rows := table(as.ok("trust", "list", "--user", "me")); len(rows) != 2 {
		t.Errorf("trust list --user me = %q", rows)
	}
	var s struct {
		SessionToken      string `json:"session_token"`
		RemainingDuration int    `json:"remaining_duration"`
	}
	as.json(&s, "assume", role.ID, "--session-name", "deploy", "--duration", "900")
	if !strings.HasPrefix(s.SessionToken, "kwr_") || s.RemainingDuration > 900 || s.RemainingDuration < 890 {
		t.Fatalf("assume = %+v", s)
	}
	sess := keyCLI(t, ts, s.SessionToken)
	sess.ok("group", "list")
	sess.fail("iam.user.List", "user", "list")
	if f := fieldsOf(as.ok("session", "get", s.SessionToken)); f["state"] != "active" {
		t.Errorf("session get = %v", f)
	}
	if rows := table(as.ok("session", "list", "--user", "me")); len(rows) != 2 {
		t.Errorf("session list = %q", rows)
	}
	as.ok("session", "terminate", s.SessionToken)
	sess.fail("session token", "group", "list")
	k.ok("trust", "delete", tr.ID)
	k.ok("trust", "restore", tr.ID)
}
