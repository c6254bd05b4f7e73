package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// groupsPage is the Groups page's data: a page of the organization's
// groups, or with Deleted a page of its deleted groups, and whether the
// member may create one.
type groupsPage struct {
	Groups  []groupListRow
	Pager   pager
	Deleted bool
	Create  bool
}

// groupListRow is a group of the list, and whether the member may restore
// it (a deleted one).
type groupListRow struct {
	*service.GroupDetail
	Restore bool
}

// groupPage is a group's page: the group and a page of its members, when
// the engine lets the member list them, and the controls it may use.
type groupPage struct {
	Group       *service.GroupDetail
	ListMembers bool
	Members     []*keyward.GroupMemberView
	Pager       pager
	Edit        *groupEdit
}

// handleGroups lists the organization's groups.
func (c *Console) handleGroups(w http.ResponseWriter, r *http.Request, s *session) {
	c.showGroups(w, r, s, nil)
}

// showGroups renders the Groups page (?deleted=1: the deleted groups, each
// with its restore control when the engine allows it), with the problem
// of an action on it (err).
func (c *Console) showGroups(w http.ResponseWriter, r *http.Request, s *session, err error) {
	ctx := r.Context()
	d := groupsPage{Deleted: listingDeleted(r)}
	groups, info, lerr := c.svc.ListGroups(ctx, keyward.GroupFilter{Deleted: d.Deleted, Page: pageOf(r)})
	if lerr != nil {
		err = lerr
	}
	d.Create = !d.Deleted && c.allowed(ctx, "iam.group.Create", "")
	d.Groups, d.Pager = restorable(ctx, c, "/groups", d.Deleted, info, groups, "iam.group.Restore",
		func(g *service.GroupDetail) string { return string(g.ID) },
		func(g *service.GroupDetail, restore bool) groupListRow { return groupListRow{g, restore} })
	c.render(w, r, "groups.html", view{Title: "Groups", Me: s, Data: d}, err)
}

// handleGroup shows one group with its members.
func (c *Console) handleGroup(w http.ResponseWriter, r *http.Request, s *session) {
	c.showGroup(w, r, s, nil)
}

// showGroup renders a group's page, with the problem of an action on it
// (err).
func (c *Console) showGroup(w http.ResponseWriter, r *http.Request, s *session, err error) {
	ctx, id := r.Context(), keyward.GroupID(r.PathValue("group_id"))
	v := view{Title: "Group", Me: s}
	g, gerr := c.svc.GetGroup(ctx, id)
	if gerr != nil {
		c.render(w, r, "group.html", v, gerr)
		return
	}
	d := groupPage{Group: g}
	v.Title, v.Data = g.Name, &d
	var lerr error
	if d.ListMembers, lerr = c.svc.Allowed(ctx, "iam.group.ListMembers", string(id), ""); lerr == nil && d.ListMembers {
		var info keyward.PageInfo
		d.Members, info, lerr = c.svc.ListGroupMembers(ctx, id, pageOf(r))
		d.Pager = pagerOf("/groups/"+string(id), info)
	}
	if lerr == nil {
		d.Edit, lerr = c.loadGroupEdit(ctx, g)
	}
	if lerr != nil {
		err = lerr
	}
	c.render(w, r, "group.html", v, err)
}
