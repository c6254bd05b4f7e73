package httpapi_test

import (
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
)

// unthrottled names the public routes that no throttle guards, and why
// none is needed: they check no secret that could be guessed and make
// the server do no costly work. A bearer secret of keyward's (SCIM
// tokens, OIDC client secrets, codes, refresh and access tokens) is 256
// random bits checked by SHA-256 against one row, as an API key is.
var unthrottled = map[string]string{
	"GET /healthz":         "no secret; answers from memory",
	"GET /readyz":          "no secret; one ping of the database",
	"GET /metrics":         "no secret; answers from memory",
	"GET /v2/openapi.yaml": "no secret; a static document",
	"GET /v2/auth/saml/{organization_id}/metadata":                "no secret; the stored provider's SP metadata",
	"GET /scim/v2/{organization_id}/":                             "SCIM token: unguessable bearer",
	"POST /scim/v2/{organization_id}/":                            "SCIM token: unguessable bearer",
	"PUT /scim/v2/{organization_id}/":                             "SCIM token: unguessable bearer",
	"PATCH /scim/v2/{organization_id}/":                           "SCIM token: unguessable bearer",
	"DELETE /scim/v2/{organization_id}/":                          "SCIM token: unguessable bearer",
	"GET /v2/oidc/{provider_id}/.well-known/openid-configuration": "no secret; a public document",
	"GET /v2/oidc/{provider_id}/.well-known/jwks.json":            "no secret; the public keys",
	"POST /v2/oidc/{provider_id}/oauth/token":                     "client secret, code, refresh token: unguessable",
	"GET /v2/oidc/{provider_id}/oauth/userinfo":                   "access token: unguessable bearer",
	"POST /v2/oidc/{provider_id}/oauth/userinfo":                  "access token: unguessable bearer",
	"POST /v2/oidc/{provider_id}/oauth/revoke":                    "client secret, token: unguessable",
}

// TestEveryPublicRouteThrottledOrExempt: every public route of the route
// table is driven by a row of the burst table (TestEveryThrottleUnderABurst)
// or says in unthrottled why it needs no throttle, so that no public route
// is added without a thought for guessing and bursts; and neither list
// names a route the table does not have.
func TestEveryPublicRouteThrottledOrExempt(t *testing.T) {
	routes := map[string]httpapi.Access{}
	for _, rt := range httpapi.Routes() {
		routes[rt.Pattern] = rt.Access
	}
	throttled := map[string]bool{}
	for _, tt := range throttles {
		if tt.route == "" {
			continue // a console page
		}
		if _, ok := routes[tt.route]; !ok {
			t.Errorf("burst row %q names %q, which is not in the route table", tt.name, tt.route)
		}
		throttled[tt.route] = true
	}
	for pattern, why := range unthrottled {
		if access, ok := routes[pattern]; !ok || access != httpapi.AccessPublic {
			t.Errorf("unthrottled names %q (%s), which is not a public route of the table", pattern, why)
		}
		if throttled[pattern] {
			t.Errorf("%q is both throttled and exempt", pattern)
		}
	}
	for pattern, access := range routes {
		if access == httpapi.AccessPublic && !throttled[pattern] && unthrottled[pattern] == "" {
			t.Errorf("public route %q: no burst row drives its throttle, and unthrottled does not say why it needs none", pattern)
		}
	}
}
