package authz_test

import (
	"encoding/json"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// typedOrg is an organization of Acme's widgets and gadgets, registered
// under Acme's own ids, and three members: alice may read every widget,
// bob may read widgets and attach gadgets to them (a request about a
// widget with a gadget action), carol may read everything.
func typedOrg(t *testing.T) (snap *authz.Snapshot, alice, bob, carol keyward.UserID) {
	t.Helper()
	part, err := policy.ParseCatalogPart("acme", []byte(`{"actions": [
		{"name": "myapp.widget.Read", "level": "read"}, {"name": "myapp.widget.Publish", "level": "write"},
		{"name": "myapp.gadget.Attach", "level": "write"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := policy.Compose(part)
	if err != nil {
		t.Fatal(err)
	}
	org := &keyward.Organization{ID: "0193a000-0000-7000-8000-000000000001", Name: "Acme customer"}
	g := &keyward.Graph{Org: org}
	project := &keyward.Project{OrgID: org.ID, ID: "0193a000-0000-7000-8000-0000000000e1", Name: "shop"}
	g.Projects = []*keyward.Project{project}
	g.Resources = []*keyward.Resource{
		{OrgID: org.ID, ID: "Widget-42", Type: "myapp.widget", ProjectID: project.ID},
		{OrgID: org.ID, ID: "gadget-1", Type: "myapp.gadget", ProjectID: project.ID},
	}
	member := func(n byte, name, doc string) keyward.UserID {
		id := keyward.UserID("0193a000-0000-7000-8000-0000000000a" + string(n))
		g.Users = append(g.Users, &keyward.User{
			Account: keyward.Account{ID: id, Name: name, Email: name + "@example.com"},
			Member:  keyward.Member{OrgID: org.ID, UserID: id, Status: keyward.StatusActive},
		})
		pol := &keyward.Policy{OrgID: org.ID, ID: keyward.PolicyID("0193a000-0000-7000-8000-0000000000c" + string(n)), Name: name + "-policy", Document: json.RawMessage(doc), Version: 1}
		g.Policies = append(g.Policies, pol)
		g.Attachments = append(g.Attachments, &keyward.Attachment{OrgID: org.ID, PolicyID: pol.ID, TargetType: keyward.PrincipalUser, TargetID: string(id)})
		return id
	}
	alice = member('1', "alice", `{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": "myapp.widget.Read", "Resource": "myapp.widget/*"}]}`)
	bob = member('2', "bob", `{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": ["myapp.widget.Read", "myapp.gadget.Attach"], "Resource": "myapp.widget/*"}]}`)
	carol = member('3', "carol", `{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": "myapp.*.Read", "Resource": "*"}]}`)
	return authz.NewSnapshot(g, authz.Options{Catalog: cat}), alice, bob, carol
}

// TestDecide_typedResources: a request's type is the one it names, else
// the type its resource is registered with, else its action's.
func TestDecide_typedResources(t *testing.T) {
	snap, alice, bob, _ := typedOrg(t)
	tests := []struct {
		name                  string
		who                   keyward.UserID
		action, resource, typ string
		want                  policy.Decision
	}{
		{"a registered widget", alice, "myapp.widget.Read", "widget-42", "", policy.Allow},
		{"a registered gadget is no widget", alice, "myapp.widget.Read", "gadget-1", "", policy.ImplicitDeny},
		{"the type named wins", alice, "myapp.widget.Read", "gadget-1", "myapp.widget", policy.Allow},
		{"an unregistered resource, typed by its action", alice, "myapp.widget.Read", "widget-99", "", policy.Allow},
		{"a gadget action on a registered widget", bob, "myapp.gadget.Attach", "WIDGET-42", "", policy.Allow},
		{"a gadget action on a gadget", bob, "myapp.gadget.Attach", "gadget-1", "", policy.ImplicitDeny},
		{"a gadget action on an unregistered resource", bob, "myapp.gadget.Attach", "widget-99", "", policy.ImplicitDeny},
	}
	for _, tt := range tests {
		r := authz.Request{Principal: tt.who, Action: tt.action, Resource: tt.resource, Type: tt.typ}
		if got, _ := snap.Decide(&r); got != tt.want {
			t.Errorf("%s: Decide = %v, want %v", tt.name, got, tt.want)
		}
		if got := snap.Explain(&r).Decision; got != tt.want {
			t.Errorf("%s: Explain = %v, want %v", tt.name, got, tt.want)
		}
	}
	if project, typ, ok := snap.Registered("WIDGET-42"); !ok || typ != "myapp.widget" || project != "0193a000-0000-7000-8000-0000000000e1" {
		t.Errorf("Registered(WIDGET-42) = %q, %q, %v", project, typ, ok)
	}
}

// TestUncovered_typedResources: what a typed resource grants on requests
// that name another type than their action's is part of what a caller
// must cover.
func TestUncovered_typedResources(t *testing.T) {
	snap, alice, bob, carol := typedOrg(t)
	tests := []struct {
		name          string
		caller, other keyward.UserID
		wantAction    string // "" when the caller covers the other
	}{
		{"bob attaches gadgets to widgets, which alice may not", alice, bob, "myapp.gadget.Attach"},
		{"bob covers alice", bob, alice, ""},
		{"carol reads everything, alice only widgets", carol, alice, ""},
		{"carol reads gadgets too, through a widget action", alice, carol, "myapp.widget.Read"},
	}
	for _, tt := range tests {
		action, _, ok := snap.Uncovered(authz.Request{Principal: tt.caller}, tt.other)
		if got := map[bool]string{true: action}[ok]; got != tt.wantAction {
			t.Errorf("%s: Uncovered = %q, want %q", tt.name, got, tt.wantAction)
		}
	}
}
