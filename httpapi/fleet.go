package httpapi

import (
	"context"
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// fleetOrgJSON is an organization as fleet administrators see it: with
// its owner, suspension and identity mode.
type fleetOrgJSON struct {
	organizationJSON
	OwnerID       string `json:"owner_id"`
	Suspended     bool   `json:"suspended"`
	DateSuspended string `json:"date_suspended"`
	IdentityMode  string `json:"identity_mode"`
}

func toFleetOrgJSON(o *keyward.Organization) fleetOrgJSON {
	return fleetOrgJSON{orgJSON(o), string(o.OwnerID), o.SuspendedAt != nil, timeJSON(o.SuspendedAt), o.IdentityMode}
}

// fleetOrgBody is the envelope of one organization.
type fleetOrgBody struct {
	Organization fleetOrgJSON `json:"organization"`
}

// fleetRoleJSON is one fleet role grant.
type fleetRoleJSON struct {
	UserID      string `json:"user_id"`
	Email       string `json:"email"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	GrantedBy   string `json:"granted_by"`
	DateGranted string `json:"date_granted"`
}

func toFleetRoleJSON(g *keyward.FleetRoleGrant) fleetRoleJSON {
	return fleetRoleJSON{string(g.UserID), g.Email, g.Name, g.Role, string(g.GrantedBy), timeJSON(&g.CreatedAt)}
}

// fleetAuditEventJSON is an event of the fleet audit trail: an audit
// event and the organization it is about.
type fleetAuditEventJSON struct {
	auditEventJSON
	OrganizationID string `json:"organization_id"`
}

func (s *server) handleListFleetRoles() http.Handler {
	return listHandler(s, "fleet_roles", nil, func(r *http.Request, _ string, page keyward.Page) ([]fleetRoleJSON, keyward.PageInfo, error) {
		q := r.URL.Query()
		f := keyward.FleetRoleFilter{UserID: keyward.UserID(q.Get("user_id")), Role: q.Get("role"), Page: page}
		gs, info, err := s.svc.ListFleetRoles(r.Context(), f)
		return jsons(gs, toFleetRoleJSON), info, err
	})
}

func (s *server) handleGrantFleetRole() http.Handler {
	type request struct {
		UserID string `json:"user_id"`
		Role   string `json:"role"`
	}
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *request) (any, error) {
		g, err := s.svc.GrantFleetRole(r.Context(), service.FleetRoleInput{UserID: keyward.UserID(req.UserID), Role: req.Role})
		if err != nil {
			return nil, err
		}
		return struct {
			FleetRole fleetRoleJSON `json:"fleet_role"`
		}{toFleetRoleJSON(g)}, nil
	})
}

func (s *server) handleRevokeFleetRole() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, err := pathID(r, "user_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		in := service.FleetRoleInput{UserID: keyward.UserID(user), Role: r.PathValue("role")}
		s.noContent(w, r, s.svc.RevokeFleetRole(r.Context(), in))
	})
}

func (s *server) handleListAllOrganizations() http.Handler {
	return listHandler(s, "organizations", nil, func(r *http.Request, _ string, page keyward.Page) ([]fleetOrgJSON, keyward.PageInfo, error) {
		f := keyward.OrgFilter{Name: r.URL.Query().Get("name"), Page: page}
		if r.URL.Query().Has("suspended") {
			b, err := boolParam(r, "suspended")
			if err != nil {
				return nil, keyward.PageInfo{}, err
			}
			f.Suspended = &b
		}
		orgs, info, err := s.svc.ListAllOrganizations(r.Context(), f)
		return jsons(orgs, toFleetOrgJSON), info, err
	})
}

// fleetOrgCall answers a fleet call on the organization of the path with
// the organization as it is afterwards. call decodes the request body, if
// it takes one.
func (s *server) fleetOrgCall(call func(*http.Request, keyward.OrgID) (*keyward.Organization, error)) http.Handler {
	return callHandler(s, inPath("organization_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		org, err := call(r, keyward.OrgID(id))
		if err != nil {
			return nil, err
		}
		return fleetOrgBody{toFleetOrgJSON(org)}, nil
	})
}

func (s *server) handleFleetGetOrganization() http.Handler {
	return s.fleetOrgCall(func(r *http.Request, id keyward.OrgID) (*keyward.Organization, error) {
		return s.svc.FleetGetOrganization(r.Context(), id)
	})
}

// fleetOrgAction is a fleet call that takes nothing but the organization.
type fleetOrgAction func(*service.Service, context.Context, keyward.OrgID) (*keyward.Organization, error)

// handleFleetOrgAction serves act, whose body must be empty or {}.
func (s *server) handleFleetOrgAction(act fleetOrgAction) http.Handler {
	return s.fleetOrgCall(func(r *http.Request, id keyward.OrgID) (*keyward.Organization, error) {
		if err := decodeJSON(r, &struct{}{}); err != nil {
			return nil, err
		}
		return act(s.svc, r.Context(), id)
	})
}

func (s *server) handleSetIdentityMode() http.Handler {
	return s.fleetOrgCall(func(r *http.Request, id keyward.OrgID) (*keyward.Organization, error) {
		var req struct {
			IdentityMode string `json:"identity_mode"`
		}
		if err := decodeJSON(r, &req); err != nil {
			return nil, err
		}
		return s.svc.SetIdentityMode(r.Context(), id, req.IdentityMode)
	})
}

func (s *server) handleFleetCreateUser() http.Handler {
	type request struct {
		Email    string `json:"email"`
		Name     string `json:"name"`
		Password string `json:"password"`
	}
	return callHandler(s, inPath("organization_id"), http.StatusCreated, func(r *http.Request, id string, req *request) (any, error) {
		u, err := s.svc.FleetCreateUser(r.Context(), keyward.OrgID(id), service.FleetUserInput{Email: req.Email, Name: req.Name, Password: req.Password})
		if err != nil {
			return nil, err
		}
		return struct {
			User orgUserJSON `json:"user"`
		}{toOrgUserJSON(u)}, nil
	})
}

func (s *server) handleFleetSetPassword() http.Handler {
	return callHandler(s, orgUserOf, http.StatusNoContent, func(r *http.Request, ou orgUser, req *passwordReq) (any, error) {
		return nil, s.svc.FleetSetPassword(r.Context(), ou.org, ou.user, req.Password)
	})
}

func (s *server) handleFleetInvalidatePassword() http.Handler {
	return s.orgUserNoContent(func(r *http.Request, o keyward.OrgID, u keyward.UserID) error {
		return s.svc.FleetInvalidatePassword(r.Context(), o, u)
	})
}

func (s *server) handleListFleetAuditEvents() http.Handler {
	return listHandler(s, "audit_events", nil, func(r *http.Request, _ string, page keyward.Page) ([]fleetAuditEventJSON, keyward.PageInfo, error) {
		f, err := auditFilterOf(r, page)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		events, info, err := s.svc.ListFleetAuditEvents(r.Context(), f)
		return jsons(events, func(e *keyward.AuditEvent) fleetAuditEventJSON {
			return fleetAuditEventJSON{toAuditEventJSON(e), string(e.OrgID)}
		}), info, err
	})
}
