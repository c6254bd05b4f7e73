package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

type organizationJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Type        string `json:"type"`
	DateCreated string `json:"date_created"`
}

func orgJSON(o *keyward.Organization) organizationJSON {
	return organizationJSON{ID: string(o.ID), Name: o.Name, Type: o.Type, DateCreated: timeJSON(&o.CreatedAt)}
}

type organizationReq struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (s *server) handleCreateOrganization() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *organizationReq) (any, error) {
		org, err := s.svc.CreateOrganization(r.Context(), service.OrganizationInput{Name: req.Name, Type: req.Type})
		if err != nil {
			return nil, err
		}
		return orgJSON(org), nil
	})
}

func (s *server) handleListOrganizations() http.Handler {
	live := listHandler(s, "orgs", nil, func(r *http.Request, _ string, page keyward.Page) ([]organizationJSON, keyward.PageInfo, error) {
		orgs, info, err := s.svc.ListOrganizations(r.Context(), page)
		return jsons(orgs, orgJSON), info, err
	})
	deleted := s.handleListDeletedOrganizations()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("deleted") {
		case "", "false":
			live.ServeHTTP(w, r)
		case "true":
			deleted.ServeHTTP(w, r)
		default:
			s.writeError(w, r, keyward.FieldError("deleted", "deleted must be true or false."))
		}
	})
}

func (s *server) handleGetOrganization() http.Handler {
	return callHandler(s, inPath("organization_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		org, err := s.svc.GetOrganization(r.Context(), keyward.OrgID(id))
		if err != nil {
			return nil, err
		}
		return orgJSON(org), nil
	})
}

func (s *server) handleUpdateOrganization() http.Handler {
	return callHandler(s, inPath("organization_id"), http.StatusOK, func(r *http.Request, id string, req *organizationReq) (any, error) {
		org, err := s.svc.UpdateOrganization(r.Context(), keyward.OrgID(id), service.OrganizationInput{Name: req.Name, Type: req.Type})
		if err != nil {
			return nil, err
		}
		return orgJSON(org), nil
	})
}

func (s *server) handleCreateOrgAPIKey() http.Handler {
	return s.handleMintAPIKey("organization_id", func(r *http.Request, id string, in service.APIKeyInput) (*keyward.APIKey, string, error) {
		return s.svc.CreateOrgAPIKey(r.Context(), keyward.OrgID(id), in)
	})
}
