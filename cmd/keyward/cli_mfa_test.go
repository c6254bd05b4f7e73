package main

import (
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCLIMFA enrolls an authenticator, logs in with it, disables it and
// has an administrator reset it, all through the CLI against a real
// server (on the real clock: each code is of a step not used before).
func TestCLIMFA(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}
	const password = "a long unusual passphrase\n"
	var ada struct {
		ID string `json:"id"`
	}
	stdout, _, err := root.run(password, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin", "-o", "json")
	decode(t, stdout, err, &ada)
	login := func(args ...string) cliRunner {
		t.Helper()
		token := strings.TrimSpace(anon.okStdin(password, append([]string{"login", "--email", "ada@example.com"}, args...)...))
		return keyCLI(t, ts, token)
	}
	enroll := func(s cliRunner) (secret string, recovery []string) {
		t.Helper()
		var e struct {
			TOTP struct{ Secret string } `json:"totp"`
		}
		s.json(&e, "mfa", "enroll")
		out := s.ok("mfa", "confirm", keywardtest.TOTPCode(t, e.TOTP.Secret, time.Now()))
		return e.TOTP.Secret, strings.Fields(out)
	}

	session := login()
	if got := session.ok("mfa", "status"); !strings.Contains(got, "TOTP: none") {
		t.Errorf("mfa status before enrolment = %q", got)
	}
	secret, recovery := enroll(session)
	if len(recovery) != 10 {
		t.Fatalf("mfa confirm printed %q, want 10 recovery codes", recovery)
	}
	if got := session.ok("mfa", "status"); !strings.Contains(got, "TOTP: active") || !strings.Contains(got, "left: 10") {
		t.Errorf("mfa status after confirmation = %q", got)
	}

	if _, _, err := anon.run(password, "login", "--email", "ada@example.com"); err == nil || !strings.Contains(err.Error(), "--totp") {
		t.Errorf("login without a code: %v, want the advice to pass --totp", err)
	}
	// The next step's code: the one confirm used is spent.
	withCode := login("--totp", keywardtest.TOTPCode(t, secret, time.Now().Add(30*time.Second)))
	withCode.ok("user", "me")
	login("--recovery-code", recovery[0])
	if _, _, err := anon.run(password, "login", "--email", "ada@example.com", "--recovery-code", recovery[0]); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("login with a spent recovery code: %v, want a 401", err)
	}
	withCode.ok("mfa", "disable", "--recovery-code", recovery[1])
	session = login()

	// An administrator resets a lost authenticator.
	enroll(session)
	root.ok("user", "reset-mfa", ada.ID)
	login().ok("user", "me")

	// The organization requires MFA: a login without an authenticator
	// may only set one up.
	var orgs []struct {
		ID string `json:"id"`
	}
	root.json(&orgs, "org", "list")
	if got := root.ok("org", "require-mfa", orgs[0].ID, "on"); !strings.Contains(got, "Require MFA: on") {
		t.Errorf("org require-mfa on printed %q", got)
	}
	_, stderr, err := anon.run(password, "login", "--email", "ada@example.com")
	if err != nil || !strings.Contains(stderr, "keyward mfa enroll") {
		t.Errorf("login while MFA is required: %v, stderr %q, want the advice to enroll", err, stderr)
	}
	limited := login()
	limited.fail("403", "org", "list")
	limited.ok("mfa", "status")
}
