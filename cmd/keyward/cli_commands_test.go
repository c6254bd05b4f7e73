package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestCLIConfig checks where the CLI takes its server and key from, against
// the real server, and that a failure is an error with a clear message.
func TestCLIConfig(t *testing.T) {
	ts := startServer(t, nil)
	dead := "http://127.0.0.1:1" // nothing listens there
	ok := []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"env", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}, nil},
		{"flags", nil, []string{"--url", ts.URL, "--token", ts.Token}},
		{"flags over env", map[string]string{"KEYWARD_URL": dead, "KEYWARD_TOKEN": "kw_wrong"}, []string{"--url", ts.URL, "--token", ts.Token}},
		{"url flag, token env", map[string]string{"KEYWARD_TOKEN": ts.Token}, []string{"--url", ts.URL}},
	}
	for _, tt := range ok {
		c := cliRunner{t, tt.env}
		if f := fieldsOf(c.ok(append(tt.args, "whoami")...)); f["kind"] != "root_owner" {
			t.Errorf("%s: whoami = %v, want the root owner", tt.name, f)
		}
	}

	missing := uuid.Must(uuid.NewV7()).String()
	fails := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no token", map[string]string{"KEYWARD_URL": ts.URL}, []string{"whoami"}, "no API key: set KEYWARD_TOKEN, pass --token, or choose a profile with a token (--profile; docs/cli.md)"},
		{"wrong token", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": "kw_wrong"}, []string{"whoami"},
			"Invalid, expired or revoked API key. (status 401, code unauthenticated)"},
		{"server down", map[string]string{"KEYWARD_URL": dead, "KEYWARD_TOKEN": ts.Token}, []string{"whoami"}, "connection refused"},
		{"bad URL", map[string]string{"KEYWARD_URL": "127.0.0.1:8080", "KEYWARD_TOKEN": ts.Token}, []string{"whoami"}, `invalid server URL "127.0.0.1:8080"`},
		{"bad output", nil, []string{"--url", ts.URL, "--token", ts.Token, "-o", "xml", "org", "list"}, `invalid --output "xml"`},
		{"unknown command", nil, []string{"frobnicate"}, `unknown command "frobnicate" for "keyward"`},
		{"bad ID", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}, []string{"org", "get", "nope"}, `invalid organization ID "nope"`},
		{"unknown name", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}, []string{"user", "get", "nope"}, `no user is named "nope"`},
		{"missing org", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}, []string{"org", "get", missing},
			"Organization not found. (status 404, code not_found)"},
		{"bad name", map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}, []string{"org", "create", "--name", " "},
			"(status 400, code invalid, field name)"},
	}
	for _, tt := range fails {
		cliRunner{t, tt.env}.fail(tt.want, tt.args...)
	}
}

// TestCLI runs every client command of the CLI (org, user, token, audit,
// whoami) against the real server, in table and JSON output.
func TestCLI(t *testing.T) {
	ts := startServer(t, nil)
	k := rootCLI(t, ts)
	start := time.Now().UTC().Format(time.RFC3339Nano)

	var me cliUser
	k.json(&me, "whoami")
	if f := fieldsOf(k.ok("user", "me")); me.Kind != "root_owner" || f["id"] != me.ID || f["kind"] != "root_owner" {
		t.Fatalf("whoami = %+v, user me = %v; want the root owner", me, f)
	}

	// Organizations.
	var orgs []cliOrg
	k.json(&orgs, "org", "list")
	if len(orgs) != 1 {
		t.Fatalf("org list = %+v, want the bootstrap organization", orgs)
	}
	var o2 cliOrg
	k.json(&o2, "org", "create", "--name", "Second", "--type", "business")
	if f := fieldsOf(k.ok("org", "get", o2.ID)); f["id"] != o2.ID || f["name"] != "Second" || f["type"] != "business" {
		t.Errorf("org get = %v, want Second, business", f)
	}
	k.json(&o2, "org", "update", o2.ID, "--name", "Second Inc")
	if o2.Name != "Second Inc" || o2.Type != "business" {
		t.Errorf("org update = %+v, want the new name and the old type", o2)
	}
	rows := table(k.ok("org", "list"))
	if len(rows) != 3 || !slices.Equal(rows[0], []string{"ID", "NAME", "TYPE", "CREATED"}) || rows[1][0] != orgs[0].ID || rows[2][0] != o2.ID {
		t.Errorf("org list (table) = %q", rows)
	}
	next := nextCursor(t, k, "org", "list", "--per-page", "1")
	var page2 []cliOrg
	k.json(&page2, "org", "list", "--per-page", "1", "--cursor", next)
	k.json(&orgs, "org", "list", "--per-page", "1", "--all")
	if len(page2) != 1 || page2[0].ID != o2.ID || len(orgs) != 2 {
		t.Errorf("org list page 2 = %+v, --all = %+v", page2, orgs)
	}
	stdout, stderr, err := k.run("", "org", "key", o2.ID, "--name", "second", "-o", "json")
	var key2 cliKey
	decode(t, stdout, err, &key2)
	if key2.OrgID != o2.ID || key2.UserID != me.ID || !strings.HasPrefix(key2.Key, "kw_") || !strings.Contains(stderr, "Save the API key now") {
		t.Errorf("org key = %+v (stderr %q)", key2, stderr)
	}
	var users []cliUser
	keyCLI(t, ts, key2.Key).json(&users, "user", "list")
	if len(users) != 1 || users[0].ID != me.ID {
		t.Errorf("user list with the org 2 key = %+v, want its root owner only", users)
	}

	// Users.
	stdout, stderr, err = k.run("correct horse battery\n", "user", "create", "--email", "ada@example.com", "--name", "Ada",
		"--password-stdin", "--api-enabled", "-o", "json")
	var ada cliUser
	decode(t, stdout, err, &ada)
	if ada.Kind != "normal" || !ada.HasPassword || !ada.APIEnabled || !strings.HasPrefix(ada.APIKey, "kw_") || !strings.Contains(stderr, "Save the API key now") {
		t.Fatalf("user create = %+v (stderr %q)", ada, stderr)
	}
	var bot cliUser
	k.json(&bot, "user", "create", "--service", "--name", "bot")
	if bot.Kind != "service" || !bot.APIEnabled || bot.APIKey == "" || bot.Email != "" {
		t.Fatalf("user create --service = %+v", bot)
	}
	rows = table(k.ok("user", "list"))
	if len(rows) != 4 || !slices.Equal(rows[0], []string{"ID", "EMAIL", "NAME", "KIND", "STATUS", "API", "CREATED"}) {
		t.Errorf("user list (table) = %q", rows)
	}
	for _, f := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "service"}, bot.ID},
		{[]string{"--email", "ADA@example.com"}, ada.ID},
		{[]string{"--status", "active", "--kind", "normal"}, ada.ID},
	} {
		k.json(&users, append([]string{"user", "list"}, f.args...)...)
		if len(users) != 1 || users[0].ID != f.want {
			t.Errorf("user list %v = %+v, want only %s", f.args, users, f.want)
		}
	}
	nextCursor(t, k, "user", "list", "--per-page", "2")
	k.json(&users, "user", "list", "--per-page", "1", "--all")
	if len(users) != 3 {
		t.Errorf("user list --all by 1 = %d users, want 3", len(users))
	}
	if f := fieldsOf(k.ok("user", "get", ada.ID)); f["name"] != "Ada" || f["has_password"] != "yes" || f["api_key"] != "" {
		t.Errorf("user get = %v", f)
	}
	if out := k.ok("user", "update", ada.ID, "--name", "Ada L.", "--acl", "manage_users,billing"); out != "Updated user "+ada.ID+".\n" {
		t.Errorf("user update printed %q", out)
	}
	var got cliUser
	k.json(&got, "user", "get", ada.ID)
	if got.Name != "Ada L." || !slices.Equal(got.ACLs, []string{"billing", "manage_users"}) {
		t.Errorf("after update, user get = %+v", got)
	}
	if out := k.ok("user", "update", ada.ID, "--acl", "", "-o", "json"); out != "" {
		t.Errorf("user update -o json printed %q, want nothing", out)
	}
	k.okStdin("another long password\n", "user", "update", ada.ID, "--password-stdin")
	if k.json(&got, "user", "get", ada.ID); len(got.ACLs) != 0 || !got.HasPassword {
		t.Errorf("after clearing ACLs, user get = %+v", got)
	}
	keyCLI(t, ts, ada.APIKey).
		fail("(status 403, code permission_denied)", "user", "create", "--email", "eve@example.com")

	cliKeys(t, k, me, ada)
	cliAudit(t, k, start, me, ada)

	if out := k.ok("user", "delete", bot.ID); out != "Removed user "+bot.ID+".\n" {
		t.Errorf("user delete printed %q", out)
	}
	k.fail("User not found. (status 404, code not_found)", "user", "get", bot.ID)
	keyCLI(t, ts, bot.APIKey).fail("(status 401, code unauthenticated)", "whoami")
}

// nextCursor runs a list command that must print a page and, on stderr,
// the cursor of the next one, and returns the cursor.
func nextCursor(t *testing.T, k cliRunner, args ...string) string {
	t.Helper()
	_, stderr, err := k.run("", args...)
	_, rest, found := strings.Cut(stderr, "More results: pass --cursor ")
	cursor, _, _ := strings.Cut(rest, ",")
	if err != nil || !found || cursor == "" {
		t.Fatalf("keyward %s: %v, stderr %q; want a note with the next cursor", strings.Join(args, " "), err, stderr)
	}
	return cursor
}
