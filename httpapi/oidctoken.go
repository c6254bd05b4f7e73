package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/oidcprovider"
	"github.com/keyward-iam/keyward/service"
)

// tokenJSON is Vultr's Token (expires_in a string of seconds, as Vultr's
// client decodes it) with keyward's id, subject, audience and dates. A
// workload token's access_token is in the answer to its creation only.
type tokenJSON struct {
	ID           string `json:"id"`
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    string `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
	ProviderID   string `json:"provider_id"`
	Issuer       string `json:"issuer"`
	Subject      string `json:"subject"`
	Audience     string `json:"audience"`
	DateCreated  string `json:"date_created"`
	ExpiresAt    string `json:"expires_at"`
}

type tokenBody struct {
	Token tokenJSON `json:"token"`
}

// toTokenJSON is t as of now: expires_in is what is left of its life.
func (s *server) toTokenJSON(t *keyward.WorkloadToken, now time.Time) tokenJSON {
	left := max(t.ExpiresAt.Sub(now), 0)
	return tokenJSON{
		ID: t.ID, TokenType: "Bearer", ExpiresIn: strconv.Itoa(int(left.Round(time.Second) / time.Second)),
		ProviderID: string(t.ProviderID), Issuer: s.svc.IssuerURL(t.ProviderID), Subject: t.Subject, Audience: t.Audience,
		Scope: t.Scope, DateCreated: timeJSON(&t.CreatedAt), ExpiresAt: timeJSON(&t.ExpiresAt),
	}
}

// tokenReq is Vultr's TokenReq (JSON, not a form) with keyward's
// audience and lifetime of a workload token.
type tokenReq struct {
	GrantType    string `json:"grant_type"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Code         string `json:"code"`
	RedirectURI  string `json:"redirect_uri"`
	RefreshToken string `json:"refresh_token"`
	Audience     string `json:"audience"`
	ExpiresIn    int    `json:"expires_in"`
}

// handleCreateOIDCToken is Vultr's CreateOIDCToken. grant_type
// client_credentials gives the caller a workload token of the provider
// client_id: the caller's bearer credential is what authenticates it, so
// client_secret is not asked for (an application's secret would let
// anyone holding it mint tokens naming any member).
func (s *server) handleCreateOIDCToken() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *tokenReq) (any, error) {
		if req.GrantType != "client_credentials" {
			return nil, keyward.FieldError("grant_type", "grant_type %q is not supported here; use client_credentials for a workload token, or the provider's token endpoint (see its discovery document) for the other grants.", req.GrantType)
		}
		g, err := s.svc.IssueWorkloadToken(r.Context(), service.WorkloadTokenInput{
			ProviderID: keyward.OIDCProviderID(req.ClientID), Audience: req.Audience, Duration: time.Duration(req.ExpiresIn) * time.Second,
		})
		if err != nil {
			return nil, err
		}
		jwt, err := oidcprovider.SignWorkload(g)
		if err != nil {
			return nil, err
		}
		body := tokenBody{s.toTokenJSON(g.Token, g.Token.CreatedAt)}
		body.Token.AccessToken = jwt
		return body, nil
	})
}

func (s *server) handleGetOIDCToken() http.Handler {
	return callHandler(s, inPath("token_id"), http.StatusOK, func(r *http.Request, id string, _ *noBody) (any, error) {
		t, err := s.svc.GetWorkloadToken(r.Context(), id)
		if err != nil {
			return nil, err
		}
		return tokenBody{s.toTokenJSON(t, s.svc.Now())}, nil
	})
}

// handleDiscovery serves a provider's discovery document; public.
func (s *server) handleDiscovery() http.Handler {
	return callHandler(s, nil, http.StatusOK, func(r *http.Request, _ string, _ *noBody) (any, error) {
		p, err := s.publicProvider(r)
		if err != nil {
			return nil, err
		}
		return oidcprovider.Discovery(s.svc.IssuerURL(p.ID), s.svc.PublicURL()+authorizePath), nil
	})
}

// handleJWKS serves the keys that verify a provider's tokens (the
// deployment's); public.
func (s *server) handleJWKS() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := s.publicProvider(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		keys, err := s.svc.PublicSigningKeys(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, oidcprovider.KeySet(keys))
	})
}

// publicProvider returns the provider of the path's provider_id.
func (s *server) publicProvider(r *http.Request) (*keyward.OIDCProvider, error) {
	id, err := pathID(r, "provider_id")
	if err != nil {
		return nil, err
	}
	return s.svc.FindOIDCProvider(r.Context(), keyward.OIDCProviderID(id))
}

// handleRotateSigningKey makes a new signing key (fleet administrators).
func (s *server) handleRotateSigningKey() http.Handler {
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, _ *noBody) (any, error) {
		kid, err := s.svc.RotateSigningKey(r.Context())
		if err != nil {
			return nil, err
		}
		return map[string]any{"signing_key": map[string]string{"kid": kid}}, nil
	})
}
