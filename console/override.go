package console

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// overridesPart is the overrides section of a project's page (seed
// 003's "Override Permissions"): the members whose permissions inside
// the project are replaced by a grid, with the forms to set and remove
// one when the engine lets the member.
type overridesPart struct {
	Rows  []overrideRow
	Pager pager
	// Update is whether the member may set overrides; the form then
	// picks a member and offers the team roles' grids as Presets and the
	// grid's Groups (when the member may read the catalog).
	Update  bool
	Delete  bool
	Presets []policy.BuiltinRole
	Groups  []service.GridGroup
	Levels  []policy.GridLevel
}

// overrideRow is a member's override, with the member's label.
type overrideRow struct {
	*service.Override
	Member string
}

// Cells lists the override's grid as "group: levels", by group id, for
// the page.
func (o overrideRow) Cells() string {
	var out []string
	for _, id := range slices.Sorted(maps.Keys(o.Grid)) {
		if ls := o.Grid[id]; len(ls) > 0 {
			levels := make([]string, len(ls))
			for i, l := range ls {
				levels[i] = string(l)
			}
			out = append(out, id+": "+strings.Join(levels, ", "))
		}
	}
	if len(out) == 0 {
		return "nothing"
	}
	return strings.Join(out, "; ")
}

// loadOverrides reads the page of the project's overrides r asks for
// (?overrides=), when the member may read them; nil otherwise. A member
// is named when the member may read it, by its id otherwise.
func (c *Console) loadOverrides(r *http.Request, project keyward.ProjectID) (*overridesPart, error) {
	ctx, id := r.Context(), string(project)
	if ok, err := c.svc.Allowed(ctx, "iam.override.Read", id, id); err != nil || !ok {
		return nil, err
	}
	os, info, err := c.svc.ListOverrides(ctx, project, pageAt(r, "overrides"))
	if err != nil {
		return nil, err
	}
	d := &overridesPart{Presets: teamRoles(), Levels: policy.GridLevels(), Pager: pagerAt(projectPath(project), "overrides", info)}
	for _, o := range os {
		d.Rows = append(d.Rows, overrideRow{o, c.userLabel(ctx, o.UserID)})
	}
	if d.Delete, err = c.svc.Allowed(ctx, "iam.override.Delete", id, id); err != nil {
		return nil, err
	}
	if d.Update, err = c.svc.Allowed(ctx, "iam.override.Update", id, id); err != nil || !d.Update {
		return d, err
	}
	if ok, _ := c.svc.Allowed(ctx, "iam.catalog.List", "", ""); ok {
		if d.Groups, _, err = c.svc.ListGridGroups(ctx, keyward.Page{Limit: keyward.MaxPerPage}); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// formGrid is the grid the override form posts: a team role's grid
// (preset) or, with preset "custom", the boxes ticked (grid.<group> =
// level).
func formGrid(r *http.Request) (policy.Grid, error) {
	preset := r.PostFormValue("preset")
	if preset != "custom" {
		for _, tr := range teamRoles() {
			if tr.Name == preset && tr.Grid != nil {
				return tr.Grid, nil
			}
		}
		return nil, keyward.FieldError("preset", "preset %q is not a team role with a grid, nor custom.", preset)
	}
	g := policy.Grid{}
	for key, values := range r.PostForm {
		if group, ok := strings.CutPrefix(key, "grid."); ok {
			for _, v := range values {
				g[group] = append(g[group], policy.GridLevel(v))
			}
		}
	}
	return g, nil
}

// setOverride sets the chosen member's override on the path's project.
func (c *Console) setOverride(ctx context.Context, r *http.Request, s *session) error {
	user, err := c.picked(ctx, r, "user_id", "users")
	if err != nil {
		return err
	}
	g, err := formGrid(r)
	if err != nil {
		return err
	}
	_, err = c.svc.PutOverride(ctx, keyward.ProjectID(r.PathValue("project_id")), keyward.UserID(user), g)
	return err
}

// deleteOverride removes a member's override: its roles apply in the
// project again.
func (c *Console) deleteOverride(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteOverride(ctx, keyward.ProjectID(r.PathValue("project_id")), keyward.UserID(r.PathValue("user_id")))
}
