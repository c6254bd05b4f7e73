package httpapi

import (
	"net/http"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// identityProviderJSON is an organization's OIDC or SAML provider. The
// client secret is never shown: client_secret_set says one is stored. For
// SAML, issuer is the IdP's entity id, redirect_uri keyward's ACS URL and
// the *_claim fields name attributes.
type identityProviderJSON struct {
	Type              string   `json:"type"`
	SAMLMetadata      string   `json:"saml_metadata,omitempty"`
	SAMLMetadataURL   string   `json:"saml_metadata_url,omitempty"`
	AllowIdPInitiated bool     `json:"allow_idp_initiated"`
	SPEntityID        string   `json:"sp_entity_id,omitempty"`
	Issuer            string   `json:"issuer"`
	ClientID          string   `json:"client_id"`
	ClientSecretSet   bool     `json:"client_secret_set"`
	Scopes            []string `json:"scopes"`
	GroupsClaim       string   `json:"groups_claim"`
	EmailClaim        string   `json:"email_claim"`
	NameClaim         string   `json:"name_claim"`
	AllowedDomains    []string `json:"allowed_domains"`
	RedirectURI       string   `json:"redirect_uri"`
	DateCreated       string   `json:"date_created"`
	DateUpdated       string   `json:"date_updated"`
}

func toIdentityProviderJSON(d *service.IdentityProviderDetail) identityProviderJSON {
	p := d.IdentityProvider
	return identityProviderJSON{
		Type: p.Kind, SAMLMetadata: p.SAMLMetadata, SAMLMetadataURL: p.SAMLMetadataURL, AllowIdPInitiated: p.AllowIdPInitiated,
		SPEntityID: d.SPEntityID, Issuer: p.Issuer, ClientID: p.ClientID, ClientSecretSet: len(p.SealedSecret) > 0, Scopes: p.Scopes,
		GroupsClaim: p.GroupsClaim, EmailClaim: p.EmailClaim, NameClaim: p.NameClaim, AllowedDomains: p.AllowedDomains,
		RedirectURI: d.RedirectURI, DateCreated: timeJSON(&p.CreatedAt), DateUpdated: timeJSON(&p.UpdatedAt),
	}
}

func writeIdentityProvider(w http.ResponseWriter, d *service.IdentityProviderDetail) {
	writeJSON(w, http.StatusOK, struct {
		IdentityProvider identityProviderJSON `json:"identity_provider"`
	}{toIdentityProviderJSON(d)})
}

func (s *server) handleGetIdentityProvider() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, err := s.svc.GetIdentityProvider(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeIdentityProvider(w, d)
	})
}

func (s *server) handlePutIdentityProvider() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Type              string   `json:"type"`
			SAMLMetadata      string   `json:"saml_metadata"`
			SAMLMetadataURL   string   `json:"saml_metadata_url"`
			AllowIdPInitiated bool     `json:"allow_idp_initiated"`
			Issuer            string   `json:"issuer"`
			ClientID          string   `json:"client_id"`
			ClientSecret      string   `json:"client_secret"`
			Scopes            []string `json:"scopes"`
			GroupsClaim       string   `json:"groups_claim"`
			EmailClaim        string   `json:"email_claim"`
			NameClaim         string   `json:"name_claim"`
			AllowedDomains    []string `json:"allowed_domains"`
		}
		if err := decodeJSON(r, &req); err != nil {
			s.writeError(w, r, err)
			return
		}
		d, err := s.svc.PutIdentityProvider(r.Context(), service.IdentityProviderInput{
			Kind: req.Type, SAMLMetadata: req.SAMLMetadata, SAMLMetadataURL: req.SAMLMetadataURL, AllowIdPInitiated: req.AllowIdPInitiated,
			Issuer: req.Issuer, ClientID: req.ClientID, ClientSecret: req.ClientSecret, Scopes: req.Scopes,
			GroupsClaim: req.GroupsClaim, EmailClaim: req.EmailClaim, NameClaim: req.NameClaim, AllowedDomains: req.AllowedDomains,
		})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeIdentityProvider(w, d)
	})
}

func (s *server) handleDeleteIdentityProvider() http.Handler {
	return callHandler(s, nil, http.StatusNoContent, func(r *http.Request, _ string, _ *noBody) (any, error) {
		return nil, s.svc.DeleteIdentityProvider(r.Context())
	})
}

// ssoCookie keeps a sign-in's state in the browser that started it, so
// that only that browser can finish it: a callback URL sent to someone
// else (login CSRF) or replayed elsewhere finds no matching cookie. It is
// scoped to the sign-in paths and sent on the provider's top-level
// redirect back (SameSite=Lax).
const ssoCookie = "keyward_sso"

func (s *server) handleStartSSO() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		org, ok := s.pathOrg(w, r)
		if !ok {
			return
		}
		start, err := s.svc.StartSSO(r.Context(), org, r.URL.Query().Get("return_to"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: start.State, Path: "/v2/auth/sso/", MaxAge: int((10 * time.Minute).Seconds()),
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, start.URL, http.StatusFound)
	})
}

func (s *server) handleSSOCallback() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		in := service.SSOCallback{State: q.Get("state"), Code: q.Get("code"), Error: q.Get("error"), ErrorDesc: q.Get("error_description")}
		if c, err := r.Cookie(ssoCookie); err == nil {
			in.BrowserState = c.Value
		}
		// The flow is used up whatever the outcome.
		http.SetCookie(w, &http.Cookie{Name: ssoCookie, Path: "/v2/auth/sso/", MaxAge: -1, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		w.Header().Set("Cache-Control", "no-store")
		out, err := s.svc.FinishSSO(r.Context(), in)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		writeSSOSession(w, r, out)
	})
}

// writeSSOSession answers a finished sign-in through an identity
// provider, of either protocol. A sign-in started with a return_to (the
// console's; a path on this server, as StartSSO and FinishSAML check)
// hands the browser the session as the console's cookie
// (keyward.SessionCookie) and sends it there (303). One started without
// (keyward login --sso) gets the login session with its token and the
// user as JSON (201).
func writeSSOSession(w http.ResponseWriter, r *http.Request, out *service.SSOSession) {
	if out.ReturnTo != "" {
		http.SetCookie(w, &http.Cookie{Name: keyward.SessionCookie, Value: out.Token, Path: "/",
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, service.LocalPath(out.ReturnTo), http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusCreated, struct {
		Session  loginSessionJSON `json:"login_session"`
		User     userJSON         `json:"user"`
		ReturnTo string           `json:"return_to"`
	}{toLoginSessionJSON(out.Session, out.Token), toUserJSON(out.User), out.ReturnTo})
}
