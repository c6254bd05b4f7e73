package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// rolesPage is the Roles page's data: the built-in roles, then a page of
// the organization's own; or, with Deleted, a page of its deleted roles.
// Create holds the new-role form, when the member may create roles.
type rolesPage struct {
	Roles   []roleListRow
	Pager   pager
	Deleted bool
	Create  *gridForm
}

// roleListRow is a role of the list, and whether the member may restore
// it (a deleted one).
type roleListRow struct {
	*service.RoleDetail
	Restore bool
}

// rolePage is a role's page: the role with its policies, and who holds
// it (users and groups), when the engine lets the member list them.
type rolePage struct {
	Role      *service.RoleDetail
	ListUsers bool
	Users     []*service.RoleAssignment
	// UserNames names the users of Users the member may read.
	UserNames  map[string]string
	ListGroups bool
	Groups     []*service.RoleAssignment
	Edit       *roleEdit
	// Trusts is the trusts section of an assumable role (trust.go).
	Trusts *trustsPart
}

// handleRoles lists the organization's roles.
func (c *Console) handleRoles(w http.ResponseWriter, r *http.Request, s *session) {
	c.showRoles(w, r, s, nil)
}

// showRoles renders the Roles page (?deleted=1: the deleted roles), with
// the problem of an action on it (err). The form to create a role offers
// the grid when the member may read the catalog its rows come from.
func (c *Console) showRoles(w http.ResponseWriter, r *http.Request, s *session, err error) {
	ctx := r.Context()
	d := rolesPage{Deleted: listingDeleted(r)}
	v := view{Title: "Roles", Me: s, Data: &d}
	roles, info, lerr := c.svc.ListRoles(ctx, keyward.RoleFilter{Deleted: d.Deleted, Page: pageOf(r)})
	if lerr == nil && !d.Deleted && c.allowed(ctx, "iam.role.Create", "") {
		if d.Create, lerr = c.loadGrid(ctx, nil); lerr == nil && d.Create == nil {
			d.Create = &gridForm{}
		}
	}
	if lerr != nil {
		c.render(w, r, "roles.html", v, lerr)
		return
	}
	d.Roles, d.Pager = restorable(ctx, c, "/roles", d.Deleted, info, roles, "iam.role.Restore",
		func(r *service.RoleDetail) string { return string(r.ID) },
		func(r *service.RoleDetail, restore bool) roleListRow { return roleListRow{r, restore} })
	c.render(w, r, "roles.html", v, err)
}

// handleRole shows one role, its policies and who holds it. The holders'
// lists show their first page.
func (c *Console) handleRole(w http.ResponseWriter, r *http.Request, s *session) {
	c.showRole(w, r, s, nil)
}

// showRole renders a role's page, with the problem of an action on it
// (err).
func (c *Console) showRole(w http.ResponseWriter, r *http.Request, s *session, err error) {
	ctx, id := r.Context(), keyward.RoleID(r.PathValue("role_id"))
	v := view{Title: "Role", Me: s}
	role, gerr := c.svc.GetRole(ctx, id)
	if gerr != nil {
		c.render(w, r, "role.html", v, gerr)
		return
	}
	d := rolePage{Role: role}
	if d.Trusts, gerr = c.loadTrusts(ctx, role); gerr != nil {
		c.render(w, r, "role.html", v, gerr)
		return
	}
	v.Title, v.Data = role.Name, &d
	first := keyward.Page{Limit: keyward.MaxPerPage}
	var lerr error
	if d.ListUsers, lerr = c.svc.Allowed(ctx, "iam.role.ListUsers", string(id), ""); lerr == nil && d.ListUsers {
		d.Users, _, lerr = c.svc.ListRoleUsers(ctx, id, first)
		d.UserNames = map[string]string{}
		for _, a := range d.Users {
			if u, uerr := c.svc.GetUser(ctx, keyward.UserID(a.PrincipalID)); uerr == nil {
				d.UserNames[a.PrincipalID] = u.Account.Name
			}
		}
	}
	if lerr == nil {
		if d.ListGroups, lerr = c.svc.Allowed(ctx, "iam.role.ListGroups", string(id), ""); lerr == nil && d.ListGroups {
			d.Groups, _, lerr = c.svc.ListRoleGroups(ctx, id, first)
		}
	}
	if lerr == nil {
		d.Edit, lerr = c.loadRoleEdit(ctx, role)
	}
	if lerr != nil {
		err = lerr
	}
	c.render(w, r, "role.html", v, err)
}

// roleAction runs a, an action on the path's role, and shows the role's
// page again.
func (c *Console) roleAction(a step) memberHandler {
	return c.act(stay("/roles/{role_id}", a), c.showRole)
}
