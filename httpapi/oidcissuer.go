package httpapi

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// issuerJSON is Vultr's Issuer (one JWK; uri is the issuer URL) with
// keyward's name, allowed audiences and dates. jwks_fetched_at and
// jwks_expires_at are Vultr's; keyward fetches key sets per server and
// on demand, so it leaves them empty.
type issuerJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Source    string   `json:"source"`
	URI       string   `json:"uri"`
	Audiences []string `json:"audiences"`
	jwkJSON
	JWKSFetchedAt string `json:"jwks_fetched_at"`
	JWKSExpiresAt string `json:"jwks_expires_at"`
	DateCreated   string `json:"date_created"`
}

func toIssuerJSON(i *keyward.OIDCIssuer) issuerJSON {
	return issuerJSON{
		ID: string(i.ID), Name: i.Name, Source: i.Source, URI: i.URL, Audiences: i.Audiences,
		jwkJSON:     jwkJSON{Kty: i.JWK.KeyType, Kid: i.JWK.KeyID, N: i.JWK.N, E: i.JWK.E, Alg: i.JWK.Algorithm, Use: i.JWK.Use},
		DateCreated: timeJSON(&i.CreatedAt),
	}
}

// issuerReq is Vultr's IssuerReq: the issuer object under "issuer", with
// keyward's name and audiences inside it.
type issuerReq struct {
	Issuer struct {
		Source    string   `json:"source"`
		SourceID  string   `json:"source_id"`
		URI       string   `json:"uri"`
		Name      string   `json:"name"`
		Audiences []string `json:"audiences"`
		jwkJSON
	} `json:"issuer"`
}

// jwkJSON is Vultr's issuer key, its fields inline in the issuer object
// both ways.
type jwkJSON struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

func (s *server) handleCreateOIDCIssuer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req issuerReq
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		q := req.Issuer
		if q.SourceID != "" {
			s.writeError(w, r, keyward.FieldError("issuer.source_id", "source_id names a Vultr instance or bare-metal issuer; keyward registers external issuers only."))
			return
		}
		iss, err := s.svc.CreateOIDCIssuer(r.Context(), service.OIDCIssuerInput{
			Name: q.Name, URL: q.URI, Audiences: q.Audiences, Source: q.Source,
			JWK: keyward.IssuerJWK{KeyType: q.Kty, KeyID: q.Kid, N: q.N, E: q.E, Algorithm: q.Alg, Use: q.Use},
		})
		s.writeIssuer(w, r, http.StatusCreated, iss, err)
	})
}

// writeIssuer answers status with {"issuer": iss}, or err.
func (s *server) writeIssuer(w http.ResponseWriter, r *http.Request, status int, iss *keyward.OIDCIssuer, err error) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, struct {
		Issuer issuerJSON `json:"issuer"`
	}{toIssuerJSON(iss)})
}

func (s *server) handleGetOIDCIssuer() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "issuer_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		iss, err := s.svc.GetOIDCIssuer(r.Context(), keyward.OIDCIssuerID(id))
		s.writeIssuer(w, r, http.StatusOK, iss, err)
	})
}

func (s *server) handleListOIDCIssuers() http.Handler {
	return listHandler(s, "issuers", nil, func(r *http.Request, _ string, page keyward.Page) ([]issuerJSON, keyward.PageInfo, error) {
		list, info, err := s.svc.ListOIDCIssuers(r.Context(), page)
		return jsons(list, toIssuerJSON), info, err
	})
}

func (s *server) handleDeleteOIDCIssuer() http.Handler {
	return callHandler(s, inPath("issuer_id"), http.StatusNoContent, func(r *http.Request, id string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteOIDCIssuer(r.Context(), keyward.OIDCIssuerID(id))
	})
}
