package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// providerJSON is Vultr's Provider (id, issuer_id, name) with keyward's
// client credentials, issuer URL and settings beside it. The provider is
// its own issuer, so issuer_id is its id; client_secret is present only in
// the answer to its creation.
type providerJSON struct {
	ID           string   `json:"id"`
	IssuerID     string   `json:"issuer_id"`
	Name         string   `json:"name"`
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret,omitempty"`
	Issuer       string   `json:"issuer"`
	RedirectURIs []string `json:"redirect_uris"`
	Scopes       []string `json:"scopes"`
	Audiences    []string `json:"audiences"`
	Pairwise     bool     `json:"pairwise"`
	DateCreated  string   `json:"date_created"`
}

func (s *server) toProviderJSON(p *keyward.OIDCProvider) providerJSON {
	return providerJSON{
		ID: string(p.ID), IssuerID: string(p.ID), Name: p.Name, ClientID: string(p.ID), Issuer: s.svc.IssuerURL(p.ID),
		RedirectURIs: p.RedirectURIs, Scopes: p.Scopes, Audiences: p.Audiences, Pairwise: p.Pairwise,
		DateCreated: timeJSON(&p.CreatedAt),
	}
}

// providerFields is the body of a registration: Vultr's client sends the
// name at the top, Vultr's docs nest it under "provider"; both are taken.
type providerFields struct {
	Name         string   `json:"name"`
	RedirectURIs []string `json:"redirect_uris"`
	Scopes       []string `json:"scopes"`
	Audiences    []string `json:"audiences"`
	Pairwise     bool     `json:"pairwise"`
}

type providerReq struct {
	providerFields
	Provider *providerFields `json:"provider"`
}

type providerBody struct {
	Provider providerJSON `json:"provider"`
}

func (s *server) handleCreateOIDCProvider() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *providerReq) (any, error) {
		f := req.providerFields
		if req.Provider != nil {
			f = *req.Provider
		}
		p, secret, err := s.svc.CreateOIDCProvider(r.Context(), service.OIDCProviderInput(f))
		if err != nil {
			return nil, err
		}
		body := providerBody{s.toProviderJSON(p)}
		body.Provider.ClientSecret = secret
		return body, nil
	})
}

func (s *server) handleGetOIDCProvider() http.Handler {
	return callHandler(s, inPath("provider_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		p, err := s.svc.GetOIDCProvider(r.Context(), keyward.OIDCProviderID(id))
		if err != nil {
			return nil, err
		}
		return providerBody{s.toProviderJSON(p)}, nil
	})
}

func (s *server) handleListOIDCProviders() http.Handler {
	return listHandler(s, "providers", nil, func(r *http.Request, _ string, page keyward.Page) ([]providerJSON, keyward.PageInfo, error) {
		list, info, err := s.svc.ListOIDCProviders(r.Context(), page)
		return jsons(list, s.toProviderJSON), info, err
	})
}

func (s *server) handleDeleteOIDCProvider() http.Handler {
	return callHandler(s, inPath("provider_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteOIDCProvider(r.Context(), keyward.OIDCProviderID(id))
	})
}
