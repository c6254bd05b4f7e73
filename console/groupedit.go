package console

import (
	"context"
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// groupEdit is what a group's page offers the member to change: each
// control is shown only when the engine allows it.
type groupEdit struct {
	Update, Delete, AddMember, RemoveMember bool
	// Policies is the group's policies, when the member may list them.
	Policies *policyAttachments
}

// groupRoutes adds the actions that change groups.
func (c *Console) groupRoutes() {
	c.member("POST /groups", c.act(c.createGroup, c.showGroups))
	c.member("POST /groups/{group_id}", c.act(c.updateGroup, c.showGroup))
	c.member("POST /groups/{group_id}/delete", c.act(c.deleteGroup, c.showGroup))
	c.member("POST /groups/{group_id}/restore", c.act(c.restoreGroup, c.showGroups))
	c.member("POST /groups/{group_id}/members", c.act(c.addGroupMember, c.showGroup))
	c.member("POST /groups/{group_id}/members/{user_id}/remove", c.act(c.removeGroupMember, c.showGroup))
	c.member("POST /groups/{group_id}/policies", c.act(c.attachGroupPolicy, c.showGroup))
	c.member("POST /groups/{group_id}/policies/{policy_id}/detach", c.act(c.detachGroupPolicy, c.showGroup))
}

// loadGroupEdit reads the controls of group g's page. A group imported
// from an identity provider is read-only here: its members come from the
// provider.
func (c *Console) loadGroupEdit(ctx context.Context, g *service.GroupDetail) (*groupEdit, error) {
	id := string(g.ID)
	e := &groupEdit{Update: c.allowed(ctx, "iam.group.Update", id), Delete: c.allowed(ctx, "iam.group.Delete", id)}
	if g.Source == "" {
		e.AddMember, e.RemoveMember = c.allowed(ctx, "iam.group.AddMember", id), c.allowed(ctx, "iam.group.RemoveMember", id)
	}
	if !c.allowed(ctx, "iam.group.ListPolicies", id) {
		return e, nil
	}
	set, _, err := c.svc.ListGroupPolicies(ctx, g.ID, keyward.Page{Limit: keyward.MaxPerPage})
	if err != nil {
		return nil, err
	}
	e.Policies, err = c.loadAttachments(ctx, groupPath(g.ID), set.Direct,
		func(p keyward.PolicyID) bool { return c.allowed(ctx, "iam.policy.DetachGroup", string(p)) },
		func(p keyward.PolicyID) bool { return c.allowed(ctx, "iam.policy.AttachGroup", string(p)) })
	return e, err
}

func groupPath(id keyward.GroupID) string { return "/groups/" + string(id) }

// groupInput reads the name and description of a group form.
func groupInput(r *http.Request) service.GroupInput {
	return service.GroupInput{Name: r.PostFormValue("name"), Description: r.PostFormValue("description")}
}

func (c *Console) createGroup(ctx context.Context, r *http.Request, s *session) (string, error) {
	g, err := c.svc.CreateGroup(ctx, groupInput(r))
	if err != nil {
		return "", err
	}
	return groupPath(g.ID), nil
}

// updateGroup renames a group and replaces its description.
func (c *Console) updateGroup(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	_, err := c.svc.UpdateGroup(ctx, id, groupInput(r))
	return groupPath(id), err
}

// deleteGroup deletes a group (soft: it can be restored from the list of
// deleted groups): its members lose what it granted them.
func (c *Console) deleteGroup(ctx context.Context, r *http.Request, s *session) (string, error) {
	return "/groups?deleted=1", c.svc.DeleteGroup(ctx, keyward.GroupID(r.PathValue("group_id")))
}

// restoreGroup restores a deleted group with its members and grants.
func (c *Console) restoreGroup(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	_, err := c.svc.RestoreGroup(ctx, id)
	return groupPath(id), err
}

func (c *Console) addGroupMember(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	user, err := c.picked(ctx, r, "user_id", "users")
	if err != nil {
		return "", err
	}
	return groupPath(id), c.svc.AddGroupMember(ctx, id, keyward.UserID(user))
}

func (c *Console) removeGroupMember(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	return groupPath(id), c.svc.RemoveGroupMember(ctx, id, keyward.UserID(r.PathValue("user_id")))
}

func (c *Console) attachGroupPolicy(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	policy, err := c.picked(ctx, r, "policy_id", "policies")
	if err != nil {
		return "", err
	}
	return groupPath(id), c.svc.AttachPolicyGroup(ctx, keyward.PolicyID(policy), id)
}

func (c *Console) detachGroupPolicy(ctx context.Context, r *http.Request, s *session) (string, error) {
	id := keyward.GroupID(r.PathValue("group_id"))
	return groupPath(id), c.svc.DetachPolicyGroup(ctx, keyward.PolicyID(r.PathValue("policy_id")), id)
}
