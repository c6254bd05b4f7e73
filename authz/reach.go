package authz

import (
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
// deleted role or policy reaches its members again when restored). A key
// with no member has no list.
type reach struct {
	groups   memberLists[keyward.GroupID]
	roles    memberLists[keyward.RoleID]
	policies memberLists[keyward.PolicyID]
}

// memberLists are member indexes by key.
type memberLists[K ~string] = shardedMap[K, []int32]

// reachOf indexes the members of nodes.
func reachOf(nodes []*userNode) reach {
	r := reach{groups: newShardedMap[keyward.GroupID, []int32](0), roles: newShardedMap[keyward.RoleID, []int32](0),
		policies: newShardedMap[keyward.PolicyID, []int32](0)}
	for i, u := range nodes {
		if u == nil {
			continue
		}
		for _, g := range u.memberOf {
			r.groups[shardOf(g)][g] = append(r.groups[shardOf(g)][g], int32(i))
		}
		for _, id := range boundRoles(u) {
			r.roles[shardOf(id)][id] = append(r.roles[shardOf(id)][id], int32(i))
		}
		for _, p := range u.attached {
			r.policies[shardOf(p)][p] = append(r.policies[shardOf(p)][p], int32(i))
		}
	}
	// Lists grown by append hold up to twice their length.
	for i := range shardCount {
		compact(r.groups[i])
		compact(r.roles[i])
		compact(r.policies[i])
	}
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

// compact reallocates the lists of m at their length.
func compact[K comparable](m map[K][]int32) {
	for k, l := range m {
		m[k] = exact(l)
	}
}

// exact returns l, reallocated at its length if its array is longer.
func exact(l []int32) []int32 {
	if cap(l) > len(l) {
		return slices.Clip(append([]int32(nil), l...))
	}
	return l
}

// reachWriter is a patch's right to change a reach it shares with the
// snapshot before: each shard, and each list, is copied on its first
// change.
type reachWriter struct {
	groups   listWriter[keyward.GroupID]
	roles    listWriter[keyward.RoleID]
	policies listWriter[keyward.PolicyID]
}

func newReachWriter(r *reach) *reachWriter {
	return &reachWriter{groups: newListWriter(&r.groups), roles: newListWriter(&r.roles), policies: newListWriter(&r.policies)}
}

// update moves member i's entries from the rows of old to those of u;
// either may be nil (a member that comes or goes).
func (w *reachWriter) update(i int32, old, u *userNode) {
	var none userNode
	if old == nil {
		old = &none
	}
	if u == nil {
		u = &none
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

// listWriter changes the lists of one memberLists, copied on write.
type listWriter[K ~string] struct {
	shards shardWriter[K, []int32]
	owned  map[K]bool // the lists copied
}

func newListWriter[K ~string](m *memberLists[K]) listWriter[K] {
	return listWriter[K]{shards: shardWriter[K, []int32]{m: m}, owned: map[K]bool{}}
}

// move takes i out of the lists of the keys in from and not in to, and
// adds it to those in to and not in from.
func (l *listWriter[K]) move(i int32, from, to []K) {
	for _, k := range from {
		if !slices.Contains(to, k) {
			l.edit(k, func(list []int32) []int32 {
				if j := slices.Index(list, i); j >= 0 {
					list[j] = list[len(list)-1]
					list = list[:len(list)-1]
				}
				return list
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
func (l *listWriter[K]) edit(k K, fn func([]int32) []int32) {
	sh := l.shards.shard(k)
	list := sh[k]
	if !l.owned[k] {
		list = slices.Clone(list)
		l.owned[k] = true
	}
	if list = fn(list); len(list) == 0 {
		delete(sh, k)
	} else {
		sh[k] = list
	}
}

func (l *listWriter[K]) done() {
	for k := range l.owned {
		sh := l.shards.shard(k)
		if list, ok := sh[k]; ok {
			sh[k] = exact(list)
		}
	}
}
