package httpapi_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
)

// The tests of this file hold keyward to "never reveal whether something
// exists in another organization": whatever a caller of one organization
// names of another's (in a path, a body or a query), the answer is the
// answer about an id that never existed, byte for byte once the id itself
// is set aside.

// idSet is one set of ids a probe sends: the first, of objects that never
// existed, sets the answer every other set must get.
type idSet struct {
	name string
	objs objects
}

// idSets are the sets of the isolation tests, never-existed first, then
// A's deleted and live objects, then any more.
func idSets(never, gone, live objects, more ...idSet) []idSet {
	return append([]idSet{{"never existed", never}, {"deleted in A", gone}, {"live in A", live}}, more...)
}

// objectSets makes A's objects and returns them: live ones, deleted ones
// (one of each kind that can be deleted), and ids of the same kinds that
// never named anything.
func (a *api) objectSets(t *testing.T) (live, gone, never objects) {
	t.Helper()
	live, _ = a.makeObjects(t)
	gone = a.deletedObjects(t)
	return live, gone, neverObjects(live)
}

// neverObjects returns, for every kind objs holds, a well-formed id that
// never named anything (what a guesser would send), one of its own for
// each kind so that a message naming one is told from one naming another.
func neverObjects(objs objects) objects {
	never := objects{}
	for i, k := range slices.Sorted(maps.Keys(objs)) {
		nowhere := fmt.Sprintf("0193a000-0000-7000-8000-%012x", 0xdead00+i)
		switch k {
		case "session_token":
			never[k] = "kwr_" + nowhere + "_" + strings.Repeat("a", 64)
		case "action_name", "role", "map_id":
			never[k] = objs[k] // the catalog's, the same in every organization
		default:
			never[k] = nowhere
		}
	}
	return never
}

// deletedObjects makes a set of objects of makeObjects in the bootstrap
// organization (and an organization of its own) and deletes every one that
// can be deleted; it returns the ids of those deleted, for the kinds that
// can be.
func (a *api) deletedObjects(t *testing.T) objects {
	t.Helper()
	objs, _ := a.makeObjectsAs(t, a.root, a.orgID, "gone", "0193a000-0000-7000-8000-00000000f0ff")
	var org struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"Gone"}`, http.StatusCreated, &org)
	objs["organization_id"] = org.ID
	for _, p := range []string{
		"/v2/organizations/{organization_id}",
		"/v2/assumed-roles/{session_token}",
		"/v2/role-trusts/{trust_id}",
		"/v2/users/{user_id}/api-keys/{key_id}",
		"/v2/scim-tokens/{token_id}",
		"/v2/invitation/{invitation_id}",
		"/v2/resources/{resource_id}",
		"/v2/projects/{project_id}",
		"/v2/oidc/provider/{provider_id}",
		"/v2/oidc/issuer/{issuer_id}",
		"/v2/policies/{policy_id}",
		"/v2/roles/{role_id}",
		"/v2/roles/{assumable_role_id}",
		"/v2/groups/{group_id}",
		"/v2/users/{user_id}",
	} {
		a.do("DELETE", objs.path(t, p), a.root, "", http.StatusNoContent, nil)
	}
	// An OIDC token cannot be deleted (it expires); the catalog's names are
	// no organization's.
	for _, k := range []string{"token_id", "action_name", "role", "map_id"} {
		delete(objs, k)
	}
	return objs
}

// orgB is another organization than the bootstrap one, with its own set
// of objects and three of its members: its root owner (an account that is
// also A's), an administrator (AdministratorAccess, with a password) and a
// member with no policy, both members of B only.
type orgB struct {
	objs               objects
	bob                string // the user of objs
	root, admin, plain string // keys
	// The administrator's other credentials: a login session, and a key
	// narrowed to compute.instance.Read.
	login, narrowed string
}

// stranger makes organization B, owned by the root owner's account.
func (a *api) stranger(t *testing.T) orgB {
	t.Helper()
	org, root := a.otherOrg("B")
	b := orgB{root: root}
	b.objs, b.bob = a.makeObjectsAs(t, root, org, "b", "0193a000-0000-7000-8000-00000000b00d")
	var adminID string
	adminID, b.admin = a.createUserWith(root, `{"email":"mallory@example.com","name":"Mallory","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+policyID("AdministratorAccess")+"/users/"+adminID, root, "", http.StatusNoContent, nil)
	_, b.plain = a.createUserWith(root, `{"email":"pat@example.com","name":"Pat","api_enabled":true}`)
	a.do("PUT", "/v2/users/"+adminID+"/password", root, `{"password":"`+malloryPassword+`"}`, http.StatusNoContent, nil)
	b.login = a.login("mallory@example.com", malloryPassword, org, http.StatusCreated)
	b.narrowed = a.mintKeyAs(root, adminID, `{"name":"narrow","policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}}`, http.StatusCreated)
	return b
}

// stsRequestID is the request id of an STS answer (XML), different on
// every answer.
var stsRequestID = regexp.MustCompile(`<RequestId>[^<]*</RequestId>`)

// answer is a response reduced to what may not depend on which id was
// sent: its status, its headers but those that differ on every response
// and its body, with each id sent replaced by a placeholder and the
// request id dropped.
type answer struct {
	Status int
	Header string
	Body   string
}

// ask sends the request, with no credential if token is "", and returns
// its answer; sent maps each id the request carries to the placeholder
// that stands for it.
func (a *api) ask(method, path, token, body string, sent map[string]string) answer {
	a.t.Helper()
	header := map[string]string{}
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	return a.askWith(method, path, body, header, sent)
}

// askWith is ask with the request's headers given whole. An STS answer
// (XML) loses its request id too.
func (a *api) askWith(method, path, body string, header, sent map[string]string) answer {
	a.t.Helper()
	res, b := a.send(method, path, body, header, 0)
	delete(sent, "") // no id: nothing to set aside
	s := string(b)
	for id, placeholder := range sent {
		s = strings.ReplaceAll(s, id, placeholder)
	}
	var v map[string]any
	if json.Unmarshal([]byte(s), &v) == nil {
		delete(v, "request_id")
		n, _ := json.Marshal(v)
		s = string(n)
	}
	s = stsRequestID.ReplaceAllString(s, "")
	var h []string
	for k, vs := range res.Header {
		switch k {
		case "Date", "X-Request-Id", "Content-Length":
			continue
		}
		for _, v := range vs {
			for id, placeholder := range sent {
				v = strings.ReplaceAll(v, id, placeholder)
			}
			h = append(h, k+": "+v)
		}
	}
	slices.Sort(h)
	return answer{res.StatusCode, strings.Join(h, "\n"), s}
}

// pathRoutes returns the authenticated routes whose path names an object
// of an organization. Left out: the catalog's routes (the same for every
// organization), the public ones (TestPublicPathsRevealNothing), SCIM's
// (SCIM tokens only; TestSCIMIDsRevealNothing) and the deployment's (they
// reach every organization by design; fleet_test).
func pathRoutes() []httpapi.Route {
	var out []httpapi.Route
	for _, rt := range httpapi.Routes() {
		_, path, _ := strings.Cut(rt.Pattern, " ")
		switch {
		case !strings.Contains(path, "{"), rt.Access == httpapi.AccessPublic,
			strings.HasPrefix(path, "/scim/"), strings.HasPrefix(path, "/v2/fleet/"),
			strings.Contains(path, "{map_id}"), strings.Contains(path, "{action_name}"):
			continue
		}
		out = append(out, rt)
	}
	return out
}

// TestPathIDsRevealNothing calls every route that names an object in its
// path, as members of organization B, with the ids of A's live objects, of
// A's deleted ones and of ones that never existed, and requires the same
// answer to all three: the same status and the same body once the id is
// set aside. The callers are B's administrator (a 404 whatever the id),
// with its key and its login session, a key of it narrowed to
// compute.instance.Read, a member of B with no policy and a role session
// of B whose role has none (refused alike whatever the id); for a
// path with two ids, B's administrator also names B's own first object
// and A's (or nobody's) second, and on a PUT it also sends a stale
// If-Match. An organization suspended by the operator is one that never
// was, too.
func TestPathIDsRevealNothing(t *testing.T) {
	a := newAPI(t)
	live, gone, never := a.objectSets(t)
	b := a.stranger(t)
	own := b.objs
	suspended := maps.Clone(never)
	suspended["organization_id"] = a.suspendedOrg(t)
	sets := idSets(never, gone, live, idSet{"suspended organization", suspended})

	for _, rt := range pathRoutes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		parts := strings.Split(path, "/")
		var params []int
		for i, p := range parts {
			if strings.HasPrefix(p, "{") {
				params = append(params, i)
			}
		}
		body := bodyFor(rt.Pattern, method, b.bob, own["policy_id"])
		// fill names each parameter from the set of its index's choice,
		// and says which placeholder stands for each id it put in.
		fill := func(pick func(i int) objects) (string, map[string]string, bool) {
			p := slices.Clone(parts)
			sent := map[string]string{}
			for _, i := range params {
				id, ok := pick(i).id(parts, i)
				if !ok {
					return "", nil, false
				}
				p[i] = id
				if pick(i)["organization_id"] != own["organization_id"] {
					sent[id] = parts[i]
				}
			}
			return strings.Join(p, "/") + queries[rt.Pattern], sent, true
		}
		type probe struct {
			caller, token string
			pick          func(set objects) func(i int) objects
			ifMatch       string
		}
		all := func(set objects) func(int) objects { return func(int) objects { return set } }
		probes := []probe{
			{"admin", b.admin, all, ""},
			{"no policy", b.plain, all, ""},
			{"role session", own["session_token"], all, ""},
			{"login session", b.login, all, ""},
			{"narrowed key", b.narrowed, all, ""},
		}
		if method == "PUT" {
			// A stale version is not checked before the object is found.
			probes = append(probes, probe{"admin, stale If-Match", b.admin, all, `"999"`})
		}
		if len(params) > 1 {
			last := params[len(params)-1]
			probes = append(probes, probe{"admin, own first object", b.admin, func(set objects) func(int) objects {
				return func(i int) objects {
					if i == last {
						return set
					}
					return own
				}
			}, ""})
		}
		for _, pr := range probes {
			t.Run(pr.caller+"/"+rt.Pattern, func(t *testing.T) {
				a := a.in(t)
				var want answer
				for n, set := range sets {
					p, sent, ok := fill(pr.pick(set.objs))
					if !ok {
						continue // a kind that cannot be deleted
					}
					header := map[string]string{"Authorization": "Bearer " + pr.token}
					if pr.ifMatch != "" {
						header["If-Match"] = pr.ifMatch
					}
					got := a.askWith(method, p, body, header, sent)
					if n == 0 {
						want = got
						if got.Status < 400 {
							t.Errorf("%s %s: %d %s, want a refusal", set.name, p, got.Status, got.Body)
						}
						continue
					}
					if got != want {
						t.Errorf("%s: %+v\nnever existed: %+v", set.name, got, want)
					}
				}
			})
		}
	}
}

// revision returns the revision of token's organization, which every
// change moves.
func (a *api) revision(token string) int64 {
	a.t.Helper()
	var out struct{ Revision int64 }
	a.do("POST", "/v2/authorize", token, `{"action":"compute.instance.List"}`, http.StatusOK, &out)
	return out.Revision
}

// TestPublicPathsRevealNothing calls every public route that names an
// organization (signing in through its identity provider, its SAML
// metadata and ACS, its SCIM endpoint) with A's id, a deleted
// organization's, a suspended one's and one that never was, with no
// credential and, for SCIM, with B's SCIM token, and requires the same
// answer: A signs in with passwords, so to the world it is an
// organization without SSO, whether it exists or not. A live OIDC
// provider's routes are public by design (its id is the client id its
// sign-in pages show), but a deleted one is one that never was.
func TestPublicPathsRevealNothing(t *testing.T) {
	a := newAPI(t)
	live, gone, never := a.objectSets(t)
	b := a.stranger(t)
	suspended := objects{"organization_id": a.suspendedOrg(t)}
	a.do("PUT", "/v2/fleet/organizations/"+b.objs["organization_id"]+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	_, scimToken := a.scimToken(b.root)
	for _, rt := range httpapi.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if rt.Access != httpapi.AccessPublic || !strings.Contains(path, "{") {
			continue
		}
		sets := []objects{never, gone, live, suspended}
		if strings.Contains(path, "{provider_id}") {
			sets = []objects{never, gone} // a live one is public
		}
		if strings.HasSuffix(path, "/") {
			path += "Users" // SCIM's subtree
		}
		tokens := []string{""}
		if strings.HasPrefix(path, "/scim/") {
			tokens = append(tokens, scimToken)
		}
		for _, token := range tokens {
			name := rt.Pattern
			if token != "" {
				name += " with B's SCIM token"
			}
			t.Run(name, func(t *testing.T) {
				a := a.in(t)
				var want answer
				for n, set := range sets {
					p := set.path(t, path)
					sent := map[string]string{}
					for _, k := range []string{"organization_id", "provider_id"} {
						if set[k] != "" {
							sent[set[k]] = "{" + k + "}"
						}
					}
					got := a.ask(method, p, token, "", sent)
					if n == 0 {
						want = got
						continue
					}
					if got != want {
						t.Errorf("%s: %+v\nnever existed: %+v", p, got, want)
					}
				}
			})
		}
	}
}

// suspendedOrg returns a new organization that the deployment's operator
// suspended.
func (a *api) suspendedOrg(t *testing.T) string {
	t.Helper()
	var org struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"Suspended"}`, http.StatusCreated, &org)
	a.do("POST", "/v2/fleet/organizations/"+org.ID+"/suspend", a.root, "", 0, nil)
	return org.ID
}
