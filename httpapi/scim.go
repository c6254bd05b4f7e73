package httpapi

import (
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/identity"
)

// scimTokenJSON is a SCIM token as /v2/scim-tokens shows it; token, the
// bearer token itself, only in the answer to its creation.
type scimTokenJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	OrgID       string `json:"org_id"`
	Token       string `json:"token,omitempty"`
	SCIMBaseURL string `json:"scim_base_url"`
	DateCreated string `json:"date_created"`
}

func toSCIMTokenJSON(t *keyward.SCIMToken) scimTokenJSON {
	return scimTokenJSON{ID: string(t.ID), Name: t.Name, OrgID: string(t.OrgID), SCIMBaseURL: scimBase(t.OrgID), DateCreated: timeJSON(&t.CreatedAt)}
}

// scimBase is the path of org's SCIM endpoint, what an identity provider
// is given (after the server's origin) as the SCIM base URL.
func scimBase(org keyward.OrgID) string { return "/scim/v2/" + string(org) }

func (s *server) handleCreateSCIMToken() http.Handler {
	type request struct {
		Name string `json:"name"`
	}
	return callHandler(s, nil, http.StatusCreated, func(r *http.Request, _ string, req *request) (any, error) {
		t, token, err := s.svc.CreateSCIMToken(r.Context(), req.Name)
		if err != nil {
			return nil, err
		}
		j := toSCIMTokenJSON(t)
		j.Token = token
		return struct {
			SCIMToken scimTokenJSON `json:"scim_token"`
		}{j}, nil
	})
}

func (s *server) handleListSCIMTokens() http.Handler {
	return listHandler(s, "scim_tokens", nil, func(r *http.Request, _ string, page keyward.Page) ([]scimTokenJSON, keyward.PageInfo, error) {
		list, info, err := s.svc.ListSCIMTokens(r.Context(), page)
		return jsons(list, toSCIMTokenJSON), info, err
	})
}

func (s *server) handleDeleteSCIMToken() http.Handler {
	return callHandler(s, inPath("token_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteSCIMToken(r.Context(), keyward.SCIMTokenID(id))
	})
}

// handleSCIM serves an organization's SCIM 2.0 endpoint. It is public in
// the route table's sense: no keyward credential opens it, only a SCIM
// token of that organization, which acts as its identity provider. Every
// answer, refusals included, is in SCIM's shape.
func (s *server) handleSCIM() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org := keyward.OrgID(strings.ToLower(r.PathValue("organization_id")))
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer realm="keyward-scim"`)
			identity.WriteSCIMError(w, keyward.Errorf(keyward.CodeUnauthenticated, "Missing bearer token: send Authorization: Bearer <SCIM token>."))
			return
		}
		p, err := s.svc.AuthenticateSCIM(r.Context(), org, strings.TrimSpace(token))
		if err != nil {
			if keyward.ErrorCode(err) == keyward.CodeUnauthenticated {
				w.Header().Set("WWW-Authenticate", `Bearer realm="keyward-scim", error="invalid_token"`)
			} else if keyward.ErrorCode(err) == keyward.CodeInternal {
				s.log.ErrorContext(r.Context(), "scim authentication", "error", err)
			}
			identity.WriteSCIMError(w, err)
			return
		}
		base := scimBase(p.Org())
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = strings.TrimPrefix(r.URL.Path, base), ""
		identity.SCIMHandler(p, base, s.log).ServeHTTP(w, r2)
	})
}
