package console

import (
	"context"
	"net/http"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/service"
)

// teamPage is the Team page's data (seed 003's Team Members page): the
// members with their roles and status, the pending invitations, the
// service users and their keys, and which controls the member may use.
type teamPage struct {
	Members         []memberRow
	Pager           pager // of the members
	Invitations     []invitationRow
	InvitationPager pager
	Services        []serviceRow
	ServicePager    pager
	// TeamRoles are the built-in Admin, Operator and Viewer, which the
	// invite and change-role forms offer.
	TeamRoles []policy.BuiltinRole
	// ShowRoles is whether the member may read the organization's role
	// assignments, where the roles column comes from.
	ShowRoles bool
	// ShowTags is whether the member may list the tags of any member on
	// the page, for the tags column.
	ShowTags bool
	Can      teamControls
	// NewKey is the secret of a key just created, shown this once.
	NewKey *newKey
}

// teamControls says which of the page's forms to show: each is what the
// engine decides for the member, on the organization or the invitation
// list; the per-member controls are in memberRow.
type teamControls struct {
	Invite, ListInvitations, CreateServiceUser bool
}

// invitationRow is a pending invitation and the controls the signed-in
// member may use on it.
type invitationRow struct {
	*keyward.Invitation
	Resend, Revoke bool
}

// memberRow is one member and the controls the signed-in member may use
// on it.
type memberRow struct {
	User  *keyward.User
	Roles []string
	// TeamRole is the built-in team role bound to the member, if any.
	TeamRole                               string
	ChangeRole, Suspend, Unsuspend, Remove bool
	Tags                                   memberTags
}

// serviceRow is a service user with its live keys.
type serviceRow struct {
	User *keyward.User
	Keys keyList
}

// teamRoles are the built-in roles of the team family, which the Team
// page assigns. Their ids and names are the same in every organization.
func teamRoles() []policy.BuiltinRole {
	return slices.DeleteFunc(policy.BuiltinRoles(nil), func(r policy.BuiltinRole) bool { return r.Family != policy.FamilyTeam })
}

// handleTeam shows the Team page.
func (c *Console) handleTeam(w http.ResponseWriter, r *http.Request, s *session) {
	c.showTeam(w, r, s, nil, nil)
}

// showTeam renders the Team page, with the problem of an action (err) or
// a key just created. A member the engine does not let list users sees
// the refusal and its explanation instead of the team.
func (c *Console) showTeam(w http.ResponseWriter, r *http.Request, s *session, key *newKey, err error) {
	v := view{Title: "Team", Me: s}
	d, lerr := c.loadTeam(r.Context(), s, r)
	if lerr != nil {
		c.render(w, r, "team.html", v, lerr)
		return
	}
	d.NewKey = key
	v.Data = d
	c.render(w, r, "team.html", v, err)
}

// loadTeam reads the page's data through the service, as the member.
func (c *Console) loadTeam(ctx context.Context, s *session, r *http.Request) (*teamPage, error) {
	users, info, err := c.svc.ListUsers(ctx, keyward.UserFilter{Page: pageOf(r)})
	if err != nil {
		return nil, err
	}
	org := string(s.Principal.OrgID)
	d := &teamPage{Pager: pagerOf("/team", info), TeamRoles: teamRoles(),
		ShowRoles: c.allowed(ctx, "iam.binding.Read", org),
		Can: teamControls{Invite: c.allowed(ctx, "iam.invitation.Create", ""), ListInvitations: c.allowed(ctx, "iam.invitation.List", ""),
			CreateServiceUser: c.allowed(ctx, "iam.user.Create", "")}}
	roles := map[string][]string{}
	if d.ShowRoles {
		as, err := c.svc.GetRoleAssignments(ctx, s.Principal.OrgID, "")
		if err != nil {
			return nil, err
		}
		for _, a := range as.Assignments {
			if a.IdentityType == string(keyward.PrincipalUser) {
				roles[a.IdentityID] = append(roles[a.IdentityID], a.RoleName)
			}
		}
	}
	changeRole := c.allowed(ctx, "iam.binding.Update", org)
	for _, u := range users {
		id := string(u.Account.ID)
		row := memberRow{User: u, Roles: roles[id], ChangeRole: changeRole && !u.Owner && !u.Account.Service}
		for _, name := range row.Roles {
			if isTeamRole(name) {
				row.TeamRole = name
			}
		}
		if !u.Owner && u.Account.ID != s.Principal.UserID {
			row.Suspend = u.Status == keyward.StatusActive && c.allowed(ctx, "iam.organization.SuspendUser", id)
			row.Unsuspend = u.Status == keyward.StatusSuspended && c.allowed(ctx, "iam.organization.UnsuspendUser", id)
			row.Remove = c.allowed(ctx, "iam.organization.RemoveUser", id)
		}
		if row.Tags, err = c.loadMemberTags(ctx, s, u); err != nil {
			return nil, err
		}
		d.ShowTags = d.ShowTags || row.Tags.Show
		d.Members = append(d.Members, row)
	}
	if d.Can.ListInvitations {
		invs, info, err := c.svc.ListInvitations(ctx, keyward.InvitationFilter{Status: keyward.InvitationPending,
			Page: pageAt(r, "invitations")})
		if err != nil {
			return nil, err
		}
		d.InvitationPager = pagerAt("/team", "invitations", info)
		for _, inv := range invs {
			id := string(inv.ID)
			d.Invitations = append(d.Invitations, invitationRow{inv, c.allowed(ctx, "iam.invitation.Resend", id), c.allowed(ctx, "iam.invitation.Revoke", id)})
		}
	}
	services, info, err := c.svc.ListUsers(ctx, keyward.UserFilter{Kind: keyward.KindService, Page: pageAt(r, "services")})
	if err != nil {
		return nil, err
	}
	d.ServicePager = pagerAt("/team", "services", info)
	for _, u := range services {
		id := string(u.Account.ID)
		keys, err := c.loadKeys(ctx, u.Account.ID, "/team/service-users/"+id)
		if err != nil {
			return nil, err
		}
		d.Services = append(d.Services, serviceRow{User: u, Keys: keys})
	}
	return d, nil
}

// teamAction runs a and, when it succeeds, shows the Team page again
// through a redirect, so that a reload does not repeat it; a refusal
// shows on the page with its explanation.
func (c *Console) teamAction(a step) memberHandler {
	return c.act(stay("/team", a), func(w http.ResponseWriter, r *http.Request, s *session, err error) {
		c.showTeam(w, r, s, nil, err)
	})
}

// invite invites an email with a team role.
func (c *Console) invite(ctx context.Context, r *http.Request, s *session) error {
	in := service.InvitationInput{Email: r.PostFormValue("email")}
	if role := r.PostFormValue("role_id"); role != "" {
		in.RoleIDs = []keyward.RoleID{keyward.RoleID(role)}
	}
	_, err := c.svc.CreateInvitation(ctx, in)
	return err
}

// resend sends an invitation's email again, with a new link.
func (c *Console) resend(ctx context.Context, r *http.Request, s *session) error {
	_, err := c.svc.ResendInvitation(ctx, keyward.InvitationID(r.PathValue("invitation_id")))
	return err
}

// revoke revokes an invitation.
func (c *Console) revoke(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.RevokeInvitation(ctx, keyward.InvitationID(r.PathValue("invitation_id")))
}

// isTeamRole reports whether name is the name of a team role.
func isTeamRole(name string) bool {
	return slices.ContainsFunc(teamRoles(), func(tr policy.BuiltinRole) bool { return tr.Name == name })
}

// changeRole gives a member another team role: in one write of the
// organization's role assignments, guarded by the ETag it read, it
// replaces the member's team roles with the chosen one and keeps every
// other assignment.
func (c *Console) changeRole(ctx context.Context, r *http.Request, s *session) error {
	user, role := r.PathValue("user_id"), r.PostFormValue("role_name")
	if !isTeamRole(role) {
		return keyward.FieldError("role_name", "role_name %q is not one of the team roles.", role)
	}
	doc, err := c.svc.GetRoleAssignments(ctx, s.Principal.OrgID, "")
	if err != nil {
		return err
	}
	as := slices.DeleteFunc(doc.Assignments, func(a service.ScopeAssignment) bool {
		return a.IdentityID == user && a.IdentityType == string(keyward.PrincipalUser) && isTeamRole(a.RoleName)
	})
	as = append(as, service.ScopeAssignment{IdentityID: user, IdentityType: string(keyward.PrincipalUser), RoleName: role})
	_, err = c.svc.PutRoleAssignments(ctx, s.Principal.OrgID, "", as, doc.ETag)
	return err
}

// suspend returns the action that suspends (or, with !on, unsuspends) a
// member.
func (c *Console) suspend(on bool) step {
	return func(ctx context.Context, r *http.Request, s *session) error {
		id := keyward.UserID(r.PathValue("user_id"))
		if on {
			return c.svc.SuspendUser(ctx, s.Principal.OrgID, id)
		}
		return c.svc.UnsuspendUser(ctx, s.Principal.OrgID, id)
	}
}

// remove removes a member from the organization.
func (c *Console) remove(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.RemoveOrgUser(ctx, s.Principal.OrgID, keyward.UserID(r.PathValue("user_id")))
}
