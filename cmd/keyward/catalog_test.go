package main

import (
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// TestCatalog_providerFiles puts keyward in front of a service it has never
// heard of: a made-up provider's catalog files, loaded at start, are the
// vocabulary of policies that are created, decided and explained; managed
// policies, the permission grid and the built-in roles cover its actions.
func TestCatalog_providerFiles(t *testing.T) {
	ts := startServer(t, nil, "--catalog", "../../catalogfile/testdata/acme")
	root := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}}

	type action struct {
		Name, Level, Source string
		GridGroup           string `json:"grid_group"`
	}
	var actions []action
	root.json(&actions, "catalog", "list", "--service", "myapp")
	if len(actions) != 8 {
		t.Fatalf("catalog list --service myapp: %d actions, want the file's 8: %+v", len(actions), actions)
	}
	for _, a := range actions {
		if a.Source != "file:../../catalogfile/testdata/acme/widgets.yaml" || a.GridGroup != "widgets" {
			t.Errorf("%s: source %q, grid group %q", a.Name, a.Source, a.GridGroup)
		}
	}
	var got struct{ Action action }
	root.json(&got, "catalog", "get", "compute.instance.reboot")
	if reboot := got.Action; reboot.Name != "compute.instance.Reboot" || reboot.Level != "write" || reboot.GridGroup != "compute_instances" {
		t.Errorf("catalog get compute.instance.reboot = %+v", got)
	}
	root.fail("Did you mean myapp.widget.Publish", "catalog", "get", "myapp.widget.Publsh")
	var grid []struct {
		ID      string
		Actions []string
	}
	root.json(&grid, "catalog", "grid")
	if i := indexOf(grid, func(g struct {
		ID      string
		Actions []string
	}) bool {
		return g.ID == "widgets"
	}); i < 0 || len(grid[i].Actions) != 8 {
		t.Errorf("catalog grid: no widgets row with the 8 actions: %+v", grid)
	}

	var svc cliUser
	root.json(&svc, "user", "create", "--service", "--name", "storefront-bot")
	bot := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": svc.APIKey}}
	decide := func(action string) string {
		t.Helper()
		var v struct {
			Decision    string
			Explanation struct {
				Statements []struct {
					PolicyName string `json:"policy_name"`
				}
			}
		}
		bot.json(&v, "authorize", "--action", action, "--resource", "0193a000-0000-7000-8000-0000000000aa")
		d := v.Decision
		for _, s := range v.Explanation.Statements {
			d += " " + s.PolicyName
		}
		return d
	}
	root.fail("unknown action", "policy", "create", "--name", "typo", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"myapp.widget.Publsh","Resource":"*"}]}`)
	var pub cliObject
	root.json(&pub, "policy", "create", "--name", "publisher", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["myapp.widget.Publish","compute.instance.Reboot"],"Resource":"*"}]}`)
	root.ok("policy", "attach-user", pub.ID, svc.ID)
	for _, tt := range []struct{ action, want string }{
		{"myapp.widget.Publish", "allow publisher"},
		{"compute.instance.Reboot", "allow publisher"},
		{"myapp.widget.Delete", "deny"},
	} {
		if got := decide(tt.action); got != tt.want {
			t.Errorf("authorize %s: %q, want %q", tt.action, got, tt.want)
		}
	}

	// MyappReadOnly, generated for the new service, reaches its reads only.
	root.ok("policy", "attach-user", policy.ManagedPolicyID("MyappReadOnly"), svc.ID)
	if got := decide("myapp.storefront.Read"); got != "allow MyappReadOnly" {
		t.Errorf("authorize myapp.storefront.Read with MyappReadOnly: %q", got)
	}
	if got := decide("myapp.storefront.Update"); got != "deny" {
		t.Errorf("authorize myapp.storefront.Update with MyappReadOnly: %q, want deny", got)
	}

	// The built-in Operator views and manages every grid row but billing
	// and team: the widgets row included, deleting excluded.
	var op struct {
		Document json.RawMessage `json:"policy_document"`
	}
	root.json(&op, "role", "get", policy.BuiltinRoleID("Operator"))
	for _, want := range []string{"myapp.widget.Publish", "myapp.storefront.Read", "compute.instance.Reboot"} {
		if !strings.Contains(string(op.Document), want) {
			t.Errorf("Operator's document lacks %s: %s", want, op.Document)
		}
	}
	if strings.Contains(string(op.Document), "myapp.widget.Delete") {
		t.Errorf("Operator's document has myapp.widget.Delete: %s", op.Document)
	}
}

// A catalog file that breaks a rule stops the server, naming the file, the
// line and the field.
func TestCatalog_badFileStopsTheServer(t *testing.T) {
	args := []string{"keyward", "server", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "k.db"), "--catalog", "../../catalogfile/testdata/bad"}
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "broken.yaml:5: actions[1].level") {
		t.Errorf("launch with a bad catalog: %v", err)
	}
}

func indexOf[T any](xs []T, f func(T) bool) int {
	for i, x := range xs {
		if f(x) {
			return i
		}
	}
	return -1
}
