package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
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
	root := rootCLI(t, ts)

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

	svc, bot := root.newServiceUser("storefront-bot")
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
		bot.verdict(&v, "--action", action, "--resource", "0193a000-0000-7000-8000-0000000000aa")
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

// TestCatalog_cliApply changes the catalog at run time from the CLI: diff
// previews, apply refuses to remove an action in use until --force, export
// prints what is stored.
func TestCatalog_cliApply(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v1 := write("v1.yaml", "actions:\n  - {name: shop.cart.Read, level: read, description: Read a cart}\n  - {name: shop.cart.Checkout, level: write, description: Check a cart out}\n")
	v2 := write("v2.yaml", "actions:\n  - {name: shop.cart.Read, level: read, description: Read a cart}\n")

	type change struct {
		CatalogChange struct {
			Applied  bool
			Added    []string
			Removed  []string
			Affected []struct{ Name string } `json:"affected_policies"`
		} `json:"catalog_change"`
	}
	var c change
	root.json(&c, "catalog", "diff", "-f", v1)
	if c.CatalogChange.Applied || len(c.CatalogChange.Added) != 2 {
		t.Errorf("diff v1: %+v", c)
	}
	root.json(&c, "catalog", "apply", "-f", v1)
	if !c.CatalogChange.Applied {
		t.Errorf("apply v1: %+v", c)
	}
	root.ok("policy", "create", "--name", "checkout", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"shop.cart.Checkout","Resource":"*"}]}`)
	root.json(&c, "catalog", "diff", "-f", v2)
	if len(c.CatalogChange.Affected) != 1 || c.CatalogChange.Affected[0].Name != "checkout" {
		t.Errorf("diff v2: %+v, want the checkout policy affected", c)
	}
	root.fail("checkout", "catalog", "apply", "-f", v2)
	root.json(&c, "catalog", "apply", "-f", v2, "--force")
	if !c.CatalogChange.Applied || strings.Join(c.CatalogChange.Removed, " ") != "shop.cart.Checkout" {
		t.Errorf("apply v2 --force: %+v", c)
	}
	if out := root.ok("catalog", "export"); !strings.Contains(out, `"shop.cart.Read"`) || strings.Contains(out, "Checkout") {
		t.Errorf("export: %s", out)
	}
	var events []struct{ Action string }
	root.json(&events, "fleet", "audit")
	n := 0
	for _, e := range events {
		if e.Action == "fleet.catalog.Update" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("fleet audit: %d fleet.catalog.Update events, want 2: %+v", n, events)
	}
}

// Without Vultr's catalog the deployment's actions are keyward's own and
// the files'.
func TestCatalog_withoutVultr(t *testing.T) {
	ts := startServer(t, nil, "--vultr-catalog=false", "--catalog", "../../catalogfile/testdata/acme")
	root := rootCLI(t, ts)
	root.fail("not in the catalog", "catalog", "get", "compute.instance.Create")
	root.ok("catalog", "get", "compute.instance.Reboot")
	root.ok("catalog", "get", "iam.user.Create")
	var sources []struct{ Source string }
	root.json(&sources, "catalog", "list", "--all")
	for _, a := range sources {
		if a.Source == "vultr" {
			t.Fatalf("an action of Vultr's catalog is listed: %+v", a)
		}
	}
}
