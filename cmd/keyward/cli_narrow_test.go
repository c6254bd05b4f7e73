package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCLINarrowedKeys: token create --policy and --grid mint keys that act
// with less than their owner (the root owner here, who may do anything):
// the policy key lists groups and not users; the grid key views projects
// and cannot create one.
func TestCLINarrowedKeys(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	doc := filepath.Join(t.TempDir(), "groups-only.json")
	if err := os.WriteFile(doc, []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var byPolicy, byGrid cliKey
	root.json(&byPolicy, "token", "create", "--user", "me", "--name", "groups-only", "--policy", doc)
	root.json(&byGrid, "token", "create", "--user", "me", "--name", "projects-view", "--grid", "projects=view")

	narrow := keyCLI(t, ts, byPolicy.Key)
	narrow.ok("group", "list")
	narrow.fail("403", "user", "list")

	grid := keyCLI(t, ts, byGrid.Key)
	grid.ok("project", "list")
	grid.fail("403", "project", "create", "--name", "nope")

	root.fail("not both", "token", "create", "--user", "me", "--policy", doc, "--grid", "projects=view")
	root.fail("--policy", "token", "create", "--user", "me", "--policy", filepath.Join(t.TempDir(), "missing.json"))
}
