package service

import (
	"context"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// RoleSet is the roles that reach a user: bound to it (Direct) and bound
// to its groups (Inherited, one entry per group, Source naming it). All
// lists each role once, direct ones first, and is the list a page cuts.
type RoleSet struct {
	All, Direct, Inherited []*RoleDetail
}

// PolicySet is the policies that reach a user or a group. Direct and
// Inherited list every path (a policy reached twice shows twice, with its
// FromRole and Source); All lists each policy once, direct ones first, and
// is the list a page cuts.
type PolicySet struct {
	All, Direct, Inherited []*PolicyDetail
}

// GroupRoleSet is the roles bound to a group. Groups do not nest, so
// Inherited is always empty and All equals Direct.
type GroupRoleSet struct {
	All, Direct, Inherited []*RoleAssignment
}

// ListUserRoles returns the roles that reach a user of the caller's
// organization, as the engine holds them (authz.Snapshot.Reach). Every
// caller may list its own.
func (s *Service) ListUserRoles(ctx context.Context, user keyward.UserID, page keyward.Page) (*RoleSet, keyward.PageInfo, error) {
	re, err := s.readReach(ctx, "iam.user.ListRoles", string(user), func(snap *authz.Snapshot) (*authz.Paths, error) { return snap.Reach(user) }, nil)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	set := &RoleSet{Direct: []*RoleDetail{}, Inherited: []*RoleDetail{}}
	for _, rv := range re.paths.Roles {
		d := re.role(rv.Role.ID)
		if d == nil {
			continue
		}
		c := *d
		c.Source = rv.Via
		if rv.Project != "" {
			// A project's binding reaches the user in that project
			// alone: say which.
			c.Source += " in project:" + re.projectName(rv.Project)
		}
		if rv.Group == "" {
			set.Direct = append(set.Direct, &c)
		} else {
			set.Inherited = append(set.Inherited, &c)
		}
	}
	var info keyward.PageInfo
	all := dedupe(append(append([]*RoleDetail{}, set.Direct...), set.Inherited...), func(d *RoleDetail) keyward.RoleID { return d.ID })
	set.All, info, err = pageSlice(all, page)
	return set, info, err
}

// ListUserPolicies returns the policies that reach a user of the caller's
// organization, as the engine holds them (authz.Snapshot.Reach): attached
// to it (Direct), and attached to its groups or to the roles bound to it
// or to its groups (Inherited, with FromRole and Source saying how). Every
// caller may list its own.
func (s *Service) ListUserPolicies(ctx context.Context, user keyward.UserID, page keyward.Page) (*PolicySet, keyward.PageInfo, error) {
	re, err := s.readReach(ctx, "iam.user.ListPolicies", string(user), func(snap *authz.Snapshot) (*authz.Paths, error) { return snap.Reach(user) }, nil)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return re.policySet(page)
}

// ListGroupPolicies returns the policies that reach a group's members
// through it, as the engine holds them (authz.Snapshot.GroupReach):
// attached to it (Direct) and through the roles bound to it (Inherited,
// Vultr's from_roles). The page cuts All.
func (s *Service) ListGroupPolicies(ctx context.Context, id keyward.GroupID, page keyward.Page) (*PolicySet, keyward.PageInfo, error) {
	re, err := s.readReach(ctx, "iam.group.ListPolicies", string(id), func(snap *authz.Snapshot) (*authz.Paths, error) { return snap.GroupReach(id) }, nil)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return re.policySet(page)
}

// ListGroupRoles returns the live roles bound to a group, as the engine
// holds them (authz.Snapshot.GroupReach), in the order they were bound,
// with their bindings. The page cuts All.
func (s *Service) ListGroupRoles(ctx context.Context, id keyward.GroupID, page keyward.Page) (*GroupRoleSet, keyward.PageInfo, error) {
	re, err := s.readReach(ctx, "iam.group.ListRoles", string(id), func(snap *authz.Snapshot) (*authz.Paths, error) { return snap.GroupReach(id) }, []keyward.GroupID{id})
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	type key struct {
		role    keyward.RoleID
		project string
	}
	rows := map[key]*keyward.RoleBinding{}
	for _, b := range re.part.Bindings {
		rows[key{b.RoleID, strings.ToLower(b.ProjectID)}] = b
	}
	set := &GroupRoleSet{Direct: []*RoleAssignment{}, Inherited: []*RoleAssignment{}}
	for _, rv := range re.paths.Roles {
		d, b := re.role(rv.Role.ID), rows[key{rv.Role.ID, strings.ToLower(rv.Project)}]
		if d != nil && b != nil {
			set.Direct = append(set.Direct, &RoleAssignment{RoleBinding: *b, Role: &d.Role})
		}
	}
	var info keyward.PageInfo
	set.All, info, err = pageSlice(set.Direct, page)
	return set, info, err
}

// reached is what reaches a user or group: its paths in a snapshot, and
// the rows of the store its listings show that the snapshot does not keep
// (descriptions, documents, dates, grids, project names), read at the
// snapshot's revision.
type reached struct {
	s        *Service
	paths    *authz.Paths
	part     *keyward.Graph
	policies map[keyward.PolicyID]*keyward.Policy
	rows     map[keyward.RoleID]*keyward.Role
	grids    map[keyward.RoleID]*keyward.RoleGrid
	roles    map[keyward.RoleID]*RoleDetail // made by role
}

// maxReachReads bounds how often readReach reads the store again because
// the organization moved past the snapshot it read the paths from.
const maxReachReads = 3

// readReach returns what reaches the user or group of the caller's
// organization whose paths of returns: it finds them (of's CodeNotFound
// first), authorizes action on resource, and reads from the store, in
// one transaction, the rows that show them (and the bindings of groups).
// The snapshot is at the caller's revision or later, and obtained while
// no transaction is open; if the store has moved past it, the paths are
// read again from a snapshot at the store's revision, so that the rows
// match the paths (after maxReachReads, rows the store no longer has are
// left out).
func (s *Service) readReach(ctx context.Context, action, resource string, of func(*authz.Snapshot) (*authz.Paths, error), groups []keyward.GroupID) (*reached, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	rev := p.Revision
	for n := 1; ; n++ {
		snap, err := s.snapshot(ctx, p.OrgID, rev)
		if err != nil {
			return nil, err
		}
		paths, err := of(snap)
		if err != nil {
			return nil, err
		}
		if n == 1 {
			if err := s.authorize(ctx, p, action, resource); err != nil {
				return nil, err
			}
		}
		c := s.rowsOf(paths, groups)
		var part *keyward.Graph
		err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) (err error) {
			part, err = tx.LoadGraphPart(ctx, p.OrgID, c)
			return err
		})
		if err != nil {
			return nil, err
		}
		if part.Org.Revision == snap.Revision || n == maxReachReads {
			return s.newReached(paths, part), nil
		}
		rev = part.Org.Revision
	}
}

// rowsOf names the stored roles and custom policies of paths, and groups,
// as the part of the graph to read.
func (s *Service) rowsOf(paths *authz.Paths, groups []keyward.GroupID) *keyward.GraphChanges {
	c := &keyward.GraphChanges{Groups: groups}
	for _, pv := range paths.Policies {
		if !pv.Managed {
			c.Policies = append(c.Policies, pv.ID)
		}
	}
	for _, rv := range paths.Roles {
		if _, builtin := policy.BuiltinRoleByID(s.catalog(), string(rv.Role.ID)); !builtin {
			c.Roles = append(c.Roles, rv.Role.ID)
		}
		c.Projects = c.Projects || rv.Project != ""
	}
	slices.Sort(c.Policies)
	slices.Sort(c.Roles)
	c.Policies, c.Roles = slices.Compact(c.Policies), slices.Compact(c.Roles)
	return c
}

func (s *Service) newReached(paths *authz.Paths, part *keyward.Graph) *reached {
	re := &reached{s: s, paths: paths, part: part, policies: map[keyward.PolicyID]*keyward.Policy{},
		rows: map[keyward.RoleID]*keyward.Role{}, grids: map[keyward.RoleID]*keyward.RoleGrid{}, roles: map[keyward.RoleID]*RoleDetail{}}
	for _, p := range part.Policies {
		re.policies[p.ID] = p
	}
	for _, r := range part.Roles {
		re.rows[r.ID] = r
	}
	for _, g := range part.RoleGrids {
		re.grids[g.RoleID] = g
	}
	return re
}

// policy returns the detail of the live policy id, or nil if the store
// no longer has it.
func (re *reached) policy(id keyward.PolicyID) *PolicyDetail {
	if mp, ok := re.s.managedPolicy(id); ok {
		return mp
	}
	if p := re.policies[id]; p != nil {
		return re.s.detailPolicy(p)
	}
	return nil
}

// role returns the detail of the live role id, with the policies the
// snapshot holds attached to it, or nil if the store no longer has it.
func (re *reached) role(id keyward.RoleID) *RoleDetail {
	if d, ok := re.roles[id]; ok {
		return d
	}
	r, ok := re.s.builtinRole(re.part.Org.ID, id)
	if !ok {
		r = re.rows[id]
	}
	var d *RoleDetail
	if r != nil {
		d = &RoleDetail{Role: *r, Policies: []*PolicyDetail{}}
		i := slices.IndexFunc(re.paths.Roles, func(rv authz.RoleVia) bool { return rv.Role.ID == id })
		for _, pid := range re.paths.Roles[i].Policies {
			if pd := re.policy(pid); pd != nil {
				d.Policies = append(d.Policies, pd)
			}
		}
		// The grid was read with the rows: the lookup cannot fail.
		_ = re.s.detailBuiltinOrGrid(d, func() (*keyward.RoleGrid, error) {
			if g := re.grids[id]; g != nil {
				return g, nil
			}
			return nil, notFound("Role grid")
		})
	}
	re.roles[id] = d
	return d
}

// projectName returns the name of project id, or the id if the store no
// longer has it.
func (re *reached) projectName(id string) string {
	for _, pr := range re.part.Projects {
		if strings.EqualFold(string(pr.ID), id) {
			return pr.Name
		}
	}
	return id
}

// policySet returns the policies of re.paths, those attached to the
// principal itself Direct, one page of All.
func (re *reached) policySet(page keyward.Page) (*PolicySet, keyward.PageInfo, error) {
	set := &PolicySet{}
	for _, pv := range re.paths.Policies {
		d := re.policy(pv.ID)
		if d == nil {
			continue
		}
		c := *d
		c.FromRole, c.Source = pv.Role, pv.Via
		if pv.Via == authz.Direct {
			set.Direct = append(set.Direct, &c)
		} else {
			set.Inherited = append(set.Inherited, &c)
		}
	}
	var info keyward.PageInfo
	var err error
	set.All, info, err = pageSlice(dedupe(append(append([]*PolicyDetail{}, set.Direct...), set.Inherited...), policyKey), page)
	return set, info, err
}

// dedupe returns each item once, the first time its key appears.
func dedupe[T any, K comparable](items []T, key func(T) K) []T {
	seen := map[K]bool{}
	out := []T{}
	for _, it := range items {
		if k := key(it); !seen[k] {
			seen[k] = true
			out = append(out, it)
		}
	}
	return out
}

func policyKey(p *PolicyDetail) keyward.PolicyID { return p.ID }
