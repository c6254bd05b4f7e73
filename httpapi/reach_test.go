package httpapi_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// reachGraph is a random organization built through the API: users,
// groups, custom policies, custom roles (one defined by a grid), projects,
// and random memberships, attachments and bindings (org-wide and in a
// project, of custom and built-in roles), then a deleted policy, role and
// group.
type reachGraph struct {
	users, groups, policies, roles, projects []string
	names                                    map[string]string // role id → name
}

func newReachGraph(a *api, rng *rand.Rand, seed uint64) *reachGraph {
	a.t.Helper()
	g := &reachGraph{names: map[string]string{}}
	for i := range 4 {
		id, _ := a.createUser(fmt.Sprintf(`{"email":"u%d-%d@example.com","name":"U%d"}`, i, seed, i))
		g.users = append(g.users, id)
	}
	for i := range 3 {
		g.groups = append(g.groups, a.postGroup(a.root, fmt.Sprintf("g%d", i)))
	}
	for i := range 4 {
		g.policies = append(g.policies, a.postPolicy(a.root, fmt.Sprintf("p%d", i), readDoc))
	}
	g.policies = append(g.policies, policyID("ComputeReadOnly"))
	for i := range 3 {
		name := fmt.Sprintf("r%d", i)
		id := a.postRole(a.root, name, "assignable")
		g.roles, g.names[id] = append(g.roles, id), name
	}
	var grid roleOut
	a.do("POST", "/v2/roles", a.root, `{"name":"gridded","role_type":"assignable","grid":{"compute_instances":["view"]}}`, http.StatusCreated, &grid)
	g.roles, g.names[grid.ID] = append(g.roles, grid.ID), "gridded"
	for i := range 2 {
		g.projects = append(g.projects, a.project(fmt.Sprintf("pr%d-%d", i, seed)))
	}
	pick := func(ids []string) string { return ids[rng.IntN(len(ids))] }
	// ok accepts a repeated edge: the random walk may draw one twice.
	ok := func(status ...int) []int { return append(status, http.StatusConflict) }
	for range 14 {
		switch rng.IntN(5) {
		case 0:
			a.doAny("POST", "/v2/groups/"+pick(g.groups)+"/members", `{"user_id":"`+pick(g.users)+`"}`, ok(http.StatusNoContent))
		case 1:
			a.doAny("POST", "/v2/policies/"+pick(g.policies)+"/users/"+pick(g.users), "", ok(http.StatusNoContent))
		case 2:
			a.doAny("POST", "/v2/policies/"+pick(g.policies)+"/groups/"+pick(g.groups), "", ok(http.StatusNoContent))
		case 3:
			a.doAny("POST", "/v2/roles/"+pick(g.roles)+"/policies/"+pick(g.policies), "", ok(http.StatusCreated))
		case 4:
			kind := []string{"users", "groups"}[rng.IntN(2)]
			target := pick(g.users)
			if kind == "groups" {
				target = pick(g.groups)
			}
			a.doAny("POST", "/v2/roles/"+pick(g.roles)+"/"+kind+"/"+target, "", ok(http.StatusCreated))
		}
	}
	for _, pr := range g.projects {
		var as []string
		for range 2 {
			kind, target := "user", pick(g.users)
			if rng.IntN(2) == 0 {
				kind, target = "group", pick(g.groups)
			}
			role := g.names[pick(g.roles)]
			if rng.IntN(4) == 0 {
				role = "Viewer"
			}
			as = append(as, fmt.Sprintf(`{"identity_id":%q,"identity_type":%q,"role_name":%q}`, target, kind, role))
		}
		if as[0] == as[1] {
			as = as[:1]
		}
		a.do("PUT", "/v2/projects/"+pr+"/role-assignments", a.root, `{"role_assignments":[`+strings.Join(as, ",")+`]}`, http.StatusOK, nil)
	}
	a.do("DELETE", "/v2/policies/"+g.policies[0], a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/roles/"+g.roles[0], a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/groups/"+g.groups[0], a.root, "", http.StatusNoContent, nil)
	g.groups = g.groups[1:]
	return g
}

// doAny sends a request and fails unless its status is one of want.
func (a *api) doAny(method, path, body string, want []int) {
	a.t.Helper()
	if got := a.raw(method, path, a.root, body); !slices.Contains(want, got) {
		a.t.Fatalf("%s %s = %d, want one of %v", method, path, got, want)
	}
}

// enginePaths returns the paths by which policies reach user in its
// effective access, as "policy-id path", leaving out what the listings do
// not list as a policy reaching it: legacy ACLs, overrides, trusts, and the
// documents built-in and grid-defined roles generate (whose id is their
// role's). A project binding's path loses its " @ project:<id>".
func enginePaths(a *api, user string, roles map[string]string) []string {
	var acc struct {
		EffectiveAccess struct {
			Policies []struct {
				ID  string   `json:"id"`
				Via []string `json:"via"`
			} `json:"policies"`
		} `json:"effective_access"`
	}
	a.do("GET", "/v2/users/"+user+"/effective-access", a.root, "", http.StatusOK, &acc)
	var out []string
	for _, p := range acc.EffectiveAccess.Policies {
		_, builtin := policy.BuiltinRoleByID(nil, p.ID)
		if _, grid := roles[p.ID]; grid || builtin {
			continue
		}
		for _, via := range p.Via {
			via, _, _ = strings.Cut(via, " @ project:")
			if !strings.HasPrefix(via, "acl:") && !strings.HasPrefix(via, "override") && !strings.HasPrefix(via, "trust") {
				out = append(out, p.ID+" "+via)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// listedPaths returns the paths of a user or group policy listing, as
// enginePaths does.
func listedPaths(ps ...[]policyOut) []string {
	var out []string
	for _, list := range ps {
		for _, p := range list {
			out = append(out, p.ID+" "+p.Source)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestReachMatchesEngine checks, on random organizations, that what the
// user and group listings say reaches a principal is what the engine
// evaluates for it: each policy path a user's listing shows is a path of
// its effective access, and the other way round; a group's listing shows
// the paths its members hold through it; and a role a user's listing
// shows brings its policies along the paths the engine names.
func TestReachMatchesEngine(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			a := newAPI(t)
			rng := rand.New(rand.NewPCG(seed, 21))
			g := newReachGraph(a, rng, seed)
			for _, u := range g.users {
				var pol userPolicies
				a.do("GET", "/v2/users/"+u+"/policies?per_page=500", a.root, "", http.StatusOK, &pol)
				got, want := listedPaths(pol.Policies.Direct, pol.Policies.Inherited), enginePaths(a, u, g.names)
				if !slices.Equal(got, want) {
					t.Errorf("user %s: listed policy paths\n%q\nengine paths\n%q", u, got, want)
				}
				var roles userRoles
				a.do("GET", "/v2/users/"+u+"/roles?per_page=500", a.root, "", http.StatusOK, &roles)
				var viaRoles []string
				for _, r := range append(roles.Roles.Direct, roles.Roles.Inherited...) {
					source, _, _ := strings.Cut(r.Source, " in project:")
					for _, p := range r.Policies {
						path := "role:" + r.Name
						if source != "direct" {
							path = source + " → " + path
						}
						viaRoles = append(viaRoles, p.ID+" "+path)
					}
				}
				for _, p := range want {
					if strings.Contains(p, "role:") && !slices.Contains(viaRoles, p) {
						t.Errorf("user %s: engine path %q comes through no role its listing shows (%q)", u, p, viaRoles)
					}
				}
				for _, p := range viaRoles {
					if !slices.Contains(want, p) {
						t.Errorf("user %s: listed role brings %q, which the engine does not evaluate", u, p)
					}
				}
			}
			for _, gr := range g.groups {
				var members struct {
					Members []struct {
						ID string `json:"id"`
					} `json:"members"`
				}
				a.do("GET", "/v2/groups/"+gr+"/members", a.root, "", http.StatusOK, &members)
				var gp struct {
					Policies struct {
						Direct    []policyOut `json:"direct"`
						FromRoles []policyOut `json:"from_roles"`
					} `json:"policies"`
				}
				a.do("GET", "/v2/groups/"+gr+"/policies?per_page=500", a.root, "", http.StatusOK, &gp)
				var name struct {
					Group struct {
						Name string `json:"display_name"`
					}
				}
				a.do("GET", "/v2/groups/"+gr, a.root, "", http.StatusOK, &name)
				var got []string
				for _, p := range listedPaths(gp.Policies.Direct, gp.Policies.FromRoles) {
					id, source, _ := strings.Cut(p, " ")
					if source == "direct" {
						source = "group:" + name.Group.Name
					} else {
						source = "group:" + name.Group.Name + " → " + source
					}
					got = append(got, id+" "+source)
				}
				slices.Sort(got)
				for _, m := range members.Members {
					var want []string
					for _, p := range enginePaths(a, m.ID, g.names) {
						if strings.Contains(p, " group:"+name.Group.Name) {
							want = append(want, p)
						}
					}
					if !slices.Equal(got, want) {
						t.Errorf("group %s: listed paths, as its member %s holds them,\n%q\nengine paths through it\n%q", gr, m.ID, got, want)
					}
				}
			}
		})
	}
}

// TestUserViewsGroupOrder checks that what reaches a user through its
// groups is listed in the order of the groups (their ids), as its groups
// are, not in the order it joined them.
func TestUserViewsGroupOrder(t *testing.T) {
	a := newAPI(t)
	u, _ := a.createUser(`{"email":"u@example.com","name":"U"}`)
	g1, g2 := a.postGroup(a.root, "g1"), a.postGroup(a.root, "g2")
	p := a.postPolicy(a.root, "p", readDoc)
	r := a.postRole(a.root, "r", "assignable")
	for _, g := range []string{g2, g1} {
		a.do("POST", "/v2/groups/"+g+"/members", a.root, `{"user_id":"`+u+`"}`, http.StatusNoContent, nil)
		a.do("POST", "/v2/policies/"+p+"/groups/"+g, a.root, "", http.StatusNoContent, nil)
		a.do("POST", "/v2/roles/"+r+"/groups/"+g, a.root, "", http.StatusCreated, nil)
	}
	var groups struct {
		Groups []groupOut `json:"groups"`
	}
	a.do("GET", "/v2/users/"+u+"/groups", a.root, "", http.StatusOK, &groups)
	if got := groupIDs(groups.Groups); !slices.Equal(got, []string{g1, g2}) {
		t.Fatalf("groups = %v, want g1, g2", got)
	}
	var pol userPolicies
	a.do("GET", "/v2/users/"+u+"/policies", a.root, "", http.StatusOK, &pol)
	if got, want := pathsOf(pol.Policies.Inherited), []string{"p  group:g1", "p  group:g2"}; !slices.Equal(got, want) {
		t.Errorf("inherited policies = %q, want %q", got, want)
	}
	var roles userRoles
	a.do("GET", "/v2/users/"+u+"/roles", a.root, "", http.StatusOK, &roles)
	if got, want := rolePaths(roles.Roles.Inherited), []string{"r group:g1", "r group:g2"}; !slices.Equal(got, want) {
		t.Errorf("inherited roles = %q, want %q", got, want)
	}
}
