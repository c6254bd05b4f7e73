package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// cliKeys runs the token commands on ada's keys, as the root owner me.
func cliKeys(t *testing.T, k cliRunner, me, ada cliUser) {
	t.Helper()
	var ci cliKey
	k.json(&ci, "token", "create", "--user", ada.ID, "--name", "ci", "--expires-in", "24h")
	exp, err := time.Parse(time.RFC3339, ci.DateExpire)
	if ci.UserID != ada.ID || ci.Name != "ci" || !strings.HasPrefix(ci.Key, "kw_"+ci.ID+"_") || err != nil ||
		exp.Before(time.Now().Add(23*time.Hour)) || exp.After(time.Now().Add(25*time.Hour)) {
		t.Fatalf("token create --expires-in 24h = %+v", ci)
	}
	var mine cliKey
	k.json(&mine, "token", "create", "--user", "me", "--name", "mine", "--expires-at", "2099-01-01T00:00:00Z")
	if mine.UserID != me.ID || mine.DateExpire != "2099-01-01T00:00:00Z" || mine.Key == "" {
		t.Errorf("token create --user me = %+v", mine)
	}
	k.fail("(status 400, code invalid, field expires_at)", "token", "create", "--user", ada.ID, "--expires-at", "2001-01-01T00:00:00Z")

	var keys []cliKey
	k.json(&keys, "token", "list", "--user", ada.ID)
	if len(keys) != 2 || keys[0].Name != "default" || keys[1].ID != ci.ID || keys[0].Key != "" || keys[1].Key != "" {
		t.Errorf("token list = %+v, want the default and ci keys without secrets", keys)
	}
	rows := table(k.ok("token", "list", "--user", ada.ID))
	if len(rows) != 3 || !slices.Equal(rows[0], []string{"ID", "NAME", "STATUS", "CREATED", "EXPIRES"}) ||
		!slices.Equal(rows[1][1:3], []string{"default", "active"}) || rows[1][4] != "never" || rows[2][4] != ci.DateExpire {
		t.Errorf("token list (table) = %q", rows)
	}
	f := fieldsOf(k.ok("token", "get", "--user", ada.ID, ci.ID))
	if f["id"] != ci.ID || f["name"] != "ci" || f["status"] != "active" || f["key"] != "" {
		t.Errorf("token get = %v", f)
	}

	ciUser := k.withKey(ci.Key)
	if f := fieldsOf(ciUser.ok("whoami")); f["id"] != ada.ID {
		t.Fatalf("whoami with the ci key = %v, want Ada", f)
	}
	if out := k.ok("token", "revoke", "--user", ada.ID, ci.ID); out != "Revoked API key "+ci.ID+".\n" {
		t.Errorf("token revoke printed %q", out)
	}
	ciUser.fail("Invalid, expired or revoked API key. (status 401, code unauthenticated)", "whoami")
	k.ok("token", "revoke", "--user", ada.ID, ci.ID)
	if f := fieldsOf(k.ok("token", "get", "--user", ada.ID, ci.ID)); f["status"] != "revoked" || f["date_revoked"] == "-" {
		t.Errorf("token get after revoke = %v", f)
	}
	k.fail("API key not found. (status 404, code not_found)", "token", "get", "--user", me.ID, ci.ID)
}

// cliAudit runs the audit command after cliKeys, on the changes made since
// start (RFC 3339).
func cliAudit(t *testing.T, k cliRunner, start string, me, ada cliUser) {
	t.Helper()
	var all []cliEvent
	k.json(&all, "audit", "list", "--since", start)
	var revoke cliEvent
	var actions []string
	for _, e := range all {
		actions = append(actions, e.Action)
		if e.Action == "iam.apikey.Delete" {
			revoke = e
		}
		if e.ActorID != me.ID || e.SourceIP != "127.0.0.1" || e.RequestID == "" {
			t.Errorf("audit event %+v, want one by %s from 127.0.0.1 with a request id", e, me.ID)
		}
	}
	// Newest first. Organization 2's changes are in its own trail.
	want := []string{"iam.apikey.Delete", "iam.apikey.Create", "iam.apikey.Create", "iam.user.Update", "iam.user.Update",
		"iam.user.Update", "iam.apikey.Create", "iam.user.Create", "iam.apikey.Create", "iam.user.Create"}
	if !slices.Equal(actions, want) {
		t.Fatalf("audit list --since START: actions %q, want %q", actions, want)
	}
	var got []cliEvent
	filters := []struct {
		args []string
		want int
	}{
		{[]string{"--action", "iam.apikey.Delete"}, 1},
		{[]string{"--target", revoke.TargetID}, 2},
		{[]string{"--actor", me.ID, "--since", start}, len(all)},
		{[]string{"--actor", me.ID}, len(all) + 1}, // and the bootstrap key's creation
		{[]string{"--actor", ada.ID}, 0},
		{[]string{"--since", "1h"}, len(all) + 2}, // and the bootstrap
		{[]string{"--until", start}, 2},
		{[]string{"--until", "2001-01-01T00:00:00Z"}, 0},
		{[]string{"--since", start, "--per-page", "3", "--all"}, len(all)},
	}
	for _, f := range filters {
		k.json(&got, append([]string{"audit", "list"}, f.args...)...)
		if len(got) != f.want {
			t.Errorf("audit list %v: %d events, want %d", f.args, len(got), f.want)
		}
	}
	rows := table(k.ok("audit", "list", "--action", "iam.apikey.Delete"))
	if len(rows) != 2 || !slices.Equal(rows[0], []string{"TIME", "ACTION", "ACTOR", "TARGET_TYPE", "TARGET_ID", "SOURCE_IP"}) ||
		!slices.Equal(rows[1][1:], []string{"iam.apikey.Delete", me.ID, "api_key", revoke.TargetID, "127.0.0.1"}) {
		t.Errorf("audit list (table) = %q", rows)
	}
	k.fail(`invalid --since "yesterday"`, "audit", "list", "--since", "yesterday")
	k.fail("(status 400, code invalid, field until)", "audit", "list", "--since", "1h", "--until", "2h")
}
