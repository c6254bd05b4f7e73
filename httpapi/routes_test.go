package httpapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/keyward-iam/keyward/api"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"github.com/prometheus/client_golang/prometheus"
)

// specOp is what api/openapi.yaml says of one operation.
type specOp struct {
	action string
	public bool // security: []
}

// specOps reads every operation of api/openapi.yaml, "METHOD path" → what
// it says.
func specOps(t *testing.T) map[string]specOp {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]specOp{}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			action, _ := o.Extensions["x-keyward-action"].(string)
			out[method+" "+path] = specOp{action, o.Security != nil && len(*o.Security) == 0}
		}
	}
	return out
}

// TestRouteActions holds api/openapi.yaml to the route table, the one
// place that says each route's action and access: every authenticated
// route names a catalog action, the same one its operation's
// x-keyward-action gives; a route is public exactly when its operation
// needs no credential; and the spec has no operation the server lacks.
// (TestEveryRouteDenies holds the service to the same actions.)
func TestRouteActions(t *testing.T) {
	s := &server{}
	s.routes(http.NewServeMux(), prometheus.NewRegistry())
	cat := policy.DefaultCatalog()
	spec := specOps(t)
	served := map[string]bool{}
	for _, rt := range s.table {
		if rt.Action != "" {
			if _, ok := cat.Lookup(rt.Action); !ok {
				t.Errorf("%s: action %q is not in the catalog", rt.Pattern, rt.Action)
			}
		}
		if _, ok := authz.SelfAction(rt.Action); rt.Access == AccessSelf && !ok {
			t.Errorf("%s: a self route whose action %q the engine's self layer does not grant", rt.Pattern, rt.Action)
		}
		op, ok := spec[rt.Pattern]
		if !ok {
			if !strings.Contains(rt.Pattern, " /scim/") && !strings.HasSuffix(rt.Pattern, " /metrics") {
				t.Errorf("%s: no operation in api/openapi.yaml", rt.Pattern)
			}
			continue
		}
		served[rt.Pattern] = true
		if op.public != (rt.Access == AccessPublic) {
			t.Errorf("%s: public in api/openapi.yaml = %v, in routes.go = %v", rt.Pattern, op.public, rt.Access == AccessPublic)
		}
		if rt.Access != AccessPublic && op.action != rt.Action {
			t.Errorf("%s: api/openapi.yaml says x-keyward-action %q, routes.go says %q", rt.Pattern, op.action, rt.Action)
		}
	}
	for k := range spec {
		if !served[k] {
			t.Errorf("%s: in api/openapi.yaml but not in routes.go", k)
		}
	}
}
