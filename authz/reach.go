package authz

import (
	"iter"
	"maps"
	"slices"

	"github.com/keyward-iam/keyward"
)

// reach is a snapshot's reverse index: for each group, role and policy,
// the members (by index in the userMap) whose own rows lead to it: their
// memberships, their bindings (org-wide or in a project) and the policies
// attached to them. A patch finds there the members a changed group, role
// or policy reaches, instead of scanning every member's edges. A list
// names a member once, in no given order; a key is the id a member's row
// names, whether or not the snapshot has the group, role or policy (a
// deleted one reaches its members again when restored). A key with no
// member has no list.
type reach struct {
	groups   map[keyward.GroupID][]int32
	roles    map[keyward.RoleID][]int32
	policies map[keyward.PolicyID][]int32
}

// reachOf indexes the members of nodes.
func reachOf(nodes []*userNode) reach {
	r := reach{groups: map[keyward.GroupID][]int32{}, roles: map[keyward.RoleID][]int32{}, policies: map[keyward.PolicyID][]int32{}}
	for i, u := range nodes {
		if u == nil {
			continue
		}
		for _, g := range u.memberOf {
			r.groups[g] = append(r.groups[g], int32(i))
		}
		for _, id := range boundRoles(u) {
			r.roles[id] = append(r.roles[id], int32(i))
		}
		for _, p := range u.attached {
			r.policies[p] = append(r.policies[p], int32(i))
		}
	}
	// Lists grown by append hold up to twice their length.
	compact(r.groups, maps.Keys(r.groups))
	compact(r.roles, maps.Keys(r.roles))
	compact(r.policies, maps.Keys(r.policies))
	return r
}

// boundRoles returns the roles bound to u, each once (a role may be bound
// org-wide and in projects).
func boundRoles(u *userNode) []keyward.RoleID {
	var out []keyward.RoleID
	for _, b := range u.bindings {
		if !slices.Contains(out, b.role) {
			out = append(out, b.role)
		}
	}
	return out
}

// compact reallocates the lists of m named by keys at their length.
func compact[K comparable](m map[K][]int32, keys iter.Seq[K]) {
	for k := range keys {
		if l := m[k]; cap(l) > len(l) {
			m[k] = append(make([]int32, 0, len(l)), l...)
		}
	}
}

// reachWriter is a patch's right to change a reach it shares with the
// snapshot before: each map, and each list, is copied on its first change.
type reachWriter struct {
	groups   lists[keyward.GroupID]
	roles    lists[keyward.RoleID]
	policies lists[keyward.PolicyID]
}

func newReachWriter(r *reach) *reachWriter {
	return &reachWriter{groups: lists[keyward.GroupID]{m: &r.groups}, roles: lists[keyward.RoleID]{m: &r.roles},
		policies: lists[keyward.PolicyID]{m: &r.policies}}
}

// update moves member i's entries from the rows of old to those of u;
// either may be nil (a member that comes or goes).
func (w *reachWriter) update(i int32, old, u *userNode) {
	var o userNode
	if old == nil {
		old = &o
	}
	if u == nil {
		u = &o
	}
	w.groups.move(i, old.memberOf, u.memberOf)
	w.roles.move(i, boundRoles(old), boundRoles(u))
	w.policies.move(i, old.attached, u.attached)
}

// done compacts the lists it changed.
func (w *reachWriter) done() {
	w.groups.done()
	w.roles.done()
	w.policies.done()
}

// lists are one map of a reach, copied on write.
type lists[K comparable] struct {
	m     *map[K][]int32
	owned map[K]bool // the lists copied; nil until the map is
}

// move takes i out of the lists of the keys in from and not in to, and
// adds it to those in to and not in from.
func (l *lists[K]) move(i int32, from, to []K) {
	for _, k := range from {
		if !slices.Contains(to, k) {
			l.edit(k, func(list []int32) []int32 {
				j := slices.Index(list, i)
				if j < 0 {
					return list
				}
				list[j] = list[len(list)-1]
				return list[:len(list)-1]
			})
		}
	}
	for _, k := range to {
		if !slices.Contains(from, k) {
			l.edit(k, func(list []int32) []int32 { return append(list, i) })
		}
	}
}

// edit replaces k's list by fn of it, a copy the first time.
func (l *lists[K]) edit(k K, fn func([]int32) []int32) {
	if l.owned == nil {
		*l.m = maps.Clone(*l.m)
		if *l.m == nil {
			*l.m = map[K][]int32{}
		}
		l.owned = map[K]bool{}
	}
	list := (*l.m)[k]
	if !l.owned[k] {
		list = slices.Clone(list)
		l.owned[k] = true
	}
	if list = fn(list); len(list) == 0 {
		delete(*l.m, k)
	} else {
		(*l.m)[k] = list
	}
}

func (l *lists[K]) done() {
	if l.owned != nil {
		compact(*l.m, maps.Keys(l.owned))
	}
}
