package authz

import (
	"slices"

	"github.com/keyward-iam/keyward"
)

// userMap is a snapshot's members: their nodes side by side, each at an
// index it keeps while it is a member, and the index of each member id.
// The reverse index (reach.go) names members by index, four bytes each.
//
// A patch copies nodes (one pointer per member: a memmove) when it
// changes a member, and copies a shard of the index only when a member
// comes or goes, so that a write reaching a thousand members copies no
// map. Copying a userMap copies references, not entries.
type userMap struct {
	nodes []*userNode // by index; nil where a member left
	index shardedMap[keyward.UserID, int32]
	free  []int32 // indexes of members that left, taken by the next to come; len = cap
}

func newUserMap(n int) userMap {
	return userMap{nodes: make([]*userNode, 0, n), index: newShardedMap[keyward.UserID, int32](n)}
}

// get returns the member id, or nil.
func (m *userMap) get(id keyward.UserID) *userNode {
	if i, ok := m.index.lookup(id); ok {
		return m.nodes[i]
	}
	return nil
}

// add appends u, a member not yet in m, as a build does.
func (m *userMap) add(u *userNode) {
	id := u.user.Account.ID
	m.index[shardOf(id)][id] = int32(len(m.nodes))
	m.nodes = append(m.nodes, u)
}

// memberIDs returns the ids of the snapshot's members, sorted: the
// graph's order (members by id).
func (s *Snapshot) memberIDs() []keyward.UserID {
	ids := make([]keyward.UserID, 0, s.users.index.len())
	for _, sh := range s.users.index {
		for id := range sh {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// copyOnWrite is a patch's right to change a userMap whose parts it shares
// with the snapshot before: each part is copied on its first change.
type copyOnWrite struct {
	m        *userMap
	ownNodes bool
	index    shardWriter[keyward.UserID, int32]
}

func newCopyOnWrite(m *userMap) *copyOnWrite {
	return &copyOnWrite{m: m, index: shardWriter[keyward.UserID, int32]{m: &m.index}}
}

func (c *copyOnWrite) nodes() []*userNode {
	if !c.ownNodes {
		c.m.nodes = slices.Clone(c.m.nodes)
		c.ownNodes = true
	}
	return c.m.nodes
}

// set makes u the node of its member, at the member's index, or at a new
// one (a free one first) if it was not a member; it returns the index.
func (c *copyOnWrite) set(u *userNode) int32 {
	id := u.user.Account.ID
	if i, ok := c.m.index.lookup(id); ok {
		c.setAt(i, u)
		return i
	}
	var i int32
	if n := len(c.m.free); n > 0 {
		i, c.m.free = c.m.free[n-1], c.m.free[:n-1:n-1]
		c.setAt(i, u)
	} else {
		i = int32(len(c.m.nodes))
		c.m.nodes = append(c.nodes(), u)
	}
	c.index.set(id, i)
	return i
}

func (c *copyOnWrite) setAt(i int32, u *userNode) { c.nodes()[i] = u }

// remove takes member id out, freeing its index.
func (c *copyOnWrite) remove(id keyward.UserID) {
	i, ok := c.m.index.lookup(id)
	if !ok {
		return
	}
	c.setAt(i, nil)
	c.index.remove(id)
	// free may be shared with the snapshot before: its length is kept
	// its capacity, so that append copies it.
	c.m.free = slices.Clip(append(c.m.free, i))
}
