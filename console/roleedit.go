package console

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// roleEdit is what a role's page offers the member to change, each
// control shown only when the engine allows it. A built-in role changes
// only through what is bound to it.
type roleEdit struct {
	Update, Delete bool
	// Grid is the role's grid (read-only unless Update), for a role defined
	// by one, and for a custom role the form to define it by one.
	Grid *gridForm
	// Policies is the role's attached policies, for a custom role.
	Policies *policyAttachments
}

// gridForm is seed 003's permission grid: a row per service group of the
// catalog, a column each for View, Manage and Delete, checked where the
// role has the cell. Disabled shows it without letting it change.
type gridForm struct {
	Rows     []gridRow
	Disabled bool
}

// gridRow is a service group of the grid and its cells.
type gridRow struct {
	ID, Name string
	Cells    []gridCell
}

// gridCell is a column of a row: Offered when the group has the column
// (Billing has no Delete), Checked when the role has it.
type gridCell struct {
	Level            policy.GridLevel
	Label            string
	Offered, Checked bool
}

// gridLabels are the grid's columns as the seed names them.
var gridLabels = map[policy.GridLevel]string{policy.GridView: "View", policy.GridManage: "Manage", policy.GridDelete: "Delete"}

// roleRoutes adds the pages and actions that change roles.
func (c *Console) roleRoutes() {
	c.member("POST /roles", c.act(c.createRole, c.showRoles))
	c.member("POST /roles/{role_id}", c.act(c.updateRole, c.showRole))
	c.member("POST /roles/{role_id}/delete", c.act(c.deleteRole, c.showRole))
	c.member("POST /roles/{role_id}/restore", c.act(c.restoreRole, c.showRoles))
	c.member("POST /roles/{role_id}/policies", c.act(c.attachRolePolicy, c.showRole))
	c.member("POST /roles/{role_id}/policies/{policy_id}/detach", c.act(c.detachRolePolicy, c.showRole))
}

// loadGrid reads the grid's rows from the catalog, through the service,
// with g's cells checked; nil when the member may not read the catalog.
func (c *Console) loadGrid(ctx context.Context, g policy.Grid) (*gridForm, error) {
	if !c.allowed(ctx, "iam.catalog.List", "") {
		return nil, nil
	}
	f := &gridForm{}
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		groups, info, err := c.svc.ListGridGroups(ctx, page)
		if err != nil {
			return nil, err
		}
		for _, sg := range groups {
			row := gridRow{ID: sg.ID, Name: sg.Name}
			for _, l := range policy.GridLevels() {
				row.Cells = append(row.Cells, gridCell{Level: l, Label: gridLabels[l], Offered: sg.Allows(l), Checked: g.Has(sg.ID, l)})
			}
			f.Rows = append(f.Rows, row)
		}
		if info.Next == "" {
			return f, nil
		}
		page.Cursor = info.Next
	}
}

// readGrid reads the grid of a role form: for each service group, the
// checked columns of fields grid.<group>. It is nil when nothing is
// checked, unless always: a role that is defined by a grid stays so when
// every cell is cleared.
func readGrid(r *http.Request, always bool) policy.Grid {
	_ = r.ParseForm()
	g := policy.Grid{}
	for k, vs := range r.PostForm {
		id, ok := strings.CutPrefix(k, "grid.")
		if !ok {
			continue
		}
		for _, v := range vs {
			g[id] = append(g[id], policy.GridLevel(v))
		}
	}
	if len(g) == 0 && !always {
		return nil
	}
	return g
}

// loadRoleEdit reads the controls of a role's page.
func (c *Console) loadRoleEdit(ctx context.Context, role *service.RoleDetail) (*roleEdit, error) {
	id := string(role.ID)
	e := &roleEdit{}
	if !role.System {
		e.Update, e.Delete = c.allowed(ctx, "iam.role.Update", id), c.allowed(ctx, "iam.role.Delete", id)
	}
	var err error
	if role.Grid != nil || e.Update {
		if e.Grid, err = c.loadGrid(ctx, role.Grid); err != nil {
			return nil, err
		}
		if e.Grid != nil {
			e.Grid.Disabled = !e.Update
		}
	}
	if role.System {
		return e, nil
	}
	e.Policies, err = c.loadAttachments(ctx, rolePath(role.ID), role.Policies,
		func(keyward.PolicyID) bool { return c.allowed(ctx, "iam.role.DetachPolicy", id) },
		func(keyward.PolicyID) bool { return c.allowed(ctx, "iam.role.AttachPolicy", id) })
	return e, err
}

func rolePath(id keyward.RoleID) string { return "/roles/" + string(id) }

// roleInput reads a role form. The session length is for assumable
// roles; zero keeps the current one.
func roleInput(r *http.Request, gridRole bool) service.RoleInput {
	secs, _ := strconv.Atoi(r.PostFormValue("max_session_duration"))
	return service.RoleInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description"),
		Type: keyward.RoleType(r.PostFormValue("role_type")), MaxSessionSeconds: secs, Grid: readGrid(r, gridRole)}
}

// createRole creates a custom role, defined by the grid when a cell of it
// is checked, and otherwise by the policies attached to it afterwards.
func (c *Console) createRole(ctx context.Context, r *http.Request, s *session) (string, error) {
	role, err := c.svc.CreateRole(ctx, roleInput(r, false))
	if err != nil {
		return "", err
	}
	return rolePath(role.ID), nil
}

// updateRole renames a custom role, replaces its description and, for a
// role defined by the grid (or one given cells now), its grid.
func (c *Console) updateRole(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.RoleID(r.PathValue("role_id"))
	_, err := c.svc.UpdateRole(ctx, id, roleInput(r, r.PostFormValue("grid_role") != ""))
	return rolePath(id), err
}

// deleteRole deletes a custom role (soft: it can be restored from the
// list of deleted roles).
func (c *Console) deleteRole(ctx context.Context, r *http.Request, s *session) (string, error) {
	return "/roles?deleted=1", c.svc.DeleteRole(ctx, keyward.RoleID(r.PathValue("role_id")))
}

func (c *Console) restoreRole(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.RoleID(r.PathValue("role_id"))
	_, err := c.svc.RestoreRole(ctx, id)
	return rolePath(id), err
}

func (c *Console) attachRolePolicy(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.RoleID(r.PathValue("role_id"))
	policy, err := c.picked(ctx, r, "policy_id", "policies")
	if err != nil {
		return "", err
	}
	_, err = c.svc.AttachRolePolicy(ctx, id, keyward.PolicyID(policy))
	return rolePath(id), err
}

func (c *Console) detachRolePolicy(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.RoleID(r.PathValue("role_id"))
	return rolePath(id), c.svc.DetachRolePolicy(ctx, id, keyward.PolicyID(r.PathValue("policy_id")))
}
