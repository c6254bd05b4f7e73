package oidcprovider

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// IDTokenLifetime is how long an ID token of the code flow is valid; it
// is within service.MaxTokenTTL, so that a retired signing key stays
// published while a token it signed lives.
const IDTokenLifetime = 15 * time.Minute

// Flow serves the endpoints of the authorization-code flow that the
// OpenID provider library answers: token (code and refresh grants),
// userinfo and revocation, each below the issuer of the application the
// request names. The library's provider is made on first use, when the
// deployment's token key can be read.
type Flow struct {
	svc *service.Service

	mu       sync.Mutex
	provider *op.Provider
}

// NewFlow returns the flow of svc.
func NewFlow(svc *service.Service) *Flow { return &Flow{svc: svc} }

func (f *Flow) op(ctx context.Context) (*op.Provider, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.provider != nil {
		return f.provider, nil
	}
	key, err := f.svc.TokenCryptoKey(ctx)
	if err != nil {
		return nil, err
	}
	cfg := &op.Config{
		CryptoKey:             key,
		CodeMethodS256:        true,
		AuthMethodPost:        true,
		GrantTypeRefreshToken: true,
		SupportedUILocales:    []language.Tag{language.English},
		SupportedScopes:       service.ProviderScopes,
	}
	// The issuer is set per request (withIssuer), never derived from the
	// request's host.
	static := func(bool) (op.IssuerFromRequest, error) {
		return func(r *http.Request) string { return op.IssuerFromContext(r.Context()) }, nil
	}
	p, err := op.NewProvider(cfg, &storage{f.svc}, static, op.WithAllowInsecure())
	if err != nil {
		return nil, err
	}
	f.provider = p
	return p, nil
}

// serve runs h with the library's provider, the issuer of the
// application whose id is the request's {provider_id} in the context.
func (f *Flow) serve(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request, *op.Provider)) {
	p, err := f.op(r.Context())
	if err != nil {
		op.RequestError(w, r, oidc.ErrServerError().WithParent(err), nil)
		return
	}
	issuer := f.svc.IssuerURL(keyward.OIDCProviderID(r.PathValue("provider_id")))
	h(w, r.WithContext(op.ContextWithIssuer(r.Context(), issuer)), p)
}

// Token serves the token endpoint: the authorization_code grant (with
// the PKCE verifier) and the refresh_token grant, the client
// authenticated by its secret (HTTP Basic or in the form).
func (f *Flow) Token(w http.ResponseWriter, r *http.Request) {
	f.serve(w, r, func(w http.ResponseWriter, r *http.Request, p *op.Provider) {
		switch r.FormValue("grant_type") {
		case string(oidc.GrantTypeCode):
			op.CodeExchange(w, r, p)
		case string(oidc.GrantTypeRefreshToken):
			op.RefreshTokenExchange(w, r, p)
		default:
			op.RequestError(w, r, oidc.ErrUnsupportedGrantType().WithDescription("grant_type must be authorization_code or refresh_token"), nil)
		}
	})
}

// Userinfo serves the userinfo endpoint, for an access token of the
// code flow.
func (f *Flow) Userinfo(w http.ResponseWriter, r *http.Request) {
	f.serve(w, r, func(w http.ResponseWriter, r *http.Request, p *op.Provider) { op.Userinfo(w, r, p) })
}

// Revoke serves the revocation endpoint (RFC 7009).
func (f *Flow) Revoke(w http.ResponseWriter, r *http.Request) {
	f.serve(w, r, func(w http.ResponseWriter, r *http.Request, p *op.Provider) { op.Revoke(w, r, p) })
}

// CallbackURL is where the browser goes back to the application after a
// sign-in: the redirect URI with the code and state in the query.
func CallbackURL(c *keyward.OIDCAuthCode, code string) (string, error) {
	return op.AuthResponseURL(c.RedirectURI, oidc.ResponseTypeCode, oidc.ResponseModeQuery,
		&op.CodeResponseType{Code: code, State: c.State}, oidc.NewEncoder())
}

// authorizeErrors are the OAuth error codes (RFC 6749 §4.1.2.1) of the
// authorization requests the service refuses, by the field it names.
// client_id and redirect_uri have none: a request wrong in those is never
// sent back, since its redirect URI is not the application's.
var authorizeErrors = map[string]string{
	"response_type":  "unsupported_response_type",
	"scope":          "invalid_scope",
	"code_challenge": "invalid_request",
	"state":          "invalid_request",
}

// ErrorURL is where a browser goes back to the application whose
// authorization request in the service refused with err: its redirect
// URI with the OAuth error, the service's message and the state. ok is
// false when err is no refusal the application should get, one about the
// client or redirect URI above all, which its caller answers itself. The
// service checks the client and redirect URI first, so a refusal of
// another field comes with both known good.
func ErrorURL(in service.AuthorizeInput, err error) (to string, ok bool) {
	e := keyward.AsError(err)
	if e == nil || e.Code != keyward.CodeInvalid {
		return "", false
	}
	code, ok := authorizeErrors[e.Field]
	if !ok {
		return "", false
	}
	u, perr := url.Parse(in.RedirectURI)
	if perr != nil {
		return "", false
	}
	q := u.Query()
	q.Set("error", code)
	q.Set("error_description", e.Message)
	if in.State != "" && e.Field != "state" {
		q.Set("state", in.State)
	}
	u.RawQuery = q.Encode()
	return u.String(), true
}
