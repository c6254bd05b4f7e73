package console

import (
	"context"
	"net/http"
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

// policyPage is a policy's page: its document, who it is attached to (for
// the lists the member may read) and the controls it may use.
type policyPage struct {
	Policy *service.PolicyDetail
	JSON   string
	Users  []*service.UserAssignment
	Groups []*service.GroupDetail
	Roles  []roleRow
	// The lists the member may read, and the controls it may use.
	ListUsers, ListGroups, ListRoles                 bool
	Edit, Delete                                     bool
	AttachUser, DetachUser, AttachGroup, DetachGroup bool
	Candidates                                       attachCandidates
}

// roleRow is a role a policy is attached to, and whether the member may
// detach it.
type roleRow struct {
	*service.RoleDetail
	Detach bool
}

// attachCandidates are what the attach forms offer: the members and
// groups the member may list, and the custom roles it may attach
// policies to.
type attachCandidates struct {
	Users  []*keyward.User
	Groups []*service.GroupDetail
	Roles  []*service.RoleDetail
}

// policyRoutes adds the Policies pages and their actions.
func (c *Console) policyRoutes() {
	c.mux.Handle("GET /policies", c.signedIn(c.handlePolicies))
	c.mux.Handle("GET /policies/new", c.signedIn(c.handleNewPolicy))
	c.mux.Handle("POST /policies", c.signedIn(c.handleSavePolicy))
	c.mux.Handle("POST /policies/preview", c.signedIn(c.handlePolicyPreview))
	c.mux.Handle("GET /policies/{policy_id}", c.signedIn(c.handlePolicy))
	c.mux.Handle("GET /policies/{policy_id}/edit", c.signedIn(c.handleEditPolicy))
	c.mux.Handle("POST /policies/{policy_id}", c.signedIn(c.handleSavePolicy))
	c.mux.Handle("POST /policies/{policy_id}/delete", c.signedIn(c.policyAction(c.deletePolicy)))
	c.mux.Handle("POST /policies/{policy_id}/restore", c.signedIn(c.policyAction(c.restorePolicy)))
	c.mux.Handle("POST /policies/{policy_id}/users", c.signedIn(c.policyAction(c.attachPolicyUser)))
	c.mux.Handle("POST /policies/{policy_id}/users/{user_id}/detach", c.signedIn(c.policyAction(c.detachPolicyUser)))
	c.mux.Handle("POST /policies/{policy_id}/groups", c.signedIn(c.policyAction(c.attachPolicyGroup)))
	c.mux.Handle("POST /policies/{policy_id}/groups/{group_id}/detach", c.signedIn(c.policyAction(c.detachPolicyGroup)))
	c.mux.Handle("POST /policies/{policy_id}/roles", c.signedIn(c.policyAction(c.attachPolicyRole)))
	c.mux.Handle("POST /policies/{policy_id}/roles/{role_id}/detach", c.signedIn(c.policyAction(c.detachPolicyRole)))
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
	d.Pager, d.Create = deletedPagerOf("/policies", info, d.Deleted), c.allowed(ctx, "iam.policy.Create", "")
	for _, p := range ps {
		d.Policies = append(d.Policies, policyRow{p, d.Deleted && c.allowed(ctx, "iam.policy.Restore", string(p.ID))})
	}
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

// loadPolicy reads what a policy's page shows besides the policy.
func (c *Console) loadPolicy(ctx context.Context, pol *service.PolicyDetail) (*policyPage, error) {
	id := string(pol.ID)
	d := &policyPage{Policy: pol, JSON: indentJSON(pol.Document),
		ListUsers: c.allowed(ctx, "iam.policy.ListUsers", id), ListGroups: c.allowed(ctx, "iam.policy.ListGroups", id),
		ListRoles:  c.allowed(ctx, "iam.policy.ListRoles", id),
		Edit:       !pol.Managed && c.allowed(ctx, "iam.policy.Update", id),
		Delete:     !pol.Managed && c.allowed(ctx, "iam.policy.Delete", id),
		AttachUser: c.allowed(ctx, "iam.policy.AttachUser", id), DetachUser: c.allowed(ctx, "iam.policy.DetachUser", id),
		AttachGroup: c.allowed(ctx, "iam.policy.AttachGroup", id), DetachGroup: c.allowed(ctx, "iam.policy.DetachGroup", id),
	}
	first := keyward.Page{Limit: keyward.MaxPerPage}
	var err error
	if d.ListUsers {
		if d.Users, _, err = c.svc.ListPolicyUsers(ctx, pol.ID, first); err != nil {
			return nil, err
		}
	}
	if d.ListGroups {
		if d.Groups, _, err = c.svc.ListPolicyGroups(ctx, pol.ID, first); err != nil {
			return nil, err
		}
	}
	if d.ListRoles {
		roles, _, err := c.svc.ListPolicyRoles(ctx, pol.ID, first)
		if err != nil {
			return nil, err
		}
		for _, role := range roles {
			d.Roles = append(d.Roles, roleRow{role, c.allowed(ctx, "iam.role.DetachPolicy", string(role.ID))})
		}
	}
	d.Candidates = c.attachCandidates(ctx)
	return d, nil
}

// attachCandidates reads what the member may list of the members, groups
// and custom roles, for the attach forms; what it may not list is left
// out.
func (c *Console) attachCandidates(ctx context.Context) attachCandidates {
	var a attachCandidates
	first := keyward.Page{Limit: keyward.MaxPerPage}
	if c.allowed(ctx, "iam.user.List", "") {
		a.Users, _, _ = c.svc.ListUsers(ctx, keyward.UserFilter{Page: first})
	}
	if c.allowed(ctx, "iam.group.List", "") {
		a.Groups, _, _ = c.svc.ListGroups(ctx, false, first)
	}
	if c.allowed(ctx, "iam.role.List", "") {
		roles, _, _ := c.svc.ListRoles(ctx, keyward.RoleFilter{Page: first})
		for _, r := range roles {
			if !r.System && c.allowed(ctx, "iam.role.AttachPolicy", string(r.ID)) {
				a.Roles = append(a.Roles, r)
			}
		}
	}
	return a
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
	return policyPath(id), c.svc.AttachPolicyUser(ctx, id, keyward.UserID(r.PostFormValue("user_id")))
}

func (c *Console) detachPolicyUser(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.DetachPolicyUser(ctx, id, keyward.UserID(r.PathValue("user_id")))
}

func (c *Console) attachPolicyGroup(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.AttachPolicyGroup(ctx, id, keyward.GroupID(r.PostFormValue("group_id")))
}

func (c *Console) detachPolicyGroup(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	return policyPath(id), c.svc.DetachPolicyGroup(ctx, id, keyward.GroupID(r.PathValue("group_id")))
}

func (c *Console) attachPolicyRole(ctx context.Context, r *http.Request, id keyward.PolicyID) (string, error) {
	_, err := c.svc.AttachRolePolicy(ctx, keyward.RoleID(r.PostFormValue("role_id")), id)
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
