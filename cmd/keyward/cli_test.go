package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/cli"
)

// cliRunner runs CLI commands through run(), as main does, with an
// environment, against a real server.
type cliRunner struct {
	t   *testing.T
	env map[string]string
}

// rootCLI returns a cliRunner against ts with the key of its root owner.
func rootCLI(t *testing.T, ts *testServer) cliRunner {
	return keyCLI(t, ts, ts.Token)
}

// keyCLI returns a cliRunner against ts with key.
func keyCLI(t *testing.T, ts *testServer, key string) cliRunner {
	return cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": key}}
}

// withKey returns a cliRunner against c's server with key.
func (c cliRunner) withKey(key string) cliRunner {
	return cliRunner{c.t, map[string]string{"KEYWARD_URL": c.env["KEYWARD_URL"], "KEYWARD_TOKEN": key}}
}

// newServiceUser creates through c a service user named name, and
// returns it and a cliRunner with its key.
func (c cliRunner) newServiceUser(name string) (cliUser, cliRunner) {
	c.t.Helper()
	var u cliUser
	c.json(&u, "user", "create", "--service", "--name", name)
	if u.APIKey == "" {
		c.t.Fatalf("user create --service --name %s returned no API key", name)
	}
	return u, c.withKey(u.APIKey)
}

// run runs `keyward args...` with stdin.
func (c cliRunner) run(stdin string, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return c.env[k] }
	err = run(context.Background(), append([]string{"keyward"}, args...), getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// ok runs a command that must succeed and returns its stdout.
func (c cliRunner) ok(args ...string) string {
	c.t.Helper()
	return c.okStdin("", args...)
}

func (c cliRunner) okStdin(stdin string, args ...string) string {
	c.t.Helper()
	stdout, stderr, err := c.run(stdin, args...)
	if err != nil {
		c.t.Fatalf("keyward %s: %v (stderr %q)", strings.Join(args, " "), err, stderr)
	}
	return stdout
}

// json runs a command with -o json and decodes its stdout into out.
func (c cliRunner) json(out any, args ...string) {
	c.t.Helper()
	stdout := c.ok(append(args, "-o", "json")...)
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		c.t.Fatalf("keyward %s -o json: %v in %q", strings.Join(args, " "), err, stdout)
	}
}

// verdict runs `keyward authorize ARGS -o json` and decodes its verdict
// into out; the command must exit as its decision says: nil on allow,
// cli.ErrDenied (exit 1) on deny.
func (c cliRunner) verdict(out any, args ...string) {
	c.t.Helper()
	args = append(append([]string{"authorize"}, args...), "-o", "json")
	stdout, stderr, err := c.run("", args...)
	var v struct{ Decision string }
	if json.Unmarshal([]byte(stdout), &v) != nil || json.Unmarshal([]byte(stdout), out) != nil {
		c.t.Fatalf("keyward %s: %v (stderr %q), stdout %q", strings.Join(args, " "), err, stderr, stdout)
	}
	if denied := errors.Is(err, cli.ErrDenied); denied != (v.Decision != "allow") || err != nil && !denied {
		c.t.Errorf("keyward %s: decision %s, error %v; want nil on allow, cli.ErrDenied on deny", strings.Join(args, " "), v.Decision, err)
	}
}

// fail runs a command that must fail with an error containing want, and
// print nothing on stdout.
func (c cliRunner) fail(want string, args ...string) {
	c.t.Helper()
	stdout, _, err := c.run("", args...)
	if err == nil || !strings.Contains(err.Error(), want) {
		c.t.Errorf("keyward %s: error %v, want one containing %q", strings.Join(args, " "), err, want)
	}
	if stdout != "" {
		c.t.Errorf("keyward %s failed but printed %q", strings.Join(args, " "), stdout)
	}
}

// table splits table output into rows of fields, the header first.
func table(out string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		rows = append(rows, strings.Fields(line))
	}
	return rows
}

// fieldsOf reads an object's table output ("name  value" lines).
func fieldsOf(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		k, v, _ := strings.Cut(line, " ")
		m[k] = strings.TrimSpace(v)
	}
	return m
}

type cliUser struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	Kind        string   `json:"kind"`
	APIEnabled  bool     `json:"api_enabled"`
	ACLs        []string `json:"acls"`
	HasPassword bool     `json:"has_password"`
	APIKey      string   `json:"api_key"`
}

type cliKey struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	UserID      string `json:"user_id"`
	OrgID       string `json:"org_id"`
	Status      string `json:"status"`
	DateExpire  string `json:"date_expire"`
	DateRevoked string `json:"date_revoked"`
	Key         string `json:"key"`
}

type cliOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type cliEvent struct {
	Action     string `json:"action"`
	ActorID    string `json:"actor_id"`
	TargetType string `json:"target_type"`
	TargetID   string `json:"target_id"`
	RequestID  string `json:"request_id"`
	SourceIP   string `json:"source_ip"`
}

// decode fails t unless a command that printed stdout and returned err
// succeeded with JSON, which it decodes into out.
func decode(t *testing.T, stdout string, err error, out any) {
	t.Helper()
	if err != nil {
		t.Fatalf("command failed: %v", err)
	}
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("decode %q: %v", stdout, err)
	}
}
