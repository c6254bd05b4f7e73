package main

import (
	"strings"
	"testing"
)

// TestCLIBindingEdits: binding add and remove change one assignment and
// keep the others; set refuses to drop assignments without --replace,
// naming them, and changes nothing then.
func TestCLIBindingEdits(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	var p, ada, bob cliObject
	root.json(&p, "project", "create", "--name", "Prod")
	root.json(&ada, "user", "create", "--email", "ada@example.com", "--name", "Ada")
	root.json(&bob, "user", "create", "--email", "bob@example.com", "--name", "Bob")
	assignments := func() string {
		t.Helper()
		var rows []string
		for _, r := range table(root.ok("binding", "get", "--project", p.ID))[1:] {
			rows = append(rows, r[1]+"="+r[2])
		}
		return strings.Join(rows, " ")
	}

	root.ok("binding", "add", "--project", p.ID, "user:"+ada.ID+"=Operator")
	root.ok("binding", "add", "--project", p.ID, "user:"+bob.ID+"=Viewer", "user:"+ada.ID+"=operator") // the second is there already
	if got, want := assignments(), ada.ID+"=Operator "+bob.ID+"=Viewer"; got != want {
		t.Errorf("after two adds: %s, want %s", got, want)
	}

	root.fail("would remove 1 assignment(s): user:"+bob.ID+"=Viewer", "binding", "set", "--project", p.ID, "--assign", "user:"+ada.ID+"=Operator")
	if got := assignments(); got != ada.ID+"=Operator "+bob.ID+"=Viewer" {
		t.Errorf("a refused set changed the list: %s", got)
	}

	root.fail("has no such assignment", "binding", "remove", "--project", p.ID, "user:"+bob.ID+"=Operator")
	root.ok("binding", "remove", "--project", p.ID, "user:"+bob.ID)
	if got := assignments(); got != ada.ID+"=Operator" {
		t.Errorf("after remove: %s, want Ada alone", got)
	}

	root.ok("binding", "set", "--project", p.ID, "--assign", "user:"+bob.ID+"=Admin", "--replace")
	if got := assignments(); got != bob.ID+"=Admin" {
		t.Errorf("after set --replace: %s, want Bob alone", got)
	}
	root.fail("invalid assignment", "binding", "add", "--project", p.ID, "user:"+bob.ID)
}
