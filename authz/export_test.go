package authz

import (
	"fmt"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// ExplainPolicies is the explanation by r's principal's policies, as
// Explain assembles it; ExplainByCompiledSet is the same from the
// principal's compiled set, as Explain assembled it before it walked the
// policies. Both are for a known, active principal that is not the root
// owner.
func ExplainPolicies(s *Snapshot, r *Request) policy.Explanation {
	u, project := s.users.get(r.Principal), s.projectOf(r)
	pr := s.policyRequest(r, u, project)
	return s.explainPolicies(u, project, &pr)
}

func ExplainByCompiledSet(s *Snapshot, r *Request) policy.Explanation {
	u, project := s.users.get(r.Principal), s.projectOf(r)
	pr := s.policyRequest(r, u, project)
	return s.withTrusts(u, project, s.compiledFor(u, project), s.autoTrusts(u, r.Context, false)).set.Explain(&pr)
}

// ReachOf returns s's reverse index by member id, "group:<id>" → the
// sorted ids of its members (and "role:", "policy:"), for the property
// tests to compare a patched snapshot's with a built one's. It fails when
// the index names a member the snapshot does not have at that index, or
// the same member twice, or the member table is not consistent.
func ReachOf(s *Snapshot) (map[string][]keyward.UserID, error) {
	members := 0
	for i, u := range s.users.nodes {
		if u == nil {
			if !slices.Contains(s.users.free, int32(i)) {
				return nil, fmt.Errorf("index %d is neither a member nor free", i)
			}
			continue
		}
		members++
		id := u.user.Account.ID
		if j, ok := s.users.index[shardOf(id)][id]; !ok || j != int32(i) {
			return nil, fmt.Errorf("member %s at index %d is indexed at %d (%v)", id, i, j, ok)
		}
	}
	indexed := 0
	for _, sh := range s.users.index {
		indexed += len(sh)
	}
	if indexed != members {
		return nil, fmt.Errorf("%d ids indexed, %d members", indexed, members)
	}
	out := map[string][]keyward.UserID{}
	var err error
	add := func(key string, list []int32) {
		for _, i := range list {
			if int(i) >= len(s.users.nodes) || s.users.nodes[i] == nil {
				err = fmt.Errorf("%s names index %d, no member", key, i)
				return
			}
			id := s.users.nodes[i].user.Account.ID
			if slices.Contains(out[key], id) {
				err = fmt.Errorf("%s names %s twice", key, id)
			}
			out[key] = append(out[key], id)
		}
		slices.Sort(out[key])
	}
	for i := range shardCount {
		for k, l := range s.reach.groups[i] {
			add("group:"+string(k), l)
		}
		for k, l := range s.reach.roles[i] {
			add("role:"+string(k), l)
		}
		for k, l := range s.reach.policies[i] {
			add("policy:"+string(k), l)
		}
	}
	return out, err
}

// Principal returns the user id's user in the snapshot, or nil.
func (s *Snapshot) Principal(id keyward.UserID) *keyward.User {
	if u := s.users.get(id); u != nil {
		return u.user
	}
	return nil
}
