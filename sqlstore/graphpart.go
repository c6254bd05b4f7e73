package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
)

// partMaxKeys is how many entities LoadGraphPart looks up by id in SQL;
// past it, it loads the whole graph and keeps the part (graphPart), which
// is as fast and keeps the statements short.
var partMaxKeys = 2000

// LoadGraphPart reads the rows of org's access graph that c's entities make
// up, as keyward.Tx documents, in LoadGraph's order: one query per kind of
// row that c names, each selecting by id lists. With c.All it is
// LoadGraph.
func (t *tx) LoadGraphPart(ctx context.Context, org keyward.OrgID, c *keyward.GraphChanges) (*keyward.Graph, error) {
	const op = "sqlstore.LoadGraphPart"
	if c.All {
		return t.LoadGraph(ctx, org)
	}
	if len(c.Users)+len(c.Groups)+len(c.Roles)+len(c.Policies)+len(c.Resources) > partMaxKeys {
		g, err := t.LoadGraph(ctx, org)
		if err != nil {
			return nil, err
		}
		return graphPart(g, c), nil
	}
	o, err := t.GetOrganization(ctx, org)
	if err != nil {
		return nil, err
	}
	g := &keyward.Graph{Org: o}
	// run runs the query of one kind of row if where, built on a, has a
	// condition.
	var a inArgs
	run := func(where string, query func(where string) error) error {
		if where == "" {
			return nil
		}
		return query(where)
	}

	a = inArgs{}
	if err := run(anyOf(a.in("m.user_id", c.Users)), func(w string) (err error) {
		g.Users, err = queryAll(ctx, t, op, "SELECT "+userColumns+" "+usersFrom+" WHERE m.org_id = $1 AND "+w+" ORDER BY m.user_id", org,
			scanUser, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(anyOf(a.in("g.id", c.Groups)), func(w string) (err error) {
		g.Groups, err = queryAll(ctx, t, op, "SELECT "+groupColumns+" FROM groups g WHERE g.org_id = $1 AND g.deleted_at IS NULL AND "+w+" ORDER BY g.id", org,
			scanGroup, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(rowsOf("gm", "group_members", a.in("gm.user_id", c.Users)), func(w string) (err error) {
		g.GroupMembers, err = queryAll(ctx, t, op, "SELECT "+groupMemberColumns+" "+groupMembersFrom+" WHERE gm.org_id = $1 AND gm.id IN ("+w+") ORDER BY gm.id", org,
			scanGroupMemberRow, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(anyOf(a.in("r.id", c.Roles)), func(w string) (err error) {
		g.Roles, err = queryAll(ctx, t, op, "SELECT "+roleColumns+" FROM roles r WHERE r.org_id = $1 AND r.deleted_at IS NULL AND "+w+" ORDER BY r.id", org,
			scanRole, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(rowsOf("b", "role_bindings", a.typed("b.principal_type", keyward.PrincipalUser, "b.principal_id", c.Users),
		a.typed("b.principal_type", keyward.PrincipalGroup, "b.principal_id", c.Groups)), func(w string) (err error) {
		g.Bindings, err = queryAll(ctx, t, op, "SELECT "+bindingColumns+" FROM role_bindings b WHERE b.org_id = $1 AND b.id IN ("+w+") ORDER BY b.id", org,
			scanBindingRow, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(anyOf(a.in("p.id", c.Policies)), func(w string) (err error) {
		g.Policies, err = queryAll(ctx, t, op, "SELECT "+policyColumns+" FROM policies p WHERE p.org_id = $1 AND p.deleted_at IS NULL AND "+w+" ORDER BY p.id", org,
			scanPolicy, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	a = inArgs{}
	if err := run(rowsOf("pa", "attachments", a.typed("pa.target_type", keyward.PrincipalUser, "pa.target_id", c.Users),
		a.typed("pa.target_type", keyward.PrincipalGroup, "pa.target_id", c.Groups),
		a.typed("pa.target_type", keyward.PrincipalRole, "pa.target_id", c.Roles)), func(w string) (err error) {
		g.Attachments, err = queryAll(ctx, t, op, "SELECT "+attachmentColumns+" FROM attachments pa WHERE pa.org_id = $1 AND pa.id IN ("+w+") ORDER BY pa.id", org,
			scanAttachmentRow, a.args...)
		return err
	}); err != nil {
		return nil, err
	}
	if c.Trusts || len(c.Roles) > 0 {
		if g.Trusts, err = queryAll(ctx, t, op, liveTrusts, org, scanTrust); err != nil {
			return nil, err
		}
	}
	if err := t.loadProjectsPart(ctx, g, c); err != nil {
		return nil, err
	}
	return g, nil
}

// loadProjectsPart is loadProjects for LoadGraphPart: every project if
// c.Projects, the resources among c.Resources, the overrides of c.Users,
// the grids of the live roles among c.Roles.
func (t *tx) loadProjectsPart(ctx context.Context, g *keyward.Graph, c *keyward.GraphChanges) error {
	const op = "sqlstore.LoadGraphPart"
	org := g.Org.ID
	var err error
	if c.Projects {
		if g.Projects, err = queryAll(ctx, t, op, "SELECT "+projectColumns+" FROM projects p WHERE p.org_id = $1 ORDER BY p.id", org,
			scanProject); err != nil {
			return err
		}
	}
	var a inArgs
	if w := a.in("r.id", c.Resources); w != "" {
		if g.Resources, err = queryAll(ctx, t, op, "SELECT "+resourceColumns+" FROM resources r WHERE r.org_id = $1 AND "+w+" ORDER BY r.seq", org,
			func(s scanner) (*keyward.Resource, error) {
				var key string
				return scanResource(s, &key)
			}, a.args...); err != nil {
			return err
		}
	}
	a = inArgs{}
	if w := a.in("o.user_id", c.Users); w != "" {
		if g.Overrides, err = queryAll(ctx, t, op, "SELECT "+overrideColumns+" FROM overrides o WHERE o.org_id = $1 AND "+w+" ORDER BY o.id", org,
			func(s scanner) (*keyward.Override, error) {
				var key string
				return scanOverride(s, &key)
			}, a.args...); err != nil {
			return err
		}
	}
	a = inArgs{}
	if w := a.in("g.role_id", c.Roles); w != "" {
		g.RoleGrids, err = queryAll(ctx, t, op, "SELECT "+roleGridColumns+` FROM role_grids g
			JOIN roles r ON r.org_id = g.org_id AND r.id = g.role_id
			WHERE g.org_id = $1 AND r.deleted_at IS NULL AND `+w+" ORDER BY g.role_id", org, scanRoleGrid, a.args...)
	}
	return err
}

// inArgs builds conditions on the arguments of a query whose $1 is the
// organization.
type inArgs struct{ args []any }

// arg adds v and returns its placeholder.
func (a *inArgs) arg(v any) string {
	a.args = append(a.args, v)
	return fmt.Sprintf("$%d", len(a.args)+1)
}

// in returns "col IN (...)" over ids, or "" if there are none.
func (a *inArgs) in(col string, ids any) string {
	var ss []string
	switch ids := ids.(type) {
	case []keyward.UserID:
		ss = strs(ids)
	case []keyward.GroupID:
		ss = strs(ids)
	case []keyward.RoleID:
		ss = strs(ids)
	case []keyward.PolicyID:
		ss = strs(ids)
	case []string:
		ss = ids
	default:
		panic(fmt.Sprintf("sqlstore: inArgs.in of %T", ids))
	}
	if len(ss) == 0 {
		return ""
	}
	ph := make([]string, len(ss))
	for i, s := range ss {
		ph[i] = a.arg(s)
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

// typed returns "(typeCol = typ AND col IN (...))", or "" if ids is empty.
func (a *inArgs) typed(typeCol string, typ keyward.PrincipalType, col string, ids any) string {
	in := a.in(col, ids)
	if in == "" {
		return ""
	}
	return "(" + typeCol + " = " + a.arg(typ) + " AND " + in + ")"
}

// anyOf joins the non-empty conditions with OR; "" if all are empty.
func anyOf(conds ...string) string {
	conds = slices.DeleteFunc(conds, func(s string) bool { return s == "" })
	return strings.Join(conds, " OR ")
}

// rowsOf returns a query of the ids of the organization's rows of table
// (aliased as alias) that meet any of the non-empty conditions, "" if all
// are empty. It is a UNION of one query per condition rather than one
// query of their OR, which neither database answers from the indexes on
// each column: that scans every row of the organization.
func rowsOf(alias, table string, conds ...string) string {
	conds = slices.DeleteFunc(conds, func(s string) bool { return s == "" })
	for i, c := range conds {
		conds[i] = "SELECT " + alias + ".id FROM " + table + " " + alias + " WHERE " + alias + ".org_id = $1 AND " + c
	}
	return strings.Join(conds, " UNION ALL ")
}

func strs[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// graphPart keeps of the whole graph g the rows LoadGraphPart returns for
// c, for a c too large for id lists.
func graphPart(g *keyward.Graph, c *keyward.GraphChanges) *keyward.Graph {
	users, groups, roles, policies, resources := set(c.Users), set(c.Groups), set(c.Roles), set(c.Policies), set(c.Resources)
	principal := func(typ keyward.PrincipalType, id string) bool {
		switch typ {
		case keyward.PrincipalUser:
			return users[keyward.UserID(id)]
		case keyward.PrincipalGroup:
			return groups[keyward.GroupID(id)]
		case keyward.PrincipalRole:
			return roles[keyward.RoleID(id)]
		}
		return false
	}
	p := &keyward.Graph{Org: g.Org}
	p.Users = keep(g.Users, func(u *keyward.User) bool { return users[u.Account.ID] })
	p.Groups = keep(g.Groups, func(gr *keyward.Group) bool { return groups[gr.ID] })
	// A group's memberships are its members' rows (a change to one touches
	// the member); a group is only deleted softly, and keeps them.
	p.GroupMembers = keep(g.GroupMembers, func(m *keyward.GroupMember) bool { return users[m.UserID] })
	p.Roles = keep(g.Roles, func(r *keyward.Role) bool { return roles[r.ID] })
	p.Bindings = keep(g.Bindings, func(b *keyward.RoleBinding) bool {
		return b.PrincipalType != keyward.PrincipalRole && principal(b.PrincipalType, b.PrincipalID)
	})
	p.Policies = keep(g.Policies, func(x *keyward.Policy) bool { return policies[x.ID] })
	p.Attachments = keep(g.Attachments, func(a *keyward.Attachment) bool { return principal(a.TargetType, a.TargetID) })
	if c.Trusts || len(c.Roles) > 0 {
		p.Trusts = g.Trusts
	}
	if c.Projects {
		p.Projects = g.Projects
	}
	p.Resources = keep(g.Resources, func(r *keyward.Resource) bool { return resources[r.ID] })
	p.Overrides = keep(g.Overrides, func(o *keyward.Override) bool { return users[o.UserID] })
	p.RoleGrids = keep(g.RoleGrids, func(rg *keyward.RoleGrid) bool { return roles[rg.RoleID] })
	return p
}

func set[T comparable](s []T) map[T]bool {
	m := make(map[T]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// keep returns the elements of s that f keeps, nil if none.
func keep[T any](s []T, f func(T) bool) []T {
	var out []T
	for _, v := range s {
		if f(v) {
			out = append(out, v)
		}
	}
	return out
}
