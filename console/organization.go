package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// orgPage is the Organization settings page's data: the organization,
// the controls the member may use (renaming is the engine's decision;
// deleting and transferring ownership are also the root owner's alone),
// and the deleted organizations of the member's account it may restore.
type orgPage struct {
	Org    *keyward.Organization
	Rename bool
	// RequireMFA is the organization's MFA requirement; Rename (the
	// engine's iam.organization.Update) also lets the member change it.
	RequireMFA bool
	// Owner is whether the member is the root owner, who alone deletes
	// the organization and transfers its ownership (Delete, Transfer:
	// when the engine allows it too).
	Owner            bool
	Delete, Transfer bool
	// Heirs are the members ownership may go to: active humans.
	Heirs   []identity
	Deleted []deletedOrg
}

// deletedOrg is a deleted organization with when it is purged.
type deletedOrg struct {
	*keyward.Organization
	PurgeAt *time.Time
}

// handleOrg shows the Organization settings page.
func (c *Console) handleOrg(w http.ResponseWriter, r *http.Request, s *session) {
	c.showOrg(w, r, s, nil)
}

// showOrg renders the Organization settings page, with the problem of an
// action (act), if any.
func (c *Console) showOrg(w http.ResponseWriter, r *http.Request, s *session, act error) {
	d, err := c.loadOrg(r.Context(), s)
	c.show(w, r, "organization.html", view{Title: "Organization settings", Me: s}, d, err, act)
}

// loadOrg reads the settings page through the service, as the member.
func (c *Console) loadOrg(ctx context.Context, s *session) (*orgPage, error) {
	org, err := c.svc.GetOrganization(ctx, s.Principal.OrgID)
	if err != nil {
		return nil, err
	}
	d := &orgPage{Org: org, Owner: s.Principal.Kind == keyward.KindRootOwner}
	if d.Rename, err = c.svc.Allowed(ctx, "iam.organization.Update", "", ""); err != nil {
		return nil, err
	}
	if d.RequireMFA, err = c.svc.RequireMFA(ctx, s.Principal.OrgID); err != nil {
		return nil, err
	}
	if !d.Owner {
		return d, nil
	}
	if d.Delete, err = c.svc.Allowed(ctx, "iam.organization.Delete", "", ""); err != nil {
		return nil, err
	}
	if d.Transfer, err = c.svc.Allowed(ctx, "iam.organization.TransferOwnership", "", ""); err != nil {
		return nil, err
	}
	if d.Transfer {
		users, _, err := c.svc.ListUsers(ctx, keyward.UserFilter{Page: keyward.Page{Limit: keyward.MaxPerPage}})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Owner && !u.Account.Service && u.Status == keyward.StatusActive {
				d.Heirs = append(d.Heirs, identity{string(u.Account.ID), u.Account.Name + " (" + u.Account.Email + ")"})
			}
		}
	}
	deleted, _, err := c.svc.ListDeletedOrganizations(ctx, keyward.Page{Limit: keyward.MaxPerPage})
	if err != nil {
		return nil, err
	}
	for _, o := range deleted {
		d.Deleted = append(d.Deleted, deletedOrg{o, c.svc.PurgeAfter(o)})
	}
	return d, nil
}

// renameOrg renames the member's organization.
func (c *Console) renameOrg(ctx context.Context, r *http.Request, s *session) error {
	_, err := c.svc.UpdateOrganization(ctx, s.Principal.OrgID, service.OrganizationInput{Name: r.PostFormValue("name")})
	return err
}

// requireMFA turns the organization's MFA requirement on or off, as the
// form's require_mfa says ("on" or "off"). Turned on, it applies to this
// session too: one that has not verified a second factor goes to the
// Security page, the one page it may still use.
func (c *Console) requireMFA(ctx context.Context, r *http.Request, s *session) (string, error) {
	var on *bool
	switch r.PostFormValue("require_mfa") {
	case "on":
		on = new(bool)
		*on = true
	case "off":
		on = new(bool)
	}
	if err := c.svc.SetRequireMFA(ctx, s.Principal.OrgID, on); err != nil {
		return "", err
	}
	if *on && s.Principal.MFAAt == nil && s.Principal.LoginSession != "" {
		return "/security", nil
	}
	return "/organization", nil
}

// transferOrg makes the chosen member the root owner; the service
// refuses anyone but the root owner, whatever the engine allows.
func (c *Console) transferOrg(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.TransferOwnership(ctx, s.Principal.OrgID, keyward.UserID(r.PostFormValue("user_id")))
}

// restoreOrg restores a deleted organization of the member's account.
func (c *Console) restoreOrg(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.RestoreOrganization(ctx, keyward.OrgID(r.PathValue("org_id")))
}

// orgAction runs a and shows the settings page again.
func (c *Console) orgAction(a step) memberHandler {
	return c.act(stay("/organization", a), c.showOrg)
}

// handleDeleteOrg deletes the member's organization, softly, once its
// name is typed to confirm. Its sessions, this browser's included, stop
// working, so the answer is a page of its own that says how to restore
// it.
func (c *Console) handleDeleteOrg(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	org, err := c.svc.GetOrganization(ctx, s.Principal.OrgID)
	if err == nil && strings.TrimSpace(r.PostFormValue("confirm")) != org.Name {
		err = keyward.FieldError("confirm", "Type the organization's name, %s, to delete it.", org.Name)
	}
	if err == nil {
		err = c.svc.DeleteOrganization(ctx, s.Principal.OrgID)
	}
	if err != nil {
		c.showOrg(w, r, s, err)
		return
	}
	clearSession(w, r)
	c.render(w, r, "deleted.html", view{Title: "Organization deleted", Data: deletedOrg{org, c.svc.PurgeAfter(org)}}, nil)
}
