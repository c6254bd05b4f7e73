package authz

import (
	"maps"
	"slices"

	"github.com/keyward-iam/keyward"
)

// patch returns the snapshot after the changes c, made from s: part holds
// the rows of what c touched, read at revision c.To (Tx.LoadGraphPart).
// The nodes c touched are made anew from part; so are those that lead to a
// changed node (the members of a changed group, the principals bound to a
// changed role, the roles, groups and users a changed policy is attached
// to), from the edges they already hold. Every other node, with its
// compiled sets, is shared with s. docs is the organization's document
// cache, updated in place.
//
// It relies on the store's two promises: a change to an edge (membership,
// binding, attachment, override) touches its principal, and memberships,
// bindings and attachments are read whether or not their group, role or
// policy is deleted, so a principal the change did not touch already holds
// the right edges.
func (s *Snapshot) patch(part *keyward.Graph, c *keyward.GraphChanges, docs docCache) *Snapshot {
	n := *s
	n.Revision = part.Org.Revision
	e := edgesOf(part)

	policies := setOf(c.Policies)
	if len(policies) > 0 {
		now := make(map[keyward.PolicyID]*policyNode, len(part.Policies))
		for _, p := range part.Policies {
			now[p.ID] = docs.node(n.cat, p)
		}
		for _, id := range c.Policies {
			old := s.policies[id]
			switch {
			case now[id] == old:
				// Touched only through an attachment, whose edge is its
				// target's: the same node, nothing to relink.
				delete(policies, id)
			case old != nil:
				delete(docs, docKey{id, old.version})
			}
		}
		if len(policies) > 0 {
			n.policies = maps.Clone(s.policies)
			for id := range policies {
				if p := now[id]; p != nil {
					n.policies[id] = p
				} else {
					delete(n.policies, id)
				}
			}
		}
	}

	touchedRoles, roles := setOf(c.Roles), setOf(c.Roles)
	if len(roles) > 0 || len(policies) > 0 {
		n.roles = maps.Clone(s.roles)
		for _, id := range c.Roles {
			delete(n.roles, id)
		}
		for _, r := range part.Roles {
			nr := n.newRole(n.cat, r, e)
			if old := s.roles[r.ID]; old != nil && sameRole(old, nr) && !anyIn(old.attached, policies) {
				nr = old // touched through a binding, whose edge is the principal's
				delete(roles, r.ID)
			}
			n.roles[r.ID] = nr
		}
		for id, r := range n.roles {
			if !touchedRoles[id] && anyIn(r.attached, policies) {
				nr := &roleNode{role: r.role, via: r.via, attached: r.attached, grid: r.grid, gridDoc: r.gridDoc}
				n.linkRole(nr)
				n.roles[id], roles[id] = nr, true
			}
		}
	}

	touchedGroups, groups := setOf(c.Groups), setOf(c.Groups)
	if len(groups) > 0 || len(roles) > 0 || len(policies) > 0 {
		n.groups = maps.Clone(s.groups)
		for _, id := range c.Groups {
			delete(n.groups, id)
		}
		for _, g := range part.Groups {
			ng := n.newGroup(g, e)
			if old := s.groups[g.ID]; old != nil && sameGroup(old, ng) && !bindsAny(old.bindings, roles) && !anyIn(old.attached, policies) {
				// Touched through a membership, whose edge is the member's:
				// the old node, which the members already link to, stays.
				// (Its row's member count is then stale; nothing decides by it.)
				ng = old
				delete(groups, g.ID)
			}
			n.groups[g.ID] = ng
		}
		for id, g := range n.groups {
			if !touchedGroups[id] && (bindsAny(g.bindings, roles) || anyIn(g.attached, policies)) {
				ng := &groupNode{group: g.group, via: g.via, bindings: g.bindings, attached: g.attached}
				n.linkGroup(ng)
				n.groups[id], groups[id] = ng, true
			}
		}
	}

	if len(c.Users) > 0 || len(groups) > 0 || len(roles) > 0 || len(policies) > 0 {
		n.patchUsers(s, part, c, e, groups, roles, policies)
	}

	if c.Projects {
		n.scope.projects = map[string]bool{}
		n.scope.addProjects(part.Projects)
	}
	if len(c.Resources) > 0 {
		n.scope.resources = maps.Clone(s.scope.resources)
		for _, id := range c.Resources {
			delete(n.scope.resources, lowerID(id))
		}
		n.scope.addResources(part.Resources)
	}
	if c.Trusts || len(c.Roles) > 0 {
		n.trusts = part.Trusts
	}
	// The trust index and its caches hang off user and role nodes, so they
	// are made anew; indexing costs one step per trust.
	n.indexTrusts()
	return &n
}

// patchUsers makes n's members from s's: those c touched anew from part,
// and those a changed group, role or policy reaches (found in the reverse
// index, reach.go) relinked from the edges they already hold. It keeps
// the reverse index.
func (n *Snapshot) patchUsers(s *Snapshot, part *keyward.Graph, c *keyward.GraphChanges, e *edges,
	groups map[keyward.GroupID]bool, roles map[keyward.RoleID]bool, policies map[keyward.PolicyID]bool) {
	users := newCopyOnWrite(&n.users)
	index := newReachWriter(&n.reach)
	var touched []int32
	present := make(map[keyward.UserID]bool, len(part.Users))
	for _, u := range part.Users {
		nu := n.newUser(n.cat, u, e)
		i := users.set(nu)
		index.update(i, s.users.get(u.Account.ID), nu)
		present[u.Account.ID] = true
		touched = append(touched, i)
	}
	for _, id := range c.Users {
		if old := s.users.get(id); old != nil && !present[id] {
			i, _ := s.users.index.lookup(id)
			users.remove(id)
			index.update(i, old, nil)
		}
	}
	// done marks the members made anew, by index.
	done := make([]bool, len(n.users.nodes))
	for _, i := range touched {
		done[i] = true
	}
	// A member a change reaches holds the same edges (an edge is its
	// member's row, so a changed one touched the member), its memberships
	// of a deleted group included: a group is deleted softly and keeps
	// them, linkUser leaves out a group the snapshot does not have, and the
	// reverse index keeps the members for the group's restore.
	relink := func(i int32) {
		if done[i] {
			return
		}
		done[i] = true
		u := n.users.nodes[i]
		nu := &userNode{user: u.user, memberOf: u.memberOf, bindings: u.bindings, attached: u.attached, overrides: u.overrides, tags: u.tags}
		n.linkUser(nu)
		users.setAt(i, nu)
	}
	for id := range groups {
		for _, i := range n.reach.groups[shardOf(id)][id] {
			relink(i)
		}
	}
	for id := range roles {
		for _, i := range n.reach.roles[shardOf(id)][id] {
			relink(i)
		}
	}
	for id := range policies {
		for _, i := range n.reach.policies[shardOf(id)][id] {
			relink(i)
		}
	}
	index.done()
}

func setOf[K comparable](ids []K) map[K]bool {
	m := make(map[K]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func anyIn[K comparable](ids []K, set map[K]bool) bool {
	if len(set) == 0 {
		return false
	}
	for _, id := range ids {
		if set[id] {
			return true
		}
	}
	return false
}

func bindsAny(bs []binding, roles map[keyward.RoleID]bool) bool {
	if len(roles) == 0 {
		return false
	}
	for _, b := range bs {
		if roles[b.role] {
			return true
		}
	}
	return false
}

// sameRole reports whether a and b grant alike: same name (which paths
// show), type, attachments and grid.
func sameRole(a, b *roleNode) bool {
	return a.role.Name == b.role.Name && a.role.Type == b.role.Type && slices.Equal(a.attached, b.attached) &&
		string(a.gridDoc) == string(b.gridDoc)
}

// sameGroup reports whether a and b grant alike: same name, bindings and
// attachments.
func sameGroup(a, b *groupNode) bool {
	return a.group.Name == b.group.Name && slices.Equal(a.attached, b.attached) &&
		slices.Equal(a.bindings, b.bindings)
}
