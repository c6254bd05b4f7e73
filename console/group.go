package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// groupsPage is the Groups page's data: a page of the organization's
// groups.
type groupsPage struct {
	Groups []*service.GroupDetail
	Pager  pager
}

// groupPage is a group's page: the group and a page of its members, when
// the engine lets the member list them.
type groupPage struct {
	Group       *service.GroupDetail
	ListMembers bool
	Members     []*keyward.GroupMemberView
	Pager       pager
}

// handleGroups lists the organization's groups.
func (c *Console) handleGroups(w http.ResponseWriter, r *http.Request, s *session) {
	groups, info, err := c.svc.ListGroups(r.Context(), pageOf(r))
	c.render(w, r, "groups.html", view{Title: "Groups", Me: s, Data: groupsPage{groups, pagerOf("/groups", info)}}, err)
}

// handleGroup shows one group with its members.
func (c *Console) handleGroup(w http.ResponseWriter, r *http.Request, s *session) {
	ctx, id := r.Context(), keyward.GroupID(r.PathValue("group_id"))
	v := view{Title: "Group", Me: s}
	g, err := c.svc.GetGroup(ctx, id)
	if err != nil {
		c.render(w, r, "group.html", v, err)
		return
	}
	d := groupPage{Group: g}
	v.Title, v.Data = g.Name, &d
	if d.ListMembers, err = c.svc.Allowed(ctx, "iam.group.ListMembers", string(id), ""); err == nil && d.ListMembers {
		var info keyward.PageInfo
		d.Members, info, err = c.svc.ListGroupMembers(ctx, id, pageOf(r))
		d.Pager = pagerOf("/groups/"+string(id), info)
	}
	c.render(w, r, "group.html", v, err)
}
