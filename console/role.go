package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// rolesPage is the Roles page's data: the built-in roles, then a page of
// the organization's own.
type rolesPage struct {
	Roles []*service.RoleDetail
	Pager pager
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
	// Trusts is the trusts section of an assumable role (trust.go).
	Trusts *trustsPart
}

// handleRoles lists the organization's roles.
func (c *Console) handleRoles(w http.ResponseWriter, r *http.Request, s *session) {
	roles, info, err := c.svc.ListRoles(r.Context(), keyward.RoleFilter{Page: pageOf(r)})
	c.render(w, r, "roles.html", view{Title: "Roles", Me: s, Data: rolesPage{roles, pagerOf("/roles", info)}}, err)
}

// handleRole shows one role, its policies and who holds it. The holders'
// lists show their first page.
func (c *Console) handleRole(w http.ResponseWriter, r *http.Request, s *session) {
	c.showRole(w, r, s, nil)
}

// showRole renders the role page, with the problem of an action on it
// (act), if any.
func (c *Console) showRole(w http.ResponseWriter, r *http.Request, s *session, act error) {
	ctx, id := r.Context(), keyward.RoleID(r.PathValue("role_id"))
	v := view{Title: "Role", Me: s}
	role, err := c.svc.GetRole(ctx, id)
	if err != nil {
		c.render(w, r, "role.html", v, err)
		return
	}
	d := rolePage{Role: role}
	if d.Trusts, err = c.loadTrusts(ctx, role); err != nil {
		c.render(w, r, "role.html", v, err)
		return
	}
	v.Title, v.Data = role.Name, &d
	first := keyward.Page{Limit: keyward.MaxPerPage}
	if d.ListUsers, err = c.svc.Allowed(ctx, "iam.role.ListUsers", string(id), ""); err == nil && d.ListUsers {
		d.Users, _, err = c.svc.ListRoleUsers(ctx, id, first)
		d.UserNames = map[string]string{}
		for _, a := range d.Users {
			if u, uerr := c.svc.GetUser(ctx, keyward.UserID(a.PrincipalID)); uerr == nil {
				d.UserNames[a.PrincipalID] = u.Account.Name
			}
		}
	}
	if err == nil {
		if d.ListGroups, err = c.svc.Allowed(ctx, "iam.role.ListGroups", string(id), ""); err == nil && d.ListGroups {
			d.Groups, _, err = c.svc.ListRoleGroups(ctx, id, first)
		}
	}
	if err == nil {
		err = act
	}
	c.render(w, r, "role.html", v, err)
}

// roleAction runs a, an action on the path's role, and shows the role's
// page again.
func (c *Console) roleAction(a act) memberHandler {
	return c.action(a, func(r *http.Request) string { return "/roles/" + r.PathValue("role_id") }, c.showRole)
}
