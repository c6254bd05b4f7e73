package api_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/keyward-iam/keyward/api"
)

func loadSpec(tb testing.TB) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		tb.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

// TestSpec_Valid validates the document, its examples included.
func TestSpec_Valid(t *testing.T) {
	doc := loadSpec(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

// TestSpec_Operations pins the operations, their ids and their actions to the
// list the server implements. An operation added to the spec must be added
// here too, and to the server.
func TestSpec_Operations(t *testing.T) {
	want := operations()
	got := map[string]op{}
	for path, item := range loadSpec(t).Paths.Map() {
		for method, o := range item.Operations() {
			action, _ := o.Extensions["x-keyward-action"].(string)
			got[method+" "+path] = op{o.OperationID, action}
		}
	}
	for k, w := range want {
		if g, ok := got[k]; !ok {
			t.Errorf("%s: missing", k)
		} else if g != w {
			t.Errorf("%s = %+v, want %+v", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: in the spec but not in this test", k)
		}
	}
}

var (
	operationIDPattern = regexp.MustCompile(`^[a-z][a-zA-Z]*$`)
	actionPattern      = regexp.MustCompile(`^(iam|oidc|fleet)\.[a-z]+\.[A-Z][A-Za-z]*$`)
)

// TestSpec_Conventions checks the rules every operation follows, so that
// operations added later follow them too.
func TestSpec_Conventions(t *testing.T) {
	doc := loadSpec(t)
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Fatalf("top-level security = %v, want bearerAuth", doc.Security)
	}
	public := map[string]bool{"getOpenAPISpec": true, "getHealth": true, "getReadiness": true, "getMetrics": true, "assumeRoleWithWebIdentity": true, "awsSTS": true, "describeInvitationLink": true, "acceptInvitation": true, "login": true, "startSSO": true, "ssoCallback": true, "getSAMLMetadata": true, "samlACS": true}
	seen := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			name := method + " " + path
			if !operationIDPattern.MatchString(o.OperationID) || seen[o.OperationID] {
				t.Errorf("%s: operationId %q is not unique camelCase", name, o.OperationID)
			}
			seen[o.OperationID] = true
			if len(o.Tags) == 0 || o.Summary == "" {
				t.Errorf("%s: needs tags and a summary", name)
			}
			if a, ok := o.Extensions["x-keyward-action"].(string); ok && !actionPattern.MatchString(a) {
				t.Errorf("%s: x-keyward-action %q is not service.resource.Operation", name, a)
			}
			isPublic := o.Security != nil && len(*o.Security) == 0
			if isPublic != public[o.OperationID] {
				t.Errorf("%s: public = %v, want %v", name, isPublic, public[o.OperationID])
			}
			if o.Responses.Default() == nil {
				t.Errorf("%s: no default (Error) response", name)
			}
			if !isPublic && o.Responses.Status(http.StatusUnauthorized) == nil {
				t.Errorf("%s: authenticated but no 401 response", name)
			}
			checkResponses(t, name, o)
			checkListParams(t, name, o)
		}
	}
}

// checkResponses checks that every error response is an Error and that no
// success body trips Vultr's client, which reads a top-level "status" as a
// number and a top-level "error" as a failure.
func checkResponses(t *testing.T, name string, o *openapi3.Operation) {
	t.Helper()
	for code, r := range o.Responses.Map() {
		mt := r.Value.Content.Get("application/json")
		if mt == nil {
			continue
		}
		s := mt.Schema
		if n, _ := strconv.Atoi(code); code == "default" || n >= 400 {
			if !strings.HasSuffix(s.Ref, "/Error") {
				t.Errorf("%s %s: schema %q, want Error", name, code, s.Ref)
			}
			continue
		}
		if !s.Value.Type.Is("object") {
			t.Errorf("%s %s: body is not an object", name, code)
		}
		if p := s.Value.Properties["status"]; p != nil && !p.Value.Type.Is("integer") {
			t.Errorf("%s %s: top-level status is not an integer", name, code)
		}
		if s.Value.Properties["error"] != nil {
			t.Errorf("%s %s: top-level error in a success body", name, code)
		}
	}
}

// checkListParams checks that a list (a response with meta) takes per_page
// and cursor.
func checkListParams(t *testing.T, name string, o *openapi3.Operation) {
	t.Helper()
	r := o.Responses.Status(http.StatusOK)
	if r == nil || r.Value.Content.Get("application/json") == nil {
		return
	}
	if r.Value.Content.Get("application/json").Schema.Value.Properties["meta"] == nil {
		return
	}
	var params []string
	for _, p := range o.Parameters {
		if p.Value.In == "query" {
			params = append(params, p.Value.Name)
		}
	}
	if !slices.Contains(params, "per_page") || !slices.Contains(params, "cursor") {
		t.Errorf("%s: a list without per_page and cursor (has %v)", name, params)
	}
}

// TestSpec_PathIDs checks that every operation with a path ID documents the
// 400 a malformed one gets.
func TestSpec_PathIDs(t *testing.T) {
	for path, item := range loadSpec(t).Paths.Map() {
		if !strings.Contains(path, "{") {
			continue
		}
		for method, o := range item.Operations() {
			if o.Responses.Status(http.StatusBadRequest) == nil {
				t.Errorf("%s %s: a path ID but no 400 response", method, path)
			}
		}
	}
}
