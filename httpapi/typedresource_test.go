package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/catalogfile"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// TestTypedResources puts keyward in front of Acme's widget service (the
// made-up provider's catalog of catalogfile/testdata/acme), whose widgets
// have Acme's own ids: they are registered under them, a policy covers
// every widget (myapp.widget/*) and one a single widget
// (myapp.widget/widget-42), and the authorize API decides and explains
// requests about them by their ids and types.
func TestTypedResources(t *testing.T) {
	parts, err := catalogfile.Load("../catalogfile/testdata/acme")
	if err != nil {
		t.Fatal(err)
	}
	a := newAPIWith(t, service.Options{Catalog: append([]policy.CatalogPart{policy.VultrPart()}, parts...)})
	project := a.project("Storefront")
	const arn = "arn:acme:eu-1:7/widget/9"
	for _, r := range []struct{ id, typ string }{{"widget-42", "myapp.widget"}, {"widget-7", "myapp.widget"}, {arn, "myapp.widget"}, {"front-1", "myapp.storefront"}} {
		a.do("POST", "/v2/resources", a.root, fmt.Sprintf(`{"id":%q,"type":%q,"project_id":%q}`, r.id, r.typ, project), http.StatusCreated, nil)
	}
	var e apiError
	a.do("POST", "/v2/resources", a.root, `{"id":"Widget-42","type":"myapp.widget","project_id":"`+project+`"}`, http.StatusConflict, &e)
	a.do("POST", "/v2/resources", a.root, `{"id":"widget 1","type":"myapp.widget","project_id":"`+project+`"}`, http.StatusBadRequest, &e)
	if e.Field != "id" {
		t.Errorf("register a bad id: field %q, want id", e.Field)
	}
	var got struct{ Resource struct{ ID, Type string } }
	a.do("GET", "/v2/resources/"+url.PathEscape(arn), a.root, "", http.StatusOK, &got)
	if got.Resource.ID != arn || got.Resource.Type != "myapp.widget" {
		t.Errorf("GET the ARN's resource: %+v", got)
	}

	a.do("POST", "/v2/policies", a.root, `{"name":"typo","policy_document":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"myapp.widget.Read","Resource":"myapp.widgte/*"}]}}`, http.StatusBadRequest, &e)
	if e.Field != "policy_document.Statement[0].Resource" || !strings.Contains(e.Error, `(did you mean "myapp.widget"?)`) {
		t.Errorf("policy on an unknown type: %+v", e)
	}
	alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	a.attach(a.createPolicy("widget-readers", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["myapp.widget.Read","myapp.storefront.Read"],"Resource":"myapp.widget/*"}]}`), alice)
	a.attach(a.createPolicy("widget-42-publisher", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"myapp.widget.*","Resource":"myapp.widget/widget-42"}]}`), bob)

	tests := []struct {
		name, key, action, resource, typ string
		want                             string // the decision, then the policies of the statements
	}{
		{"every widget", aliceKey, "myapp.widget.Read", "widget-7", "", "allow widget-readers"},
		{"a widget by its ARN", aliceKey, "myapp.widget.Read", arn, "", "allow widget-readers"},
		{"an unregistered widget, typed by its action", aliceKey, "myapp.widget.Read", "widget-99", "", "allow widget-readers"},
		{"no widget yet", aliceKey, "myapp.widget.Read", "", "", "allow widget-readers"},
		{"a storefront is no widget", aliceKey, "myapp.storefront.Read", "front-1", "", "deny"},
		{"a registered widget keeps its type", aliceKey, "myapp.storefront.Read", "widget-7", "", "allow widget-readers"},
		{"an unregistered resource of the type named", aliceKey, "myapp.storefront.Read", "widget-99", "myapp.widget", "allow widget-readers"},
		{"other actions", aliceKey, "myapp.widget.Publish", "widget-7", "", "deny"},
		{"the one widget", bobKey, "myapp.widget.Publish", "widget-42", "", "allow widget-42-publisher"},
		{"the one widget, in another case", bobKey, "myapp.widget.Publish", "WIDGET-42", "myapp.widget", "allow widget-42-publisher"},
		{"another widget", bobKey, "myapp.widget.Publish", "widget-7", "", "deny"},
		{"every widget is not the one", bobKey, "myapp.widget.Publish", "", "", "deny"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"action":%q,"resource":{"id":%q,"type":%q}}`, tt.action, tt.resource, tt.typ)
			var v verdict
			a.do("POST", "/v2/authorize", tt.key, body, http.StatusOK, &v)
			got := v.Decision
			for _, s := range v.Explanation.Statements {
				got += " " + s.PolicyName
			}
			if got != tt.want {
				t.Errorf("authorize %s: got %q, want %q", body, got, tt.want)
			}
		})
	}

	for _, tt := range []struct{ body, field, msg string }{
		{`{"action":"myapp.widget.Read","resource":{"id":"widget-7","type":"myapp.widgte"}}`, "resource.type", `Did you mean "myapp.widget"?`},
		{`{"action":"myapp.widget.Read","resource":{"id":"widget-7","type":"myapp.storefront"}}`, "resource.type", `registered with`},
		{`{"action":"myapp.widget.Read","resource":{"id":"widget-*"}}`, "resource.id", `not a resource id`},
	} {
		a.do("POST", "/v2/authorize", aliceKey, tt.body, http.StatusBadRequest, &e)
		if e.Field != tt.field || !strings.Contains(e.Error, tt.msg) {
			t.Errorf("authorize %s: %+v, want field %s and %q", tt.body, e, tt.field, tt.msg)
		}
	}

	var who struct {
		Principals []struct{ ID string } `json:"principals"`
	}
	a.do("POST", "/v2/who-can", a.root, `{"action":"myapp.widget.Publish","resource":{"id":"widget-42"}}`, http.StatusOK, &who)
	var ids []string
	for _, p := range who.Principals {
		ids = append(ids, p.ID)
	}
	if !strings.Contains(strings.Join(ids, " "), bob) || strings.Contains(strings.Join(ids, " "), alice) {
		t.Errorf("who-can publish widget-42: %v, want bob (%s) and not alice (%s)", ids, bob, alice)
	}
}
