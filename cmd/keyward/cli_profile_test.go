package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIProfiles: with a configuration file, a profile gives the server,
// the token (from a file or a command, never written in the file) and the
// organization; flags and environment variables win over it; a profile
// that is not there, or a file with a key it does not know, is an error
// saying so.
func TestCLIProfiles(t *testing.T) {
	ts := startServer(t, nil)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "prod.token")
	if err := os.WriteFile(tokenFile, []byte(ts.Token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := func(body string) string {
		t.Helper()
		p := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cfg := write(`default: prod
profiles:
  prod:
    url: ` + ts.URL + `
    token_file: ` + tokenFile + `
  cmd:
    url: ` + ts.URL + `
    token_command: printf '%s' '` + ts.Token + `'
  nowhere:
    url: http://127.0.0.1:1
    token_file: ` + tokenFile + `
`)
	run := func(env map[string]string, args ...string) (string, error) {
		env["KEYWARD_CONFIG"] = cfg
		out, _, err := cliRunner{t, env}.run("", args...)
		return out, err
	}
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"the default profile", map[string]string{}, []string{"whoami"}},
		{"--profile, token from a command", map[string]string{}, []string{"--profile", "cmd", "whoami"}},
		{"KEYWARD_PROFILE", map[string]string{"KEYWARD_PROFILE": "cmd"}, []string{"whoami"}},
		{"--url wins over the profile's", map[string]string{}, []string{"--profile", "nowhere", "--url", ts.URL, "whoami"}},
	} {
		if out, err := run(tt.env, tt.args...); err != nil || !strings.Contains(out, "admin@localhost") {
			t.Errorf("%s: %v, %q; want whoami of the root owner", tt.name, err, out)
		}
	}
	if _, err := run(map[string]string{}, "--profile", "staging", "whoami"); err == nil || !strings.Contains(err.Error(), `no profile "staging"`) {
		t.Errorf("an unknown profile: %v", err)
	}
	cfg = write("profiles:\n  prod:\n    url: " + ts.URL + "\n    token: kw_in_the_file\n")
	if _, err := run(map[string]string{}, "--profile", "prod", "whoami"); err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "token") {
		t.Errorf("a token written in the file: %v, want an error naming line 4 and the key", err)
	}
}
