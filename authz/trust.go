package authz

import (
	"strings"
	"sync"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// assumeIndex is what a snapshot knows of assumable roles: their compiled
// sets, for sessions, and the automatic trusts by trusted user and group.
type assumeIndex struct {
	roleSets sync.Map // keyward.RoleID → *compiled
	byUser   map[keyward.UserID][]*trustNode
	byGroup  map[keyward.GroupID][]*trustNode
	// unions holds a user's set extended with the roles of the automatic
	// trusts that held for a request: "user|project|role,role" → *compiled.
	unions sync.Map
}

// trustNode is an automatic trust and the role it grants.
type trustNode struct {
	trust *keyward.RoleTrust
	role  *roleNode
}

// indexTrusts indexes the automatic trusts of user and group trustees on
// assumable roles; manual and OIDC trusts grant only through a session.
func (s *Snapshot) indexTrusts() {
	s.assume = &assumeIndex{byUser: map[keyward.UserID][]*trustNode{}, byGroup: map[keyward.GroupID][]*trustNode{}}
	for _, t := range s.trusts {
		r := s.roles[t.RoleID]
		if t.Mode != keyward.AssumeAutomatic || t.DeletedAt != nil || r == nil || r.role.Type != keyward.RoleAssumable {
			continue
		}
		n := &trustNode{trust: t, role: r}
		switch {
		case t.TrustedUserID != "":
			s.assume.byUser[t.TrustedUserID] = append(s.assume.byUser[t.TrustedUserID], n)
		case t.TrustedGroupID != "":
			s.assume.byGroup[t.TrustedGroupID] = append(s.assume.byGroup[t.TrustedGroupID], n)
		}
	}
}

// trustHolds reports whether t applies to a request with context c: not
// expired at c.Time and its conditions met. A trust that expires or has
// conditions does not hold for a request without a time.
func trustHolds(t *keyward.RoleTrust, c policy.Context) bool {
	if t.ValidUntil != nil && (c.Time.IsZero() || !c.Time.Before(*t.ValidUntil)) {
		return false
	}
	return t.Conditions.Holds(c.Time, c.SourceIP)
}

// autoTrusts returns u's automatic trusts (to u or to one of its groups)
// that hold for c, one per role; all of them when all is set, whatever c.
// It returns nil, without allocating, when there are none.
func (s *Snapshot) autoTrusts(u *userNode, c policy.Context, all bool) []*trustNode {
	if len(s.assume.byUser) == 0 && len(s.assume.byGroup) == 0 {
		return nil
	}
	var out []*trustNode
	consider := func(ts []*trustNode) {
		for _, t := range ts {
			if !all && !trustHolds(t.trust, c) {
				continue
			}
			dup := false
			for _, o := range out {
				dup = dup || o.role == t.role
			}
			if !dup {
				out = append(out, t)
			}
		}
	}
	consider(s.assume.byUser[u.user.Account.ID])
	for _, g := range u.groups {
		consider(s.assume.byGroup[g.group.ID])
	}
	return out
}

// trustsDecide combines d, u's decision of p, with the policies of the
// roles of u's automatic trusts that hold for p's request (autoTrusts),
// as withTrusts's set would, without allocating.
func (s *Snapshot) trustsDecide(u *userNode, p *policy.Prepared, d policy.Decision) policy.Decision {
	if d == policy.ExplicitDeny || (len(s.assume.byUser) == 0 && len(s.assume.byGroup) == 0) {
		return d
	}
	allowed := d == policy.Allow
	c := p.Request().Context
	deny := func(ts []*trustNode) bool {
		for _, t := range ts {
			if trustHolds(t.trust, c) && denies(t.role.policies, p, &allowed) {
				return true
			}
		}
		return false
	}
	if deny(s.assume.byUser[u.user.Account.ID]) {
		return policy.ExplicitDeny
	}
	for _, g := range u.groups {
		if deny(s.assume.byGroup[g.group.ID]) {
			return policy.ExplicitDeny
		}
	}
	if allowed {
		return policy.Allow
	}
	return policy.ImplicitDeny
}

// withTrusts returns base (u's set in project) extended with the policies
// of the roles of ts, through "trust:<role name> (automatic)", compiled
// once per combination. Evaluating the union is the same as combining the
// decisions with deny-wins: any explicit deny denies, else any allow
// allows.
func (s *Snapshot) withTrusts(u *userNode, project string, base *compiled, ts []*trustNode) *compiled {
	if len(ts) == 0 {
		return base
	}
	var key strings.Builder
	key.WriteString(string(u.user.Account.ID) + "|" + lowerID(project) + "|")
	for _, t := range ts {
		key.WriteString(string(t.role.role.ID) + ",")
	}
	if c, ok := s.assume.unions.Load(key.String()); ok {
		return c.(*compiled)
	}
	in := base.inputs[:len(base.inputs):len(base.inputs)]
	for _, t := range ts {
		in = append(in, roleInputs(t.role, TrustVia(t.role.role.Name))...)
	}
	c, _ := s.assume.unions.LoadOrStore(key.String(), &compiled{inputs: in, set: policy.Compile(s.cat, in)})
	return c.(*compiled)
}

// TrustVia is the path of a policy that reaches a user through an
// automatic trust of the named role.
func TrustVia(role string) string { return "trust:" + role + " (automatic)" }
