package console

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// policiesPage is the Policies page's data: a page of the policies (the
// managed ones first), or of the deleted custom ones, with the controls
// the member may use.
type policiesPage struct {
	Policies []policyRow
	Deleted  bool
	Pager    pager
	Create   bool
}

// policyRow is a policy of a list and whether the member may restore it
// (a deleted one).
type policyRow struct {
	*service.PolicyDetail
	Restore bool
}

// policyPage is a policy's page: its document, who it is attached to
// (the sections of the lists the member may read) and the controls it
// may use.
type policyPage struct {
	Policy       *service.PolicyDetail
	JSON         string
	Edit, Delete bool
	// Holders are the Users, Groups and Roles sections, those the member
	// may read.
	Holders []*holders
}

// holders is a section of a policy's page: the users, groups or roles
// (Noun, Label, Title, and the pick Kind) the policy is attached to, with
// their detach buttons, and whether the member may attach the policy to
// another (the pick's Field). The forms post under Path.
type holders struct {
	Noun, Label, Title, Kind, Field, Path string
	Rows                                  []holder
	Attach                                bool
}

// holder is a user, group or role a policy is attached to: its id, name,
// page (none for a user) and whether the member may detach it.
type holder struct {
	ID, Name, Href string
	Detach         bool
}

// policyRoutes adds the Policies pages and their actions.
func (c *Console) policyRoutes() {
	c.member("GET /policies", c.handlePolicies)
	c.member("GET /policies/new", c.handleNewPolicy)
	c.member("POST /policies", c.handleSavePolicy)
	c.member("POST /policies/preview", c.handlePolicyPreview)
	c.member("GET /policies/{policy_id}", c.handlePolicy)
	c.member("GET /policies/{policy_id}/edit", c.handleEditPolicy)
	c.member("POST /policies/{policy_id}", c.handleSavePolicy)
	c.member("POST /policies/{policy_id}/delete", c.policyAction(c.deletePolicy))
	c.member("POST /policies/{policy_id}/restore", c.policyAction(c.restorePolicy))
	c.member("POST /policies/{policy_id}/users", c.policyAction(c.attachPolicyUser))
	c.member("POST /policies/{policy_id}/users/{user_id}/detach", c.policyAction(c.detachPolicyUser))
	c.member("POST /policies/{policy_id}/groups", c.policyAction(c.attachPolicyGroup))
	c.member("POST /policies/{policy_id}/groups/{group_id}/detach", c.policyAction(c.detachPolicyGroup))
	c.member("POST /policies/{policy_id}/roles", c.policyAction(c.attachPolicyRole))
	c.member("POST /policies/{policy_id}/roles/{role_id}/detach", c.policyAction(c.detachPolicyRole))
}

// handlePolicies lists the policies, or with ?deleted=1 the deleted
// custom policies, each with its restore control.
func (c *Console) handlePolicies(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	d := policiesPage{Deleted: listingDeleted(r)}
	v := view{Title: "Policies", Me: s, Data: &d}
	ps, info, err := c.svc.ListPolicies(ctx, service.PolicyFilter{Deleted: d.Deleted, Page: pageOf(r)})
	if err != nil {
		c.render(w, r, "policies.html", v, err)
		return
	}
	d.Create = c.allowed(ctx, "iam.policy.Create", "")
	d.Policies, d.Pager = restorable(ctx, c, "/policies", d.Deleted, info, ps, "iam.policy.Restore",
		func(p *service.PolicyDetail) string { return string(p.ID) },
		func(p *service.PolicyDetail, restore bool) policyRow { return policyRow{p, restore} })
	c.render(w, r, "policies.html", v, nil)
}

// handlePolicy shows one policy.
func (c *Console) handlePolicy(w http.ResponseWriter, r *http.Request, s *session) {
	c.showPolicy(w, r, s, nil)
}

// showPolicy renders a policy's page, with the problem of an action on it
// (err).
func (c *Console) showPolicy(w http.ResponseWriter, r *http.Request, s *session, err error) {
	ctx, id := r.Context(), keyward.PolicyID(r.PathValue("policy_id"))
	v := view{Title: "Policy", Me: s}
	pol, gerr := c.svc.GetPolicy(ctx, id)
	if gerr != nil {
		c.render(w, r, "policy.html", v, gerr)
		return
	}
	d, lerr := c.loadPolicy(ctx, pol)
	if lerr != nil {
		c.render(w, r, "policy.html", v, lerr)
		return
	}
	v.Title, v.Data = pol.Name, d
	c.render(w, r, "policy.html", v, err)
}

// loadPolicy reads what a policy's page shows besides the policy: each
// section holds the first keyward.MaxPerPage holders.
func (c *Console) loadPolicy(ctx context.Context, pol *service.PolicyDetail) (*policyPage, error) {
	id := string(pol.ID)
	d := &policyPage{Policy: pol, JSON: indentJSON(pol.Document),
		Edit:   !pol.Managed && c.allowed(ctx, "iam.policy.Update", id),
		Delete: !pol.Managed && c.allowed(ctx, "iam.policy.Delete", id),
	}
	first := keyward.Page{Limit: keyward.MaxPerPage}
	path := policyPath(pol.ID)
	if c.allowed(ctx, "iam.policy.ListUsers", id) {
		users, _, err := c.svc.ListPolicyUsers(ctx, pol.ID, first)
		if err != nil {
			return nil, err
		}
		h := &holders{Noun: "user", Label: "User", Title: "Users", Kind: "users", Field: "user_id", Path: path + "/users",
			Attach: c.allowed(ctx, "iam.policy.AttachUser", id)}
		detach := c.allowed(ctx, "iam.policy.DetachUser", id)
		for _, u := range users {
			h.Rows = append(h.Rows, holder{string(u.User.Account.ID), accountLabel(u.User.Account), "", detach})
		}
		d.Holders = append(d.Holders, h)
	}
	if c.allowed(ctx, "iam.policy.ListGroups", id) {
		groups, _, err := c.svc.ListPolicyGroups(ctx, pol.ID, first)
		if err != nil {
			return nil, err
		}
		h := &holders{Noun: "group", Label: "Group", Title: "Groups", Kind: "groups", Field: "group_id", Path: path + "/groups",
			Attach: c.allowed(ctx, "iam.policy.AttachGroup", id)}
		detach := c.allowed(ctx, "iam.policy.DetachGroup", id)
		for _, g := range groups {
			h.Rows = append(h.Rows, holder{string(g.ID), g.Name, groupPath(g.ID), detach})
		}
		d.Holders = append(d.Holders, h)
	}
	if c.allowed(ctx, "iam.policy.ListRoles", id) {
		roles, _, err := c.svc.ListPolicyRoles(ctx, pol.ID, first)
		if err != nil {
			return nil, err
		}
		// A role takes the policy when the member may attach policies to
		// it: the form is shown when it may to one of the first page of
		// custom roles.
		h := &holders{Noun: "role", Label: "Role", Title: "Roles", Kind: "roles", Field: "role_id", Path: path + "/roles"}
		if c.allowed(ctx, "iam.role.List", "") {
			custom, _, _ := c.svc.ListRoles(ctx, keyward.RoleFilter{Page: keyward.Page{Limit: perPage}})
			h.Attach = slices.ContainsFunc(custom, func(r *service.RoleDetail) bool {
				return !r.System && c.allowed(ctx, "iam.role.AttachPolicy", string(r.ID))
			})
		}
		for _, r := range roles {
			h.Rows = append(h.Rows, holder{string(r.ID), r.Name, rolePath(r.ID), c.allowed(ctx, "iam.role.DetachPolicy", string(r.ID))})
		}
		d.Holders = append(d.Holders, h)
	}
	return d, nil
}

// policyAction runs an action on the policy of the path; a refused or
// failed one shows on the policy's page.
func (c *Console) policyAction(a func(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error)) memberHandler {
	return c.act(func(ctx context.Context, r *http.Request, s *session) (string, error) {
		return a(ctx, r, keyward.PolicyID(r.PathValue("policy_id")))
	}, c.showPolicy)
}

func policyPath(id keyward.PolicyID) string { return "/policies/" + string(id) }

// deletePolicy deletes a custom policy (soft: it can be restored from the
// list of deleted policies).
func (c *Console) deletePolicy(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return "/policies?deleted=1", c.svc.DeletePolicy(ctx, id)
}

// restorePolicy restores a deleted custom policy.
func (c *Console) restorePolicy(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	_, err := c.svc.RestorePolicy(ctx, id)
	return policyPath(id), err
}

func (c *Console) attachPolicyUser(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	user, err := c.picked(ctx, r, "user_id", "users")
	if err != nil {
		return "", err
	}
	return policyPath(id), c.svc.AttachPolicyUser(ctx, id, keyward.UserID(user))
}

func (c *Console) detachPolicyUser(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.DetachPolicyUser(ctx, id, keyward.UserID(r.PathValue("user_id")))
}

func (c *Console) attachPolicyGroup(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	group, err := c.picked(ctx, r, "group_id", "groups")
	if err != nil {
		return "", err
	}
	return policyPath(id), c.svc.AttachPolicyGroup(ctx, id, keyward.GroupID(group))
}

func (c *Console) detachPolicyGroup(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.DetachPolicyGroup(ctx, id, keyward.GroupID(r.PathValue("group_id")))
}

func (c *Console) attachPolicyRole(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	role, err := c.picked(ctx, r, "role_id", "roles")
	if err != nil {
		return "", err
	}
	_, err = c.svc.AttachRolePolicy(ctx, keyward.RoleID(role), id)
	return policyPath(id), err
}

func (c *Console) detachPolicyRole(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.DetachRolePolicy(ctx, keyward.RoleID(r.PathValue("role_id")), id)
}

// editor is the editor page's data, and the builder fragment's: OOB asks
// the fragment to send the JSON half too, out of band.
type editor struct {
	*draft
	OOB bool
}

// handleNewPolicy opens the editor on a new policy with one statement.
func (c *Console) handleNewPolicy(w http.ResponseWriter, r *http.Request, s *session) {
	b, err := c.loadBuilder(r.Context())
	if err != nil {
		c.render(w, r, "message.html", view{Title: "New policy", Me: s}, err)
		return
	}
	d := &draft{Statements: []statementForm{newStatement()}, Builder: b}
	c.fromBuilder(r, d)
	d.Problems = nil // a blank statement is not a mistake yet
	c.render(w, r, "policyedit.html", view{Title: "New policy", Me: s, Data: editor{draft: d}}, nil)
}

// handleEditPolicy opens the editor on a custom policy.
func (c *Console) handleEditPolicy(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	v := view{Title: "Edit policy", Me: s}
	pol, err := c.svc.GetPolicy(ctx, keyward.PolicyID(r.PathValue("policy_id")))
	if err != nil {
		c.render(w, r, "message.html", v, err)
		return
	}
	b, err := c.loadBuilder(ctx)
	if err != nil {
		c.render(w, r, "message.html", v, err)
		return
	}
	d := &draft{ID: pol.ID, Version: pol.Version, Name: pol.Name, Description: pol.Description, JSON: indentJSON(pol.Document), Builder: b}
	c.fromJSON(r, d)
	v.Data = editor{draft: d}
	c.render(w, r, "policyedit.html", v, nil)
}

// handleSavePolicy creates the policy of the editor form, or updates the
// one of the path, from its JSON (which the builder keeps in step). A
// refusal or an invalid policy shows in the editor, which keeps what was
// written.
func (c *Console) handleSavePolicy(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	d, err := c.readDraft(r)
	if err != nil {
		c.render(w, r, "message.html", view{Title: "Error", Me: s}, err)
		return
	}
	in := service.PolicyInput{Name: d.Name, Description: d.Description, Document: []byte(d.JSON)}
	var pol *service.PolicyDetail
	if d.ID == "" {
		pol, err = c.svc.CreatePolicy(ctx, in)
	} else {
		in.IfMatch = strconv.FormatInt(d.Version, 10)
		pol, err = c.svc.UpdatePolicy(ctx, d.ID, in)
	}
	if err != nil {
		c.fromJSON(r, d)
		c.render(w, r, "policyedit.html", view{Title: "Edit policy", Me: s, Data: editor{draft: d}}, err)
		return
	}
	seeOther(w, r, policyPath(pol.ID))
}
