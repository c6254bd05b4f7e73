package main

import (
	"slices"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCLITags drives `keyward user tag`, `untag` and `tags` against a real
// server, on SQLite and, when KEYWARD_TEST_DATABASE_URL names a server, on
// PostgreSQL: a policy conditioned on keyward:PrincipalTag/team allows
// once the user is tagged, and denies once it is untagged.
func TestCLITags(t *testing.T) {
	for _, db := range []struct {
		name string
		args func(t *testing.T) []string
	}{
		{"sqlite", func(*testing.T) []string { return nil }},
		{"postgres", func(t *testing.T) []string { return []string{"--database-url", keywardtest.NewPostgresDatabase(t)} }},
	} {
		t.Run(db.name, func(t *testing.T) {
			ts := startServer(t, nil, db.args(t)...)
			cliTags(t, rootCLI(t, ts))
		})
	}
}

func cliTags(t *testing.T, root cliRunner) {
	var bob cliUser
	root.json(&bob, "user", "create", "--service", "--name", "bob")
	root.ok("policy", "create", "--name", "payments", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.*","Resource":"*",
		"Condition":{"StringEquals":{"keyward:PrincipalTag/team":"payments"}}}]}`)
	root.ok("policy", "attach-user", "payments", "bob")
	decision := func() string {
		t.Helper()
		var v struct{ Decision string }
		root.verdict(&v, "--principal", bob.ID, "--action", "compute.instance.Create")
		return v.Decision
	}
	if got := decision(); got != "deny" {
		t.Errorf("untagged: %s, want deny", got)
	}

	out := root.ok("user", "tag", "bob", "team=payments", "cost-center=", "note=a=b")
	want := [][]string{{"KEY", "VALUE"}, {"cost-center", "-"}, {"note", "a=b"}, {"team", "payments"}}
	if got := table(out); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("user tag: %q, want %q", got, want)
	}
	if got := decision(); got != "allow" {
		t.Errorf("tagged team=payments: %s, want allow", got)
	}
	var tags []struct{ Key, Value string }
	root.json(&tags, "user", "tags", bob.ID)
	if len(tags) != 3 || tags[2].Key != "team" || tags[2].Value != "payments" {
		t.Errorf("user tags -o json: %+v, want cost-center, note, team=payments", tags)
	}

	root.ok("user", "untag", "bob", "TEAM", "note")
	if got := table(root.ok("user", "tags", "bob")); !slices.EqualFunc(got, [][]string{{"KEY", "VALUE"}, {"cost-center", "-"}}, slices.Equal) {
		t.Errorf("after untag: %q, want cost-center alone", got)
	}
	if got := decision(); got != "deny" {
		t.Errorf("untagged again: %s, want deny", got)
	}

	root.fail("want KEY=VALUE", "user", "tag", "bob", "team")
	root.fail("reserved", "user", "tag", "bob", "aws:team=payments")
	root.fail(`no user is named "nobody"`, "user", "tags", "nobody")
}
