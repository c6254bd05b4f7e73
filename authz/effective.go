package authz

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// Access is a principal's effective access: the policies that reach it,
// each with every path it comes through, and what they allow and deny per
// resource scope.
type Access struct {
	UserID   keyward.UserID `json:"user_id"`
	Revision int64          `json:"revision"`
	Layer    string         `json:"layer"` // LayerRootOwner, LayerPrincipal or LayerPolicy
	Reason   string         `json:"reason"`
	Policies []PolicyPath   `json:"policies"`
	Scopes   []Scope        `json:"scopes"`
	// Overrides are the projects where an override replaces what the
	// principal holds through roles: there, the Replaced paths grant
	// nothing, whatever the scopes above say, and only the override's
	// policy (listed in Scopes under the project) and the policies that do
	// not come from roles apply.
	Overrides   []OverrideScope     `json:"overrides"`
	Diagnostics []policy.Diagnostic `json:"diagnostics,omitempty"`
}

// OverrideScope is one project where an override replaces the principal's
// role-derived permissions.
type OverrideScope struct {
	ProjectID string   `json:"project_id"`
	Policy    string   `json:"policy"`   // the override's policy, as it is named in Policies
	Replaced  []string `json:"replaced"` // the via paths of the role-derived policies that do not apply there
}

// PolicyPath is one policy of a principal and the paths it comes through
// ("direct", "acl:billing", "group:ops", "role:deployer",
// "group:ops → role:deployer").
type PolicyPath struct {
	ID      keyward.PolicyID `json:"id"`
	Name    string           `json:"name"`
	Managed bool             `json:"is_system_policy"`
	Via     []string         `json:"via"`
}

// Scope is what a principal's statements say about one resource reference
// ("*", the org id, a project id or a resource id, as written in the
// statements). Allowed and Denied are action patterns of statements without
// conditions; the Conditional lists hold those of statements with
// conditions, which apply only to requests that meet them. A denied pattern
// overrides an allowed one wherever both match.
type Scope struct {
	Resource           string   `json:"resource"`
	Allowed            []string `json:"allowed"`
	Denied             []string `json:"denied"`
	ConditionalAllowed []string `json:"conditional_allowed"`
	ConditionalDenied  []string `json:"conditional_denied"`
}

// EffectiveAccess returns the effective access of the user id. An unknown
// id is CodeNotFound.
func (s *Snapshot) EffectiveAccess(id keyward.UserID) (*Access, error) {
	u := s.users.get(id)
	if u == nil {
		return nil, keyward.Errorf(keyward.CodeNotFound, "User not found.")
	}
	acc := &Access{UserID: id, Revision: s.Revision, Layer: LayerPolicy, Policies: []PolicyPath{}, Scopes: []Scope{}, Overrides: s.overrideScopes(u)}
	c := s.orgSet(u)
	acc.Diagnostics = c.set.Diagnostics()
	inputs := s.allInputs(u, c)
	byID := map[string]int{}
	for _, in := range inputs {
		i, ok := byID[in.ID]
		if !ok {
			i = len(acc.Policies)
			byID[in.ID] = i
			acc.Policies = append(acc.Policies, PolicyPath{ID: keyward.PolicyID(in.ID), Name: in.Name, Managed: s.managed(keyward.PolicyID(in.ID))})
		}
		if !slices.Contains(acc.Policies[i].Via, in.Via) {
			acc.Policies[i].Via = append(acc.Policies[i].Via, in.Via)
		}
	}
	switch {
	case u.user.Status != keyward.StatusActive:
		acc.Layer, acc.Reason = LayerPrincipal, "the principal is suspended: it may do nothing until it is unsuspended"
		return acc, nil
	case u.user.Kind() == keyward.KindRootOwner:
		acc.Layer, acc.Reason = LayerRootOwner, "the root owner may perform every action, whatever its policies"
		acc.Scopes = append(acc.Scopes, Scope{Resource: "*", Allowed: []string{"*"}, Denied: []string{}, ConditionalAllowed: []string{}, ConditionalDenied: []string{}})
		return acc, nil
	}
	acc.Reason = "the principal's policies decide; an explicit deny wins and the default is deny"
	scopes := map[string]*Scope{}
	for _, in := range inputs {
		if in.Doc == nil {
			continue
		}
		for _, st := range in.Doc.Statement {
			for _, res := range st.Resource {
				// A project binding's "everything" is everything in
				// its project.
				if in.project != "" && (res == "*" || strings.EqualFold(res, string(s.Org))) {
					res = in.project
				}
				sc := scopes[res]
				if sc == nil {
					sc = &Scope{Resource: res}
					scopes[res] = sc
				}
				list := &sc.Allowed
				switch {
				case st.Effect == policy.EffectDeny && len(st.Condition) > 0:
					list = &sc.ConditionalDenied
				case st.Effect == policy.EffectDeny:
					list = &sc.Denied
				case len(st.Condition) > 0:
					list = &sc.ConditionalAllowed
				}
				*list = append(*list, st.Action...)
			}
		}
	}
	for _, sc := range scopes {
		for _, l := range []*[]string{&sc.Allowed, &sc.Denied, &sc.ConditionalAllowed, &sc.ConditionalDenied} {
			if *l == nil {
				*l = []string{}
			}
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
		acc.Scopes = append(acc.Scopes, *sc)
	}
	sort.Slice(acc.Scopes, func(i, j int) bool { return scopeLess(acc.Scopes[i].Resource, acc.Scopes[j].Resource) })
	return acc, nil
}

// scopedInput is a policy of a principal and the project it is confined
// to ("" for none).
type scopedInput struct {
	policy.Input
	project string
}

// orgSet returns u's org-wide set with every automatic trust of u, whatever
// its conditions and expiry, which only a request's time and address
// decide (trust.go): what effective access lists.
func (s *Snapshot) orgSet(u *userNode) *compiled {
	return s.withTrusts(u, "", s.compiled(u), s.autoTrusts(u, policy.Context{}, true))
}

// allInputs returns u's org-wide policies (org, from orgSet) and, after
// them, those of its project bindings, each confined to its project,
// projects in order.
func (s *Snapshot) allInputs(u *userNode, org *compiled) []scopedInput {
	var out []scopedInput
	for _, in := range org.inputs {
		out = append(out, scopedInput{Input: in})
	}
	var projects []string
	for p := range u.projects {
		projects = append(projects, p)
	}
	for _, g := range u.groups {
		for p := range g.projects {
			projects = append(projects, p)
		}
	}
	slices.Sort(projects)
	for _, p := range slices.Compact(projects) {
		for _, in := range s.projectInputs(u, p) {
			out = append(out, scopedInput{Input: in, project: p})
		}
	}
	// Overrides, each confined to its project, where it replaces what the
	// roles above grant.
	overrides := u.overrides
	for _, p := range slices.Sorted(maps.Keys(overrides)) {
		o := overrides[p]
		out = append(out, scopedInput{Input: policy.Input{ID: string(o.id), Name: o.name, Via: overrideVia(p), Doc: o.doc}, project: p})
	}
	return out
}

// scopeLess orders "*" first, then the rest by id.
func scopeLess(a, b string) bool {
	if (a == "*") != (b == "*") {
		return a == "*"
	}
	return a < b
}

// Grantee is a principal that may perform an action, and why.
type Grantee struct {
	User  *keyward.User
	Layer string
	// Via lists the paths of the Allow statements that grant the action.
	Via []string
}

// WhoCan returns the members that may perform r's action on r's resource
// (r.Principal is ignored), by id (the graph's order): the root owner and every
// active member whose policies allow it.
func (s *Snapshot) WhoCan(r Request) []Grantee {
	out := []Grantee{}
	for _, id := range s.memberIDs() {
		u := s.users.get(id)
		r.Principal = id
		d, layer := s.Decide(&r)
		if !d.Allowed() {
			continue
		}
		g := Grantee{User: u.user, Layer: layer, Via: []string{}}
		if layer == LayerPolicy {
			for _, st := range s.Explain(&r).Statements {
				if st.Applied && st.Effect == policy.EffectAllow && !slices.Contains(g.Via, st.Via) {
					g.Via = append(g.Via, st.Via)
				}
			}
		}
		out = append(out, g)
	}
	return out
}

// overrideScopes lists u's overrides, each with the role-derived paths it
// replaces in its project.
func (s *Snapshot) overrideScopes(u *userNode) []OverrideScope {
	out := []OverrideScope{}
	overrides := u.overrides
	for _, p := range slices.Sorted(maps.Keys(overrides)) {
		o := OverrideScope{ProjectID: p, Policy: overrides[p].name, Replaced: []string{}}
		for _, in := range append(s.roleDerivedInputs(u), s.projectInputs(u, p)...) {
			if !slices.Contains(o.Replaced, in.Via) {
				o.Replaced = append(o.Replaced, in.Via)
			}
		}
		out = append(out, o)
	}
	return out
}
