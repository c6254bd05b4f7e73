package httpapi

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/api"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"github.com/prometheus/client_golang/prometheus"
)

// TestRouteActions checks that every authenticated route names a catalog
// action, and the same one api/openapi.yaml gives its operation.
func TestRouteActions(t *testing.T) {
	s := &server{}
	s.routes(http.NewServeMux(), prometheus.NewRegistry())
	cat := policy.DefaultCatalog()
	spec := specActions(t, string(api.Spec))
	for _, rt := range s.table {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if !strings.HasPrefix(path, "/v2/") || path == "/v2/openapi.yaml" {
			continue
		}
		if rt.Access == AccessPublic {
			if rt.Action != "" {
				if _, ok := cat.Lookup(rt.Action); !ok {
					t.Errorf("%s: action %q is not in the catalog", rt.Pattern, rt.Action)
				}
			}
			continue // public: needs no action; api/openapi_test.go pins its operation
		}
		if _, ok := authz.SelfAction(rt.Action); rt.Access == AccessSelf && !ok {
			t.Errorf("%s: a self route whose action %q the engine's self layer does not grant", rt.Pattern, rt.Action)
		}
		if _, ok := cat.Lookup(rt.Action); !ok {
			t.Errorf("%s: action %q is not in the catalog", rt.Pattern, rt.Action)
		}
		got, ok := spec[strings.ToLower(method)+" "+path]
		if !ok {
			t.Errorf("%s: no operation in api/openapi.yaml", rt.Pattern)
			continue
		}
		if got != rt.Action {
			t.Errorf("%s: api/openapi.yaml says x-keyward-action %q, routes.go says %q", rt.Pattern, got, rt.Action)
		}
	}
}

var (
	specPath   = regexp.MustCompile(`^  (/v2/\S*):\s*$`)
	specMethod = regexp.MustCompile(`^    (get|put|post|delete|patch):\s*$`)
	specAction = regexp.MustCompile(`^      x-keyward-action:\s*(\S+)\s*$`)
)

// specActions reads "method path" → x-keyward-action from the spec's
// indentation, which api/openapi_test.go keeps valid.
func specActions(t *testing.T, spec string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var path, method string
	for _, line := range strings.Split(spec, "\n") {
		if m := specPath.FindStringSubmatch(line); m != nil {
			path, method = m[1], ""
		} else if m := specMethod.FindStringSubmatch(line); m != nil && path != "" {
			method = m[1]
		} else if m := specAction.FindStringSubmatch(line); m != nil && method != "" {
			out[method+" "+path] = m[1]
		}
	}
	if len(out) == 0 {
		t.Fatal("found no x-keyward-action in api/openapi.yaml")
	}
	return out
}
