package httpapi

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/oidcprovider"
	"github.com/keyward-iam/keyward/service"
)

// authorizePath is Vultr's authorization endpoint of the code flow,
// shared by every application.
const authorizePath = "/v2/oidc/authorize"

// loginPath is the console's sign-in page; it sends the browser back to
// return_to once signed in.
const loginPath = "/login"

// handleOIDCAuthorize serves GET /v2/oidc/authorize. A browser signed in
// (the session cookie) or an API caller (a bearer credential) is the
// member who signs in to the application, as the engine allows
// (oidc.provider.Authorize): the browser is sent back to the redirect URI
// with the code, an API caller (Vultr's client) gets that URL as JSON. A
// browser not signed in is sent to the sign-in page, which returns it
// here, once the request itself has been checked: a refusal is answered,
// never redirected, so no unchecked redirect URI is ever followed.
func (s *server) handleOIDCAuthorize() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		in := service.AuthorizeInput{
			ClientID: keyward.OIDCProviderID(q.Get("client_id")), RedirectURI: q.Get("redirect_uri"),
			ResponseType: q.Get("response_type"), Scopes: strings.Fields(q.Get("scope")), State: q.Get("state"),
			Nonce: q.Get("nonce"), CodeChallenge: q.Get("code_challenge"), CodeChallengeMethod: q.Get("code_challenge_method"),
			API: r.Header.Get("Authorization") != "",
		}
		if keyward.PrincipalFromContext(r.Context()) == nil {
			if _, err := s.svc.CheckAuthorizeRequest(r.Context(), in); err != nil {
				s.authorizeError(w, r, in, err)
				return
			}
			http.Redirect(w, r, loginPath+"?return_to="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		c, code, err := s.svc.AuthorizeOIDC(r.Context(), in)
		if err != nil {
			s.authorizeError(w, r, in, err)
			return
		}
		back, err := oidcprovider.CallbackURL(c, code)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if in.API {
			writeJSON(w, http.StatusOK, map[string]string{"redirect_uri": back})
			return
		}
		http.Redirect(w, r, back, http.StatusFound)
	})
}

// authorizeError answers the authorization request in, which the
// service refused with err: a browser goes back to the application with
// the OAuth error when the request's client and redirect URI are good
// (oidcprovider.ErrorURL); an API caller, a refusal by the engine (a
// person who may not sign in to the application sees why, and the
// application learns nothing) and a bad client or redirect URI get the
// API's error.
func (s *server) authorizeError(w http.ResponseWriter, r *http.Request, in service.AuthorizeInput, err error) {
	if to, ok := oidcprovider.ErrorURL(in, err); ok && !in.API {
		http.Redirect(w, r, to, http.StatusFound)
		return
	}
	s.writeError(w, r, err)
}

// browserPrincipal authenticates a browser's request by its session
// cookie; nil if it has none that is valid.
func (s *server) browserPrincipal(r *http.Request) *keyward.Principal {
	c, err := r.Cookie(keyward.SessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	p, err := s.svc.Authenticate(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return p
}

// viaBrowser returns rt, a route a browser calls without a bearer token,
// having recorded its path: the authentication middleware then
// authenticates its session cookie (keyward.SessionCookie), and lets it
// through without a principal if it has none, for its handler to send it
// to sign in. A request with a bearer token is authenticated as on every
// route.
func (s *server) viaBrowser(rt route) route {
	_, path, _ := strings.Cut(rt.Pattern, " ")
	if s.browser == nil {
		s.browser = map[string]bool{}
	}
	s.browser[path] = true
	return rt
}
