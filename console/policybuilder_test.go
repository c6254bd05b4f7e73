package console

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// testBuilder is a builder catalog of two services and one project.
func testBuilder() *builderCatalog {
	b := &builderCatalog{Services: []string{"compute", "network"}, byName: map[string][]policy.Action{}}
	for _, name := range []string{"compute.instance.Create", "compute.instance.Delete", "network.dns.Read"} {
		a, ok := policy.DefaultCatalog().Lookup(name)
		if !ok {
			panic("no action " + name)
		}
		b.byName[a.Service] = append(b.byName[a.Service], a)
	}
	b.Projects = []*keyward.Project{{ID: "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a", Name: "Production"}}
	return b
}

// TestStatementsOf: a document as the builder shows it, and back: each
// statement's actions of its service are boxes, the rest typed; its
// resources are all, a project or ids; and the document the builder makes
// of that is the one it was given.
func TestStatementsOf(t *testing.T) {
	b := testBuilder()
	for _, tc := range []struct {
		name string
		st   policy.Statement
		want statementForm
	}{
		{"one service, everything",
			policy.Statement{Effect: "Allow", Action: []string{"compute.instance.Create"}, Resource: []string{"*"}},
			statementForm{Effect: "Allow", Service: "compute", Actions: []string{"compute.instance.Create"}, Kind: resourceAll}},
		{"the service's wildcard is a box, another service's action is typed",
			policy.Statement{Sid: "Mixed", Effect: "Deny", Action: []string{"compute.*", "network.dns.Read"}, Resource: []string{"*"}},
			statementForm{Sid: "Mixed", Effect: "Deny", Service: "compute", Actions: []string{"compute.*"}, More: "network.dns.Read", Kind: resourceAll}},
		{"a pattern of no one service",
			policy.Statement{Effect: "Allow", Action: []string{"*"}, Resource: []string{"*"}},
			statementForm{Effect: "Allow", More: "*", Kind: resourceAll}},
		{"a project",
			policy.Statement{Effect: "Allow", Action: []string{"network.dns.Read"}, Resource: []string{"0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"}},
			statementForm{Effect: "Allow", Service: "network", Actions: []string{"network.dns.Read"}, Kind: resourceProject, Project: "0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a"}},
		{"ids and typed references",
			policy.Statement{Effect: "Allow", Action: []string{"compute.instance.Delete"}, Resource: []string{"1b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a", "compute.instance/*"}},
			statementForm{Effect: "Allow", Service: "compute", Actions: []string{"compute.instance.Delete"}, Kind: resourceIDs, IDs: "1b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a, compute.instance/*"}},
		{"a condition is carried",
			policy.Statement{Effect: "Allow", Action: []string{"compute.instance.Create"}, Resource: []string{"*"},
				Condition: policy.Condition{"IpAddress": {"keyward:SourceIp": {"10.0.0.0/8"}}}},
			statementForm{Effect: "Allow", Service: "compute", Actions: []string{"compute.instance.Create"}, Kind: resourceAll,
				Condition: `{"IpAddress":{"keyward:SourceIp":["10.0.0.0/8"]}}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := &policy.Document{Version: policy.Version, Statement: []policy.Statement{tc.st}}
			got := statementsOf(doc, b)
			if diff := cmp.Diff([]statementForm{tc.want}, got); diff != "" {
				t.Fatalf("statementsOf (-want +got):\n%s", diff)
			}
			back := document(got)
			if diff := cmp.Diff(doc, back); diff != "" {
				t.Errorf("document(statementsOf(doc)) differs from doc (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadStatements: the builder's form fields, as htmx posts them, make
// the statements they show; a count beyond the limit is cut to it.
func TestReadStatements(t *testing.T) {
	for _, tc := range []struct {
		name string
		form url.Values
		want []statementForm
	}{
		{"none", url.Values{}, []statementForm{}},
		{"two", url.Values{"n": {"2"},
			"s0.effect": {"Allow"}, "s0.service": {"compute"}, "s0.action": {"compute.instance.Create", "compute.instance.Delete"}, "s0.kind": {"all"},
			"s1.effect": {"Deny"}, "s1.sid": {" NoDNS "}, "s1.more": {"network.*"}, "s1.kind": {"ids"}, "s1.ids": {"a/b, c/d"}},
			[]statementForm{
				{Effect: "Allow", Service: "compute", Actions: []string{"compute.instance.Create", "compute.instance.Delete"}, Kind: "all"},
				{Sid: "NoDNS", Effect: "Deny", More: "network.*", Kind: "ids", IDs: "a/b, c/d"},
			}},
		{"too many", url.Values{"n": {"1000"}}, make([]statementForm, policy.MaxStatements)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/policies/preview", strings.NewReader(tc.form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			got := readStatements(r)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("readStatements (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSortActions: after the service of a statement changes, the actions
// it held stay in it: the new service's as boxes, the others typed.
func TestSortActions(t *testing.T) {
	f := statementForm{Service: "network"}
	f.sortActions([]string{"compute.instance.Create", "network.dns.Read", "network.*"}, testBuilder())
	if got, want := strings.Join(f.Actions, " "), "network.dns.Read network.*"; got != want {
		t.Errorf("boxes = %q, want %q", got, want)
	}
	if got, want := f.More, "compute.instance.Create"; got != want {
		t.Errorf("more = %q, want %q", got, want)
	}
}
