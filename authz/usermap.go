package authz

import (
	"maps"
	"slices"

	"github.com/keyward-iam/keyward"
)

// userShards is the number of maps a snapshot's member ids are spread over.
const userShards = 64

// userMap is a snapshot's members: their nodes side by side, each at an
// index it keeps while it is a member, and the index of each member id.
// The reverse index (reach.go) names members by index, four bytes each.
//
// A patch copies nodes (one pointer per member: a memmove) when it
// changes a member, and copies an index shard only when a member comes or
// goes, so that a write reaching a thousand members costs no map copies.
// Copying a userMap copies references, not entries.
type userMap struct {
	nodes []*userNode // by index; nil where a member left
	// index spreads the ids over userShards maps by the last bytes of the
	// id (random in the ids keyward makes).
	index [userShards]map[keyward.UserID]int32
	free  []int32 // indexes of members that left, taken by the next to come; len = cap
}

func newUserMap(n int) userMap {
	m := userMap{nodes: make([]*userNode, 0, n)}
	for i := range m.index {
		m.index[i] = make(map[keyward.UserID]int32, n/userShards+1)
	}
	return m
}

func shardOf(id keyward.UserID) int {
	h := uint(0)
	if n := len(id); n > 0 {
		h = uint(id[n-1])
		if n > 1 {
			h = h*31 + uint(id[n-2])
		}
	}
	return int(h % userShards)
}

// get returns the member id, or nil.
func (m *userMap) get(id keyward.UserID) *userNode {
	if i, ok := m.index[shardOf(id)][id]; ok {
		return m.nodes[i]
	}
	return nil
}

// add appends u, a member not yet in m, as a build does.
func (m *userMap) add(u *userNode) {
	m.index[shardOf(u.user.Account.ID)][u.user.Account.ID] = int32(len(m.nodes))
	m.nodes = append(m.nodes, u)
}

// memberIDs returns the ids of the snapshot's members, sorted: the
// graph's order (members by id).
func (s *Snapshot) memberIDs() []keyward.UserID {
	var ids []keyward.UserID
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
	m          *userMap
	ownNodes   bool
	ownedShard [userShards]bool
}

func (c *copyOnWrite) nodes() []*userNode {
	if !c.ownNodes {
		c.m.nodes = slices.Clone(c.m.nodes)
		c.ownNodes = true
	}
	return c.m.nodes
}

func (c *copyOnWrite) shard(id keyward.UserID) map[keyward.UserID]int32 {
	i := shardOf(id)
	if !c.ownedShard[i] {
		c.m.index[i] = maps.Clone(c.m.index[i])
		c.ownedShard[i] = true
	}
	return c.m.index[i]
}

// set makes u the node of its member, at the member's index, or at a new
// one (a free one first) if it was not a member; it returns the index.
func (c *copyOnWrite) set(u *userNode) int32 {
	id := u.user.Account.ID
	if i, ok := c.m.index[shardOf(id)][id]; ok {
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
	c.shard(id)[id] = i
	return i
}

func (c *copyOnWrite) setAt(i int32, u *userNode) { c.nodes()[i] = u }

// remove takes member id out, freeing its index.
func (c *copyOnWrite) remove(id keyward.UserID) {
	i, ok := c.m.index[shardOf(id)][id]
	if !ok {
		return
	}
	c.setAt(i, nil)
	delete(c.shard(id), id)
	// free may be shared with the snapshot before: its length is kept
	// its capacity, so that append copies it.
	c.m.free = slices.Clip(append(c.m.free, i))
}
