package httpapi_test

import (
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	keywardapi "github.com/keyward-iam/keyward/api"
)

// idRequest is a request that names objects in its body or query. Its
// path and body say {a.KEY} where the object under test goes (one of A's,
// a deleted one or one that never was) and {b.KEY} for the caller's own
// organization's objects, which keep the rest of the request valid.
type idRequest struct {
	fields []string // the operation and fields of api/openapi.yaml it sends an {a.KEY} in
	caller string   // "admin" (B's administrator), "root" (B's root owner) or "public" (no credential)
	method string
	path   string
	body   string
}

// idRequests name, for every field of a request that names an object,
// another organization's object in it. A field of the spec whose name ends
// in _id or _ids is either here or in notObjectIDs
// (TestIDRequestsCoverTheSpec).
var idRequests = []idRequest{
	{[]string{"POST /v2/assumed-roles/assume .role_id"}, "admin", "POST", "/v2/assumed-roles/assume",
		`{"role_id":"{a.assumable_role_id}","session_name":"s","duration":900}`},
	{[]string{"POST /v2/assumed-roles/assume .user_id"}, "admin", "POST", "/v2/assumed-roles/assume",
		`{"user_id":"{a.user_id}","role_id":"{b.assumable_role_id}","session_name":"s","duration":900}`},
	{[]string{"POST /v2/assumed-roles/assume-with-web-identity .organization_id"}, "public", "POST", "/v2/assumed-roles/assume-with-web-identity",
		`{"organization_id":"{a.organization_id}","role_id":"{b.assumable_role_id}","web_identity_token":"` + fakeJWT + `","session_name":"s","duration":900}`},
	{[]string{"POST /v2/assumed-roles/assume-with-web-identity .role_id"}, "public", "POST", "/v2/assumed-roles/assume-with-web-identity",
		`{"organization_id":"{b.organization_id}","role_id":"{a.assumable_role_id}","web_identity_token":"` + fakeJWT + `","session_name":"s","duration":900}`},
	{[]string{"POST /v2/assumed-roles/assume-with-web-identity .organization_id", "POST /v2/assumed-roles/assume-with-web-identity .role_id"}, "public", "POST", "/v2/assumed-roles/assume-with-web-identity",
		`{"organization_id":"{a.organization_id}","role_id":"{a.assumable_role_id}","web_identity_token":"` + fakeJWT + `","session_name":"s","duration":900}`},
	{[]string{"POST /v2/assumed-roles/assume-with-web-identity .organization_id", "POST /v2/assumed-roles/assume-with-web-identity .role_id"}, "public", "POST", "/v2/assumed-roles/assume-with-web-identity",
		`{"organization_id":"{a.organization_id}","role_id":"{a.assumable_role_id}","web_identity_token":"not-a-jwt","session_name":"s","duration":900}`},
	{[]string{"POST /v2/auth/login .organization_id"}, "public", "POST", "/v2/auth/login",
		`{"email":"mallory@example.com","password":"` + malloryPassword + `","organization_id":"{a.organization_id}"}`},
	{[]string{"POST /v2/authorize .principal_id"}, "admin", "POST", "/v2/authorize",
		`{"principal_id":"{a.user_id}","action":"compute.instance.List"}`},
	{[]string{"POST /v2/authorize .resource.organization_id"}, "admin", "POST", "/v2/authorize",
		`{"action":"compute.instance.List","resource":{"id":"{b.resource_id}","organization_id":"{a.organization_id}"}}`},
	{[]string{"POST /v2/authorize .resource.project_id"}, "admin", "POST", "/v2/authorize",
		`{"action":"compute.instance.List","resource":{"id":"0193a000-0000-7000-8000-00000000c0de","project_id":"{a.project_id}"}}`},
	{[]string{"POST /v2/authorize/batch .checks[].principal_id"}, "admin", "POST", "/v2/authorize/batch",
		`{"checks":[{"principal_id":"{a.user_id}","action":"compute.instance.List"}]}`},
	{[]string{"POST /v2/authorize/batch .checks[].resource.organization_id"}, "admin", "POST", "/v2/authorize/batch",
		`{"checks":[{"action":"compute.instance.List","resource":{"id":"{b.resource_id}","organization_id":"{a.organization_id}"}}]}`},
	{[]string{"POST /v2/authorize/batch .checks[].resource.project_id"}, "admin", "POST", "/v2/authorize/batch",
		`{"checks":[{"action":"compute.instance.List","resource":{"id":"0193a000-0000-7000-8000-00000000c0de","project_id":"{a.project_id}"}}]}`},
	{[]string{"POST /v2/groups/{group_id}/members .user_id"}, "admin", "POST", "/v2/groups/{b.group_id}/members",
		`{"user_id":"{a.user_id}","display_name":""}`},
	{[]string{"POST /v2/invitation .group_ids"}, "admin", "POST", "/v2/invitation",
		`{"email_invited":"zed@example.com","group_ids":["{a.group_id}"]}`},
	{[]string{"POST /v2/invitation .role_ids"}, "admin", "POST", "/v2/invitation",
		`{"email_invited":"zed@example.com","role_ids":["{a.role_id}"]}`},
	{[]string{"POST /v2/oidc/issuer/token .client_id"}, "admin", "POST", "/v2/oidc/issuer/token",
		`{"grant_type":"client_credentials","client_id":"{a.provider_id}"}`},
	{[]string{"GET /v2/oidc/authorize ?client_id"}, "admin", "GET",
		"/v2/oidc/authorize?client_id={a.provider_id}&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&response_type=code&scope=openid&state=s", ""},
	{[]string{"POST /v2/organizations/{organization_id}/transfer-ownership .user_id"}, "root", "POST", "/v2/organizations/{b.organization_id}/transfer-ownership",
		`{"user_id":"{a.user_id}"}`},
	{[]string{"POST /v2/resources .project_id"}, "admin", "POST", "/v2/resources",
		`{"id":"0193a000-0000-7000-8000-00000000c0de","type":"compute.instance","project_id":"{a.project_id}"}`},
	{[]string{"POST /v2/role-trusts .role_id"}, "admin", "POST", "/v2/role-trusts",
		`{"role_id":"{a.assumable_role_id}","trust_type":"TemporaryAssumption","trusted_user_id":"{b.user_id}"}`},
	{[]string{"POST /v2/role-trusts .trusted_user_id"}, "admin", "POST", "/v2/role-trusts",
		`{"role_id":"{b.assumable_role_id}","trust_type":"TemporaryAssumption","trusted_user_id":"{a.user_id}"}`},
	{[]string{"POST /v2/role-trusts .trusted_group_id"}, "admin", "POST", "/v2/role-trusts",
		`{"role_id":"{b.assumable_role_id}","trust_type":"TemporaryAssumption","trusted_group_id":"{a.group_id}"}`},
	{[]string{"POST /v2/role-trusts .trusted_oidc_issuer_id"}, "admin", "POST", "/v2/role-trusts",
		`{"role_id":"{b.assumable_role_id}","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"{a.issuer_id}","claim_conditions":{"sub":"x"}}`},
	{[]string{"PUT /v2/role-trusts/{trust_id} .role_id"}, "admin", "PUT", "/v2/role-trusts/{b.trust_id}",
		`{"role_id":"{a.assumable_role_id}"}`},
	{[]string{"PUT /v2/role-trusts/{trust_id} .trusted_user_id"}, "admin", "PUT", "/v2/role-trusts/{b.trust_id}",
		`{"trusted_user_id":"{a.user_id}"}`},
	{[]string{"PUT /v2/role-trusts/{trust_id} .trusted_group_id"}, "admin", "PUT", "/v2/role-trusts/{b.trust_id}",
		`{"trusted_group_id":"{a.group_id}"}`},
	{[]string{"PUT /v2/role-trusts/{trust_id} .trusted_oidc_issuer_id"}, "admin", "PUT", "/v2/role-trusts/{b.trust_id}",
		`{"trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"{a.issuer_id}","claim_conditions":{"sub":"x"}}`},
	{[]string{"POST /v2/roles/{role_id}/policies .policy_id"}, "admin", "POST", "/v2/roles/{b.role_id}/policies",
		`{"policy_id":"{a.policy_id}"}`},
	{[]string{"POST /v2/who-can .principal_id"}, "admin", "POST", "/v2/who-can",
		`{"action":"compute.instance.List","principal_id":"{a.user_id}"}`},
	{[]string{"POST /v2/who-can .resource.organization_id"}, "admin", "POST", "/v2/who-can",
		`{"action":"compute.instance.List","resource":{"id":"{b.resource_id}","organization_id":"{a.organization_id}"}}`},
	{[]string{"POST /v2/who-can .resource.project_id"}, "admin", "POST", "/v2/who-can",
		`{"action":"compute.instance.List","resource":{"id":"0193a000-0000-7000-8000-00000000c0de","project_id":"{a.project_id}"}}`},
	{[]string{"PUT /v2/organizations/{organization_id}/role-assignments .role_assignments[].identity_id"}, "admin", "PUT", "/v2/organizations/{b.organization_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{a.user_id}","identity_type":"user","role_name":"Viewer"}]}`},
	{[]string{"PUT /v2/organizations/{organization_id}/role-assignments .role_assignments[].identity_id"}, "admin", "PUT", "/v2/organizations/{b.organization_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{a.group_id}","identity_type":"group","role_name":"Viewer"}]}`},
	{[]string{"PUT /v2/organizations/{organization_id}/role-assignments .role_assignments[].role_name"}, "admin", "PUT", "/v2/organizations/{b.organization_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{b.user_id}","identity_type":"user","role_name":"{a.role_name}"}]}`},
	{[]string{"PUT /v2/projects/{project_id}/role-assignments .role_assignments[].identity_id"}, "admin", "PUT", "/v2/projects/{b.project_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{a.user_id}","identity_type":"user","role_name":"Viewer"}]}`},
	{[]string{"PUT /v2/projects/{project_id}/role-assignments .role_assignments[].identity_id"}, "admin", "PUT", "/v2/projects/{b.project_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{a.group_id}","identity_type":"group","role_name":"Viewer"}]}`},
	{[]string{"PUT /v2/projects/{project_id}/role-assignments .role_assignments[].role_name"}, "admin", "PUT", "/v2/projects/{b.project_id}/role-assignments",
		`{"role_assignments":[{"identity_id":"{b.user_id}","identity_type":"user","role_name":"{a.role_name}"}]}`},
	{[]string{"GET /v2/audit-events ?actor_id"}, "admin", "GET", "/v2/audit-events?actor_id={a.user_id}", ""},
	{[]string{"GET /v2/audit-events ?target_id"}, "admin", "GET", "/v2/audit-events?target_id={a.user_id}", ""},
	{[]string{"GET /v2/audit-events ?target_id"}, "admin", "GET", "/v2/audit-events?target_id={a.group_id}", ""},
	{[]string{"GET /v2/resources ?project_id"}, "admin", "GET", "/v2/resources?project_id={a.project_id}", ""},
}

// notObjectIDs are the fields ending in _id or _ids that name no object of
// an organization, and why.
var notObjectIDs = map[string]string{
	"PUT /v2/identity-provider .client_id":   "the OAuth client id keyward has at the organization's identity provider",
	"POST /v2/oidc/issuer .issuer.source_id": "refused whenever set (Vultr's instance issuers)",
	"POST /v2/fleet/roles .user_id":          "the deployment's routes reach every organization by design (fleet_test)",
	"GET /v2/fleet/roles ?user_id":           "the deployment's routes reach every organization by design (fleet_test)",
	"GET /v2/fleet/audit ?actor_id":          "the deployment's routes reach every organization by design (fleet_test)",
	"GET /v2/fleet/audit ?target_id":         "the deployment's routes reach every organization by design (fleet_test)",
}

// fakeJWT is a well-formed token of an issuer no organization trusts
// (https://nobody.example), signed by nobody.
const fakeJWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL25vYm9keS5leGFtcGxlIiwic3ViIjoieCIsImF1ZCI6ImtleXdhcmQifQ.c2ln"

const malloryPassword = "a seldom guessed passphrase"

// specIDFields returns every request field of api/openapi.yaml whose name
// ends in _id or _ids, as "METHOD path .body.field" or "METHOD path
// ?query"; an array's items are written [].
func specIDFields(t *testing.T) []string {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(keywardapi.Spec)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(op, prefix string, s *openapi3.SchemaRef, depth int)
	walk = func(op, prefix string, s *openapi3.SchemaRef, depth int) {
		if s == nil || s.Value == nil || depth > 8 {
			return
		}
		v := s.Value
		for _, sub := range slices.Concat(v.AllOf, v.OneOf, v.AnyOf) {
			walk(op, prefix, sub, depth+1)
		}
		if v.Items != nil {
			walk(op, prefix+"[]", v.Items, depth+1)
		}
		for name, p := range v.Properties {
			if strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_ids") {
				out = append(out, op+" "+prefix+"."+name)
			}
			walk(op, prefix+"."+name, p, depth+1)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method, o := range item.Operations() {
			op := method + " " + path
			for _, p := range slices.Concat(item.Parameters, o.Parameters) {
				if n := p.Value.Name; p.Value.In == "query" && (strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "_ids")) {
					out = append(out, op+" ?"+n)
				}
			}
			if o.RequestBody != nil {
				for _, mt := range o.RequestBody.Value.Content {
					walk(op, "", mt.Schema, 0)
				}
			}
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestIDRequestsCoverTheSpec: every request field of the spec that names
// an object is sent another organization's by idRequests, or is listed in
// notObjectIDs with the reason it names none, so a new field cannot be
// forgotten; and neither table names a field the spec lacks.
func TestIDRequestsCoverTheSpec(t *testing.T) {
	spec := specIDFields(t)
	covered := map[string]bool{}
	for _, r := range idRequests {
		for _, f := range r.fields {
			covered[f] = true
		}
	}
	for _, f := range spec {
		if !covered[f] && notObjectIDs[f] == "" {
			t.Errorf("%s names an object: send another organization's in idRequests, or say in notObjectIDs why it names none", f)
		}
	}
	for f := range notObjectIDs {
		if !slices.Contains(spec, f) {
			t.Errorf("notObjectIDs: %s is not a field of api/openapi.yaml", f)
		}
	}
	for f := range covered {
		if op, _, _ := strings.Cut(f, " ."); !slices.Contains(spec, f) && !strings.HasSuffix(f, "].role_name") {
			t.Errorf("idRequests: %s is not a field of api/openapi.yaml (operation %s)", f, op)
		}
	}
}

// TestBodyIDsRevealNothing sends every request of idRequests as a caller
// of organization B naming, where the request says {a.KEY}, an object of
// A that is live, one of A's that was deleted and one that never existed,
// and requires the same answer to the three (the same status, and the
// same body once the id is set aside), and that none of them changed A or
// B.
func TestBodyIDsRevealNothing(t *testing.T) {
	a := newAPI(t)
	live, gone, never := a.objectSets(t)
	live["role_name"], gone["role_name"], never["role_name"] = "deployer", "deployergone", "deployernever"
	b := a.stranger(t)
	own := b.objs
	own["role_name"] = "deployerb"
	// A's assumable roles trust an issuer, so that a role's web identity
	// has something to find.
	for key, objs := range map[string]objects{a.root: live, b.root: own} {
		a.do("POST", "/v2/role-trusts", key, `{"role_id":"`+objs["assumable_role_id"]+`","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"`+objs["issuer_id"]+`","claim_conditions":{"sub":"x"}}`, http.StatusCreated, nil)
	}
	// A suspended organization is one that never was, too.
	suspended := maps.Clone(never)
	suspended["organization_id"] = a.suspendedOrg(t)
	callers := map[string]string{"admin": b.admin, "root": b.root, "public": ""}
	before := map[string]int64{"A": a.revision(a.root), "B": a.revision(b.root)}

	for _, r := range idRequests {
		t.Run(r.method+" "+r.path+" "+r.body, func(t *testing.T) {
			a := a.in(t)
			var want answer
			for n, set := range idSets(never, gone, live, idSet{"suspended organization", suspended}) {
				sent := map[string]string{}
				missing := false
				fill := func(s string) string {
					for k, v := range own {
						s = strings.ReplaceAll(s, "{b."+k+"}", v)
					}
					for {
						i := strings.Index(s, "{a.")
						if i < 0 {
							return s
						}
						j := strings.Index(s[i:], "}")
						k := s[i+3 : i+j]
						v, ok := set.objs[k]
						if !ok {
							missing = true
						}
						sent[v] = "{" + k + "}"
						s = s[:i] + v + s[i+j+1:]
					}
				}
				path, body := fill(r.path), fill(r.body)
				if missing {
					continue // a kind that cannot be deleted
				}
				got := a.ask(r.method, path, callers[r.caller], body, sent)
				if n == 0 {
					want = got
					continue
				}
				if got != want {
					t.Errorf("%s: %+v\nnever existed: %+v", set.name, got, want)
				}
			}
		})
	}
	after := map[string]int64{"A": a.revision(a.root), "B": a.revision(b.root)}
	if !maps.Equal(after, before) {
		t.Errorf("revisions before %v, after %v: naming another organization's objects changed something", before, after)
	}
}
