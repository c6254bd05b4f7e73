package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCLIWebIdentity sets up federation with the CLI against a real server
// and an in-process OIDC issuer, then assumes the role the way a CI job
// does: with the issuer's token in a file and no keyward key.
func TestCLIWebIdentity(t *testing.T) {
	ts := startServer(t, nil, "--oidc-allow-http")
	idp := keywardtest.NewOIDCIssuer(t)
	k := rootCLI(t, ts)

	var iss struct{ ID string }
	k.json(&iss, "oidc", "issuer", "create", "--uri", idp.URL, "--audience", "keyward")
	org := struct{ ID string }{orgIDOf(t, k)}
	var role, pol struct{ ID string }
	k.json(&role, "role", "create", "--name", "ci-deployer", "--type", "assumable", "--max-session-duration", "1h")
	k.json(&pol, "policy", "create", "--name", "groups-read", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	k.ok("role", "attach-policy", role.ID, pol.ID)
	k.ok("trust", "create", "--role", role.ID, "--type", "FederatedAssumption", "--oidc-issuer", iss.ID,
		"--claim", "sub=repo:acme/api:ref:refs/heads/*")

	dir := t.TempDir()
	good := filepath.Join(dir, "token")
	if err := os.WriteFile(good, []byte(idp.Token(t, map[string]any{"sub": "repo:acme/api:ref:refs/heads/main"})+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ci := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}} // no key
	var s struct {
		SessionToken string `json:"session_token"`
		UserID       string `json:"user_id"`
		AuthMethod   string `json:"auth_method"`
	}
	ci.json(&s, "assume", role.ID, "--organization", org.ID, "--web-identity-token-file", good, "--session-name", "gha-1")
	if !strings.HasPrefix(s.SessionToken, "kwr_") || s.UserID != "" || s.AuthMethod != "oidc" {
		t.Fatalf("assume = %+v", s)
	}
	sess := keyCLI(t, ts, s.SessionToken)
	sess.ok("group", "list")
	sess.fail("iam.user.List", "user", "list")

	// From stdin, with the organization from the environment.
	env := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_ORGANIZATION": org.ID}}
	if out := env.okStdin(idp.Token(t, map[string]any{"sub": "repo:acme/api:ref:refs/heads/dev"}), "assume", role.ID,
		"--web-identity-token-file", "-"); !strings.Contains(out, "kwr_") {
		t.Errorf("assume from stdin printed %q", out)
	}

	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte(idp.Token(t, map[string]any{"sub": "repo:evil/api:ref:refs/heads/main"})), 0o600); err != nil {
		t.Fatal(err)
	}
	ci.fail("(status 403, code permission_denied)", "assume", role.ID, "--organization", org.ID, "--web-identity-token-file", bad)
	ci.fail("needs --organization", "assume", role.ID, "--web-identity-token-file", good)
	ci.fail("read the web identity token", "assume", role.ID, "--organization", org.ID, "--web-identity-token-file", filepath.Join(dir, "missing"))
}

// orgIDOf returns the ID of the organization of k's key.
func orgIDOf(t *testing.T, k cliRunner) string {
	t.Helper()
	var orgs []struct{ ID string }
	k.json(&orgs, "org", "list")
	if len(orgs) == 0 {
		t.Fatal("no organization")
	}
	return orgs[0].ID
}
