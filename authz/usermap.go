package authz

import (
	"maps"
	"slices"

	"github.com/keyward-iam/keyward"
)

// userShards is the number of maps a snapshot's members are spread over.
const userShards = 64

// userMap is a snapshot's members by id, spread over userShards maps by the
// last bytes of the id (random in the ids keyward makes), so that a patch
// copies only the shards holding the members it changes rather than one
// map of every member (copyOnWrite). Copying a userMap copies the shards'
// references, not their entries.
type userMap [userShards]map[keyward.UserID]*userNode

func newUserMap(n int) userMap {
	var m userMap
	for i := range m {
		m[i] = make(map[keyward.UserID]*userNode, n/userShards+1)
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
func (m *userMap) get(id keyward.UserID) *userNode { return m[shardOf(id)][id] }

// memberIDs returns the ids of the snapshot's members, sorted: the
// graph's order (members by id).
func (s *Snapshot) memberIDs() []keyward.UserID {
	var ids []keyward.UserID
	for _, sh := range s.users {
		for id := range sh {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// copyOnWrite is a patch's right to change a userMap whose shards it
// shares with the snapshot before: a shard is copied on its first change.
type copyOnWrite struct {
	m     *userMap
	owned [userShards]bool
}

func (c *copyOnWrite) shard(id keyward.UserID) map[keyward.UserID]*userNode {
	i := shardOf(id)
	if !c.owned[i] {
		c.m[i] = maps.Clone(c.m[i])
		c.owned[i] = true
	}
	return c.m[i]
}

func (c *copyOnWrite) set(id keyward.UserID, u *userNode) { c.shard(id)[id] = u }

func (c *copyOnWrite) remove(id keyward.UserID) { delete(c.shard(id), id) }
