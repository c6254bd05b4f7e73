package authz

import (
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// Paths is what reaches one user or group of a snapshot, path by path, as
// the listings of its roles and policies show it: each live role bound to
// it, one per binding, and each live policy attached to it or to those
// roles, one per path. It is read from the edges that decide, so a listing
// shows what the engine evaluates (for a user, the policies of its
// inputs, less those of its legacy ACLs, overrides and trusts, and the
// documents built-in and grid-defined roles generate, which are not
// policies).
//
// Roles list the principal's own bindings, then, for a user, those of each
// of its groups. Policies list those attached to the principal, then to
// each of its groups, then those of the roles in the order of Roles.
// Bindings and attachments are in the order they were made, a user's
// groups in id order: the store's order of each.
type Paths struct {
	Roles    []RoleVia
	Policies []PolicyVia
}

// RoleVia is one binding of a live role that reaches a principal.
type RoleVia struct {
	// Role is the role; a built-in role's carries only its id, name,
	// description and type.
	Role *keyward.Role
	// Group is, for a user, the group the role is bound to; "" for the
	// principal's own binding. Via is the path: Direct or "group:<name>".
	Group keyward.GroupID
	Via   string
	// Project is the project the binding is confined to; "" for the whole
	// organization.
	Project string
	// Policies are the live policies attached to the role, in the order
	// they were attached.
	Policies []keyward.PolicyID
}

// PolicyVia is one path by which a live policy reaches a principal.
type PolicyVia struct {
	ID      keyward.PolicyID
	Managed bool
	// Role is the role the policy comes through; "" for one attached to
	// the principal or its group.
	Role keyward.RoleID
	// Via is the path, as decisions name it, from the principal: Direct,
	// "group:<name>", "role:<name>" or "group:<name> → role:<name>".
	// Through a binding confined to Project, decisions name it Via +
	// " @ project:<id>".
	Via     string
	Project string
}

// Direct is the path of what is attached or bound to a principal itself.
const Direct = "direct"

// Reach returns the paths by which roles and policies reach the user id.
// An unknown id is CodeNotFound.
func (s *Snapshot) Reach(id keyward.UserID) (*Paths, error) {
	u := s.users.get(id)
	if u == nil {
		return nil, keyward.Errorf(keyward.CodeNotFound, "User not found.")
	}
	groups := slices.Clone(u.groups)
	slices.SortFunc(groups, func(a, b *groupNode) int { return strings.Compare(string(a.group.ID), string(b.group.ID)) })
	return s.pathsOf(u.attached, u.bindings, groups), nil
}

// GroupReach returns the paths by which roles and policies reach the
// group id itself, which its members hold through it. An unknown id is
// CodeNotFound.
func (s *Snapshot) GroupReach(id keyward.GroupID) (*Paths, error) {
	g := s.groups[id]
	if g == nil {
		return nil, keyward.Errorf(keyward.CodeNotFound, "Group not found.")
	}
	return s.pathsOf(g.attached, g.bindings, nil), nil
}

// pathsOf walks a principal's own attachments and bindings and those of
// its groups.
func (s *Snapshot) pathsOf(attached []keyward.PolicyID, bindings []binding, groups []*groupNode) *Paths {
	p := &Paths{Roles: []RoleVia{}, Policies: []PolicyVia{}}
	attach := func(ids []keyward.PolicyID, role keyward.RoleID, via, project string) {
		for _, n := range s.attachedPolicies(ids) {
			p.Policies = append(p.Policies, PolicyVia{ID: n.id, Managed: s.managed(n.id), Role: role, Via: via, Project: project})
		}
	}
	attach(attached, "", Direct, "")
	for _, g := range groups {
		attach(g.attached, "", g.via, "")
	}
	// vias are the paths of the roles' policies, by index in p.Roles.
	var vias []string
	bind := func(bs []binding, g *groupNode) {
		for _, b := range bs {
			r := s.boundRole(b)
			if r == nil {
				continue
			}
			rv := RoleVia{Role: r.role, Via: Direct, Project: b.project}
			via := r.via
			if g != nil {
				rv.Group, rv.Via, via = g.group.ID, g.via, g.via+" → "+r.via
			}
			for _, n := range s.attachedPolicies(r.attached) {
				rv.Policies = append(rv.Policies, n.id)
			}
			p.Roles, vias = append(p.Roles, rv), append(vias, via)
		}
	}
	bind(bindings, nil)
	for _, g := range groups {
		bind(g.bindings, g)
	}
	for i, r := range p.Roles {
		attach(r.Policies, r.Role.ID, vias[i], r.Project)
	}
	return p
}

// managed reports whether the policy id is a managed one: any the
// snapshot does not hold as a custom policy.
func (s *Snapshot) managed(id keyward.PolicyID) bool {
	return s.policies[id] == nil
}
