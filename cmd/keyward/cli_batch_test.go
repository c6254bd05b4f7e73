package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/cli"
)

// TestCLIAuthorizeBatch: `keyward authorize batch` answers every check of
// its input at one revision, a row each, and exits 1 (cli.ErrDenied) when
// any is denied; bad input is refused before any call.
func TestCLIAuthorizeBatch(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	svc, self := root.newServiceUser("deployer")
	var p cliObject
	root.json(&p, "policy", "create", "--name", "vm-read", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	root.ok("policy", "attach-user", p.ID, svc.ID)

	out := self.okStdin(`[{"action":"compute.instance.Read"}]`, "authorize", "batch")
	if !strings.Contains(out, "compute.instance.Read") || !strings.Contains(out, "allow") || strings.Contains(out, "deny") {
		t.Errorf("one allowed check:\n%s", out)
	}
	checks := `{"checks":[{"action":"compute.instance.Read"},{"action":"compute.instance.Delete"},{"action":"compute.instance.Read","principal_id":"` + svc.ID + `"}]}`
	out, _, err := self.run(checks, "authorize", "batch", "--brief")
	if !errors.Is(err, cli.ErrDenied) {
		t.Errorf("a denied check: error %v, want cli.ErrDenied (exit 1)", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "allow") || !strings.Contains(lines[2], "deny") || !strings.Contains(lines[3], "allow") {
		t.Errorf("three checks, one denied:\n%s", out)
	}
	stdout, _, _ := self.run(checks, "authorize", "batch", "-o", "json")
	if !strings.Contains(stdout, `"results"`) || !strings.Contains(stdout, `"revision"`) {
		t.Errorf("-o json: want the API's answer, got %s", stdout)
	}
	self.fail("no checks", "authorize", "batch")
	if _, _, err := self.run("{not json", "authorize", "batch"); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("bad input: %v, want the checks are not JSON", err)
	}
}

// TestCLILoginSessions: `keyward login sessions` lists the caller's live
// login sessions, and one logged out is gone from it.
func TestCLILoginSessions(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}
	const password = "a long unusual passphrase"
	root.okStdin(password, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin")
	login := func() cliRunner {
		tok := strings.TrimSpace(anon.okStdin(password, "login", "--email", "ada@example.com"))
		return keyCLI(t, ts, tok)
	}
	first, second := login(), login()
	var list []struct {
		ID       string `json:"id"`
		SourceIP string `json:"source_ip"`
	}
	first.json(&list, "login", "sessions")
	if len(list) != 2 || list[0].SourceIP == "" {
		t.Fatalf("two sign-ins: %+v, want two sessions with their address", list)
	}
	second.ok("logout")
	first.json(&list, "login", "sessions")
	if len(list) != 1 {
		t.Errorf("after one logout: %+v, want one session", list)
	}
	if out := first.ok("login", "sessions"); !strings.Contains(out, "SOURCE IP") {
		t.Errorf("table output:\n%s", out)
	}
}
