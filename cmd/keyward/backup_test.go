package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupWhileServing: `keyward backup` copies the database of a
// running server; a server started on the copy has what was written
// before the backup and nothing written after, and the root key works on
// it.
func TestBackupWhileServing(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	root.ok("group", "create", "--name", "before-backup")

	dest := filepath.Join(t.TempDir(), "backup.db")
	src := filepath.Join(ts.dir, "keyward.db")
	if out := root.ok("backup", "--db", src, dest); !strings.Contains(out, dest) {
		t.Errorf("backup printed %q, want the destination", out)
	}
	root.ok("group", "create", "--name", "after-backup")
	root.fail("exists", "backup", "--db", src, dest)
	root.fail("no such file", "backup", "--db", filepath.Join(t.TempDir(), "missing.db"), filepath.Join(t.TempDir(), "x.db"))

	restored, err := launchServer(t, nil, "--db", dest)
	if err != nil {
		t.Fatal(err)
	}
	onCopy := cliRunner{t, map[string]string{"KEYWARD_URL": restored.URL, "KEYWARD_TOKEN": ts.Token}}
	groups := onCopy.ok("group", "list")
	if !strings.Contains(groups, "before-backup") || strings.Contains(groups, "after-backup") {
		t.Errorf("groups on the restored copy:\n%s\nwant before-backup and not after-backup", groups)
	}
}
