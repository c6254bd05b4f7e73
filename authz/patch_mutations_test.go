package authz_test

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// pMutation is one kind of change TestPatchProperty commits. fn makes it
// in tx and describes it; errSkip (or a conflict) if it does not apply.
type pMutation struct {
	name   string
	weight int // how many times as likely as the others; 0 is 1
	fn     func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error)
}

var pAll = keyward.Page{Limit: keyward.MaxPerPage}

// pMutations are the changes of the random walk. Deleting and restoring
// weigh more: a restore brings back edges and trusts the patches in
// between may have dropped.
var pMutations = []pMutation{
	{"add member", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		us, err := w.members(ctx, tx)
		if err != nil {
			return "", err
		}
		var out []keyward.UserID
		for _, id := range w.accounts {
			if !slices.ContainsFunc(us, func(u *keyward.User) bool { return u.Account.ID == id }) && id != w.owner {
				out = append(out, id)
			}
		}
		var id keyward.UserID
		if len(out) > 0 && w.rng.Intn(2) == 0 {
			id = tPick(w.rng, out)
		} else {
			a := &keyward.Account{ID: keyward.UserID(w.gen.id()), Name: w.name("u"), Service: w.rng.Intn(4) == 0}
			if !a.Service {
				a.Email = string(a.ID) + "@example.com"
			}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return "", err
			}
			id = a.ID
			w.accounts = append(w.accounts, id)
		}
		return "add member " + string(id), tx.CreateMember(ctx, &keyward.Member{OrgID: w.org, UserID: id, Status: keyward.StatusActive, APIEnabled: true})
	}},
	{"remove member", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		return "remove member " + string(u.Account.ID), tx.DeleteMember(ctx, w.org, u.Account.ID)
	}},
	{"suspend or unsuspend", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		m := u.Member
		if m.Status == keyward.StatusActive {
			now := tx.Now()
			m.Status, m.SuspendedAt = keyward.StatusSuspended, &now
		} else {
			m.Status, m.SuspendedAt = keyward.StatusActive, nil
		}
		return fmt.Sprintf("member %s %s", m.UserID, m.Status), tx.UpdateMember(ctx, &m)
	}},
	{"tag", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		tags := []keyward.Tag{{Key: "team", Value: tPick(w.rng, []string{"red", "blue"})}}
		if w.rng.Intn(3) == 0 {
			tags = nil
		}
		return fmt.Sprintf("tag %s %v", u.Account.ID, tags), tx.SetMemberTags(ctx, w.org, u.Account.ID, tags)
	}},
	{"set ACLs", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		m := u.Member
		m.ACLs = nil
		for _, acl := range pACLs {
			if w.rng.Intn(3) == 0 {
				m.ACLs = append(m.ACLs, acl)
			}
		}
		return fmt.Sprintf("ACLs of %s: %v", m.UserID, m.ACLs), tx.UpdateMember(ctx, &m)
	}},
	{"rename account", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		a := u.Account
		a.Name = w.name("renamed")
		return "rename account " + string(a.ID), tx.UpdateAccount(ctx, &a)
	}},
	{"create group", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		g := &keyward.Group{ID: keyward.GroupID(w.gen.id()), OrgID: w.org, Name: w.name("g")}
		if err := tx.CreateGroup(ctx, g); err != nil {
			return "", err
		}
		u, err := w.member(ctx, tx)
		if err != nil {
			return "create group " + string(g.ID), ignoreSkip(err)
		}
		return fmt.Sprintf("create group %s with %s", g.ID, u.Account.ID),
			tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: w.org, GroupID: g.ID, UserID: u.Account.ID})
	}},
	{"delete or restore group", 2, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		g, deleted, err := pickDeleted(w, func(deleted bool) ([]*keyward.Group, error) {
			gs, _, err := tx.ListGroups(ctx, w.org, keyward.GroupFilter{Deleted: deleted, Page: pAll})
			return gs, err
		})
		if err != nil {
			return "", err
		}
		if deleted {
			g.DeletedAt = nil
			return "restore group " + string(g.ID), tx.UpdateGroup(ctx, g)
		}
		now := tx.Now()
		g.DeletedAt = &now
		return "delete group " + string(g.ID), tx.UpdateGroup(ctx, g)
	}},
	{"rename group", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		g, err := w.group(ctx, tx)
		if err != nil {
			return "", err
		}
		g.Name = w.name("g")
		return "rename group " + string(g.ID), tx.UpdateGroup(ctx, g)
	}},
	{"add group member", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		g, err := w.group(ctx, tx)
		if err != nil {
			return "", err
		}
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("add %s to group %s", u.Account.ID, g.ID),
			tx.AddGroupMember(ctx, &keyward.GroupMember{OrgID: w.org, GroupID: g.ID, UserID: u.Account.ID})
	}},
	{"remove group member", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		g, err := w.group(ctx, tx)
		if err != nil {
			return "", err
		}
		ms, _, err := tx.ListGroupMembers(ctx, w.org, g.ID, pAll)
		if err != nil || len(ms) == 0 {
			return "", orSkip(err)
		}
		m := tPick(w.rng, ms)
		return fmt.Sprintf("remove %s from group %s", m.UserID, g.ID), tx.RemoveGroupMember(ctx, w.org, g.ID, m.UserID)
	}},
	{"create role", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		r := &keyward.Role{ID: keyward.RoleID(w.gen.id()), OrgID: w.org, Name: w.name("r"), Type: keyward.RoleAssignable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds}
		if w.rng.Intn(3) == 0 {
			r.Type = keyward.RoleAssumable
		}
		return fmt.Sprintf("create role %s (%s)", r.ID, r.Type), tx.CreateRole(ctx, r)
	}},
	{"delete or restore role", 4, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		rs, deleted, err := pickDeleted(w, func(deleted bool) ([]*keyward.Role, error) {
			rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: deleted, Page: pAll})
			return rs, err
		})
		if err != nil {
			return "", err
		}
		r := rs
		if deleted {
			r.DeletedAt = nil
			return "restore role " + string(r.ID), tx.UpdateRole(ctx, r)
		}
		now := tx.Now()
		r.DeletedAt = &now
		return "delete role " + string(r.ID), tx.UpdateRole(ctx, r)
	}},
	{"change role", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Page: pAll})
		if err != nil || len(rs) == 0 {
			return "", orSkip(err)
		}
		r := tPick(w.rng, rs)
		if w.rng.Intn(2) == 0 {
			r.Name = w.name("r")
			return "rename role " + string(r.ID), tx.UpdateRole(ctx, r)
		}
		r.Type = map[keyward.RoleType]keyward.RoleType{keyward.RoleAssignable: keyward.RoleAssumable, keyward.RoleAssumable: keyward.RoleAssignable}[r.Type]
		return fmt.Sprintf("role %s now %s", r.ID, r.Type), tx.UpdateRole(ctx, r)
	}},
	{"bind role", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		b, err := w.binding(ctx, tx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("bind %+v", *b), tx.CreateRoleBinding(ctx, b)
	}},
	{"unbind role", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		bs, _, err := tx.ListRoleBindings(ctx, w.org, keyward.BindingFilter{Page: pAll})
		if err != nil || len(bs) == 0 {
			return "", orSkip(err)
		}
		b := tPick(w.rng, bs)
		return fmt.Sprintf("unbind %+v", *b), tx.DeleteRoleBinding(ctx, b)
	}},
	{"replace scope bindings", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		b, err := w.binding(ctx, tx)
		if err != nil {
			return "", err
		}
		old, err := tx.ScopeBindings(ctx, w.org, keyward.ProjectID(b.ProjectID))
		if err != nil {
			return "", err
		}
		deleted, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: true, Page: pAll})
		if err != nil {
			return "", err
		}
		var bs []*keyward.RoleBinding
		for _, o := range old {
			if !slices.ContainsFunc(deleted, func(r *keyward.Role) bool { return r.ID == o.RoleID }) && w.rng.Intn(2) == 0 {
				bs = append(bs, o)
			}
		}
		if !slices.ContainsFunc(old, func(o *keyward.RoleBinding) bool {
			return o.RoleID == b.RoleID && o.PrincipalType == b.PrincipalType && o.PrincipalID == b.PrincipalID
		}) {
			bs = append(bs, b)
		}
		return fmt.Sprintf("replace the %d bindings of scope %q with %d", len(old), b.ProjectID, len(bs)),
			tx.ReplaceScopeBindings(ctx, w.org, keyward.ProjectID(b.ProjectID), bs)
	}},
	{"create policy", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		p := &keyward.Policy{ID: keyward.PolicyID(w.gen.id()), OrgID: w.org, Name: w.name("p"), Document: w.document(), Version: 1}
		if err := tx.CreatePolicy(ctx, p); err != nil {
			return "", err
		}
		typ, id, err := w.target(ctx, tx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("create policy %s attached to %s %s", p.ID, typ, id),
			tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: w.org, PolicyID: p.ID, TargetType: typ, TargetID: id})
	}},
	{"update policy", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		ps, _, err := tx.ListPolicies(ctx, w.org, keyward.PolicyFilter{Page: pAll})
		if err != nil || len(ps) == 0 {
			return "", orSkip(err)
		}
		p := tPick(w.rng, ps)
		if w.rng.Intn(3) == 0 {
			p.Name = w.name("p")
		} else {
			p.Document = w.document()
		}
		return fmt.Sprintf("update policy %s: %s", p.ID, p.Document), tx.UpdatePolicy(ctx, p, p.Version)
	}},
	{"delete or restore policy", 3, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		p, deleted, err := pickDeleted(w, func(deleted bool) ([]*keyward.Policy, error) {
			ps, _, err := tx.ListPolicies(ctx, w.org, keyward.PolicyFilter{Deleted: deleted, Page: pAll})
			return ps, err
		})
		if err != nil {
			return "", err
		}
		if deleted {
			p.DeletedAt = nil
			return "restore policy " + string(p.ID), tx.UpdatePolicy(ctx, p, p.Version)
		}
		now := tx.Now()
		p.DeletedAt = &now
		return "delete policy " + string(p.ID), tx.UpdatePolicy(ctx, p, p.Version)
	}},
	{"attach policy", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		var ps []*keyward.Policy
		for _, deleted := range []bool{false, true} {
			l, _, err := tx.ListPolicies(ctx, w.org, keyward.PolicyFilter{Deleted: deleted, Page: pAll})
			if err != nil {
				return "", err
			}
			ps = append(ps, l...)
		}
		pid := tPick(w.rng, pManaged)
		if len(ps) > 0 && w.rng.Intn(3) > 0 {
			pid = tPick(w.rng, ps).ID
		}
		typ, id, err := w.target(ctx, tx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("attach %s to %s %s", pid, typ, id),
			tx.CreateAttachment(ctx, &keyward.Attachment{OrgID: w.org, PolicyID: pid, TargetType: typ, TargetID: id})
	}},
	{"detach policy", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		as, _, err := tx.ListAttachments(ctx, w.org, keyward.AttachmentFilter{Page: pAll})
		if err != nil || len(as) == 0 {
			return "", orSkip(err)
		}
		a := tPick(w.rng, as)
		return fmt.Sprintf("detach %s from %s %s", a.PolicyID, a.TargetType, a.TargetID), tx.DeleteAttachment(ctx, a)
	}},
	{"register or delete resource", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		id := tPick(w.rng, w.resources)
		if _, err := tx.GetResource(ctx, w.org, id); err == nil {
			return "delete resource " + id, tx.DeleteResource(ctx, w.org, id)
		}
		p, err := w.project(ctx, tx)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("register resource %s in %s", id, p),
			tx.CreateResource(ctx, &keyward.Resource{OrgID: w.org, ID: id, Type: "compute.instance", ProjectID: keyward.ProjectID(p)})
	}},
	{"create or rename project", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		id := keyward.ProjectID(tPick(w.rng, w.projects))
		if p, err := tx.GetProject(ctx, w.org, id); err == nil {
			p.Name = w.name("project")
			return "rename project " + string(id), tx.UpdateProject(ctx, p)
		}
		return "create project " + string(id), tx.CreateProject(ctx, &keyward.Project{ID: id, OrgID: w.org, Name: w.name("project")})
	}},
	{"delete project", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		if w.rng.Intn(4) > 0 { // rare: the log cannot follow it
			return "", errSkip
		}
		p, err := w.project(ctx, tx)
		if err != nil {
			return "", err
		}
		return "delete project " + p, tx.DeleteProject(ctx, w.org, keyward.ProjectID(p))
	}},
	{"put or delete override", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		os, _, err := tx.ListOverrides(ctx, w.org, keyward.OverrideFilter{Page: pAll})
		if err != nil {
			return "", err
		}
		if len(os) > 0 && w.rng.Intn(3) == 0 {
			o := tPick(w.rng, os)
			return fmt.Sprintf("delete override of %s on %s", o.UserID, o.ProjectID), tx.DeleteOverride(ctx, w.org, o.ProjectID, o.UserID)
		}
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", err
		}
		p, err := w.project(ctx, tx)
		if err != nil {
			return "", err
		}
		o := &keyward.Override{OrgID: w.org, ProjectID: keyward.ProjectID(p), UserID: u.Account.ID, Grid: []byte("{}"), Document: w.document()}
		if w.rng.Intn(4) == 0 {
			o.Document = []byte("null")
		}
		return fmt.Sprintf("put override of %s on %s: %s", o.UserID, p, o.Document), tx.PutOverride(ctx, o)
	}},
	{"put role grid", 0, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		var rs []*keyward.Role
		for _, deleted := range []bool{false, true} {
			l, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: deleted, Page: pAll})
			if err != nil {
				return "", err
			}
			rs = append(rs, l...)
		}
		if len(rs) == 0 {
			return "", errSkip
		}
		g := &keyward.RoleGrid{OrgID: w.org, RoleID: tPick(w.rng, rs).ID, Grid: []byte("{}"), Document: w.document()}
		return fmt.Sprintf("put the grid of role %s: %s", g.RoleID, g.Document), tx.PutRoleGrid(ctx, g)
	}},
	{"create trust", 2, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Page: pAll})
		if err != nil || len(rs) == 0 {
			return "", orSkip(err)
		}
		// Mostly to an assumable role: only those grant through a trust.
		role := tPick(w.rng, rs)
		for range 3 {
			if role.Type != keyward.RoleAssumable {
				role = tPick(w.rng, rs)
			}
		}
		rt := &keyward.RoleTrust{OrgID: w.org, RoleID: role.ID, Type: keyward.TrustTemporary, Mode: keyward.AssumeAutomatic}
		if w.rng.Intn(4) == 0 {
			rt.Mode = keyward.AssumeManual
		}
		if w.rng.Intn(2) == 0 {
			u, err := w.member(ctx, tx)
			if err != nil {
				return "", err
			}
			rt.TrustedUserID = u.Account.ID
		} else {
			g, err := w.group(ctx, tx)
			if err != nil {
				return "", err
			}
			rt.TrustedGroupID = g.ID
		}
		switch w.rng.Intn(5) {
		case 0:
			rt.Conditions.IPAddress = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
		case 1:
			rt.Conditions.TimeOfDay = &keyward.TimeOfDay{Start: 9, End: 17}
		case 2:
			until := pContexts[0].Time.Add(time.Duration(w.rng.Intn(48)-24) * time.Hour)
			rt.ValidUntil = &until
		}
		return fmt.Sprintf("create trust %+v", *rt), tx.CreateRoleTrust(ctx, rt)
	}},
	{"end or restore trust", 2, func(w *pWorld, ctx context.Context, tx keyward.Tx) (string, error) {
		rt, deleted, err := pickDeleted(w, func(deleted bool) ([]*keyward.RoleTrust, error) {
			ts, _, err := tx.ListRoleTrusts(ctx, w.org, keyward.TrustFilter{Deleted: deleted, Page: pAll})
			return ts, err
		})
		if err != nil {
			return "", err
		}
		if deleted {
			rt.DeletedAt = nil
			return "restore trust " + string(rt.ID), tx.UpdateRoleTrust(ctx, rt)
		}
		now := tx.Now()
		rt.DeletedAt = &now
		return "end trust " + string(rt.ID), tx.UpdateRoleTrust(ctx, rt)
	}},
}

// pickMutation returns a random mutation by weight.
func pickMutation(w *pWorld) pMutation {
	total := 0
	for _, m := range pMutations {
		total += max(m.weight, 1)
	}
	n := w.rng.Intn(total)
	for _, m := range pMutations {
		if n -= max(m.weight, 1); n < 0 {
			return m
		}
	}
	panic("unreachable")
}

// pickDeleted returns a random deleted entity of list(true) half the
// time there is one, else a random live one of list(false).
func pickDeleted[T any](w *pWorld, list func(deleted bool) ([]T, error)) (T, bool, error) {
	var zero T
	gone, err := list(true)
	if err != nil {
		return zero, false, err
	}
	if len(gone) > 0 && w.rng.Intn(2) == 0 {
		return tPick(w.rng, gone), true, nil
	}
	live, err := list(false)
	if err != nil || len(live) == 0 {
		return zero, false, orSkip(err)
	}
	return tPick(w.rng, live), false, nil
}

func orSkip(err error) error {
	if err == nil {
		return errSkip
	}
	return err
}

func ignoreSkip(err error) error {
	if err == errSkip {
		return nil
	}
	return err
}

// members returns the organization's members but the root owner.
func (w *pWorld) members(ctx context.Context, tx keyward.Tx) ([]*keyward.User, error) {
	us, _, err := tx.ListUsers(ctx, w.org, keyward.UserFilter{Page: pAll})
	return slices.DeleteFunc(us, func(u *keyward.User) bool { return u.Account.ID == w.owner }), err
}

// member returns a random member but the root owner.
func (w *pWorld) member(ctx context.Context, tx keyward.Tx) (*keyward.User, error) {
	us, err := w.members(ctx, tx)
	if err != nil || len(us) == 0 {
		return nil, orSkip(err)
	}
	return tPick(w.rng, us), nil
}

func (w *pWorld) group(ctx context.Context, tx keyward.Tx) (*keyward.Group, error) {
	gs, _, err := tx.ListGroups(ctx, w.org, keyward.GroupFilter{Page: pAll})
	if err != nil || len(gs) == 0 {
		return nil, orSkip(err)
	}
	return tPick(w.rng, gs), nil
}

// project returns a random project of the organization.
func (w *pWorld) project(ctx context.Context, tx keyward.Tx) (string, error) {
	ps, _, err := tx.ListProjects(ctx, w.org, pAll)
	if err != nil || len(ps) == 0 {
		return "", orSkip(err)
	}
	return string(tPick(w.rng, ps).ID), nil
}

// target returns a random member, group or role (deleted or not) to
// attach a policy to.
func (w *pWorld) target(ctx context.Context, tx keyward.Tx) (keyward.PrincipalType, string, error) {
	switch w.rng.Intn(3) {
	case 0:
		u, err := w.member(ctx, tx)
		if err != nil {
			return "", "", err
		}
		return keyward.PrincipalUser, string(u.Account.ID), nil
	case 1:
		g, err := w.group(ctx, tx)
		if err != nil {
			return "", "", err
		}
		return keyward.PrincipalGroup, string(g.ID), nil
	}
	rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: w.rng.Intn(4) == 0, Page: pAll})
	if err != nil || len(rs) == 0 {
		return "", "", orSkip(err)
	}
	return keyward.PrincipalRole, string(tPick(w.rng, rs).ID), nil
}

// binding returns a random new binding: of a custom role (deleted or not,
// assignable or not) or a built-in one, to a member or a group, in the
// whole organization or in a project.
func (w *pWorld) binding(ctx context.Context, tx keyward.Tx) (*keyward.RoleBinding, error) {
	b := &keyward.RoleBinding{OrgID: w.org}
	var roles []keyward.RoleID
	for _, deleted := range []bool{false, false, true} {
		rs, _, err := tx.ListRoles(ctx, w.org, keyward.RoleFilter{Deleted: deleted, Page: pAll})
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			roles = append(roles, r.ID)
		}
	}
	for _, r := range policy.BuiltinRoles(policy.DefaultCatalog()) {
		roles = append(roles, keyward.RoleID(r.ID))
	}
	b.RoleID = tPick(w.rng, roles)
	if w.rng.Intn(2) == 0 {
		u, err := w.member(ctx, tx)
		if err != nil {
			return nil, err
		}
		b.PrincipalType, b.PrincipalID = keyward.PrincipalUser, string(u.Account.ID)
	} else {
		g, err := w.group(ctx, tx)
		if err != nil {
			return nil, err
		}
		b.PrincipalType, b.PrincipalID = keyward.PrincipalGroup, string(g.ID)
	}
	if w.rng.Intn(2) == 0 {
		p, err := w.project(ctx, tx)
		if err != nil {
			return nil, err
		}
		b.ProjectID = p
	}
	return b, nil
}
