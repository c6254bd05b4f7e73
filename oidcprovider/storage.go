package oidcprovider

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// storage is the op.Storage of keyward's provider: every read and write
// is the service's, which keeps codes and tokens hashed and audits them.
// The library's own authorization-request store is unused: keyward's
// authorize endpoint checks the request, signs the member in and makes
// the code itself (Authorize), so only the token, userinfo and
// revocation endpoints, which all start from a code or a token, reach
// the library.
type storage struct {
	svc *service.Service
}

var errUnused = errors.New("oidcprovider: not used by keyward's flow")

// grant is a code being exchanged or a refresh token being used: what an
// ID token and the next tokens are made from.
type grant struct {
	id       string // the grant's id; "" for a code's first exchange
	org      keyward.OrgID
	client   keyward.OIDCProviderID
	user     keyward.UserID
	subject  string
	scopes   []string
	authTime time.Time
	// for a code: its record and the code itself, which the issue uses up.
	code      *keyward.OIDCAuthCode
	codeValue string
	// for a refresh token: the token, which the next one replaces.
	refresh string
}

// authRequest is a code's grant as the library's op.AuthRequest.
type authRequest struct{ *grant }

func (a authRequest) GetID() string                      { return a.code.ID }
func (a authRequest) GetACR() string                     { return "" }
func (a authRequest) GetNonce() string                   { return a.code.Nonce }
func (a authRequest) GetRedirectURI() string             { return a.code.RedirectURI }
func (a authRequest) GetResponseType() oidc.ResponseType { return oidc.ResponseTypeCode }
func (a authRequest) GetResponseMode() oidc.ResponseMode { return oidc.ResponseModeQuery }
func (a authRequest) GetState() string                   { return a.code.State }
func (a authRequest) Done() bool                         { return true }

// GetCodeChallenge is the code's PKCE challenge; nil for a code an API
// caller got without one.
func (a authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.code.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.code.CodeChallenge, Method: oidc.CodeChallengeMethodS256}
}

func (g *grant) GetAMR() []string            { return nil }
func (g *grant) GetAudience() []string       { return []string{string(g.client)} }
func (g *grant) GetAuthTime() time.Time      { return g.authTime }
func (g *grant) GetClientID() string         { return string(g.client) }
func (g *grant) GetScopes() []string         { return g.scopes }
func (g *grant) GetSubject() string          { return g.subject }
func (g *grant) SetCurrentScopes(s []string) { g.scopes = s }

// grantOf returns the grant behind a request the library hands back.
func grantOf(req any) (*grant, bool) {
	switch r := req.(type) {
	case authRequest:
		return r.grant, true
	case *grant:
		return r, true
	}
	return nil, false
}

func (s *storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	c, err := s.svc.AuthCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return authRequest{&grant{org: c.OrgID, client: c.ProviderID, user: c.UserID, subject: c.Subject,
		scopes: c.Scopes, authTime: c.AuthTime, code: c, codeValue: code}}, nil
}

func (s *storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	id, _, exp, err := s.issue(ctx, req, false)
	return id, exp, err
}

func (s *storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, _ string) (string, string, time.Time, error) {
	return s.issue(ctx, req, true)
}

// issue records the tokens of a grant; a refresh token's use replaces it.
func (s *storage) issue(ctx context.Context, req op.TokenRequest, withRefresh bool) (string, string, time.Time, error) {
	g, ok := grantOf(req)
	if !ok {
		return "", "", time.Time{}, errUnused
	}
	t, err := s.svc.IssueOIDCTokens(ctx, service.GrantInput{
		Code: g.codeValue, GrantID: g.id, OrgID: g.org, ProviderID: g.client, UserID: g.user, Subject: g.subject, Scopes: g.scopes,
		AuthTime: g.authTime, WithRefresh: withRefresh, Refresh: g.refresh,
	})
	if err != nil {
		return "", "", time.Time{}, oidc.ErrInvalidGrant().WithParent(err)
	}
	return t.AccessID, t.Refresh, t.ExpiresAt, nil
}

func (s *storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	t, err := s.svc.OIDCToken(ctx, token, keyward.OIDCRefreshToken)
	if err != nil {
		return nil, oidc.ErrInvalidGrant().WithParent(err)
	}
	return &grant{id: t.GrantID, org: t.OrgID, client: t.ProviderID, user: t.UserID, subject: t.Subject,
		scopes: t.Scopes, authTime: t.AuthTime, refresh: token}, nil
}

func (s *storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	t, err := s.svc.OIDCToken(ctx, token, keyward.OIDCRefreshToken)
	if err != nil || string(t.ProviderID) != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return t.Subject, token, nil
}

func (s *storage) RevokeToken(ctx context.Context, tokenOrID, _, clientID string) *oidc.Error {
	if err := s.svc.RevokeOIDCToken(ctx, keyward.OIDCProviderID(clientID), tokenOrID); err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

func (s *storage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	g, ok := grantOf(req)
	if !ok {
		return errUnused
	}
	return s.setClaims(ctx, info, g.org, g.user, g.subject, scopes)
}

func (s *storage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, _, _ string) error {
	t, err := s.svc.OIDCToken(ctx, tokenID, keyward.OIDCAccessToken)
	if err == nil {
		err = s.setClaims(ctx, info, t.OrgID, t.UserID, t.Subject, t.Scopes)
	}
	// op writes this error as the body of its 403: an OAuth error, never
	// keyward's error struct.
	switch {
	case err == nil:
		return nil
	case keyward.ErrorCode(err) == keyward.CodeInternal:
		return oidc.ErrServerError().WithParent(err)
	}
	return oidc.ErrAccessDenied().WithDescription("%s", keyward.ErrorMessage(err)).WithParent(err)
}

// setClaims fills info with the member's claims that scopes allow.
func (s *storage) setClaims(ctx context.Context, info *oidc.UserInfo, org keyward.OrgID, user keyward.UserID, sub string, scopes []string) error {
	c, err := s.svc.OIDCMemberClaims(ctx, org, user, scopes)
	if err != nil {
		return err
	}
	info.Subject = sub
	if c.Email != "" {
		info.Email, info.EmailVerified = c.Email, oidc.Bool(true)
	}
	info.Name = c.Name
	if c.Groups != nil {
		info.AppendClaims("groups", c.Groups)
	}
	info.AppendClaims("org", string(c.Org))
	return nil
}

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	prov, err := s.svc.FindOIDCProvider(ctx, keyward.OIDCProviderID(id))
	if err != nil {
		return nil, err
	}
	// The provider is its own issuer: a client that is not the issuer of
	// the endpoint it calls is unknown there.
	if op.IssuerFromContext(ctx) != s.svc.IssuerURL(prov.ID) {
		return nil, errors.New("oidcprovider: client of another issuer")
	}
	return client{prov}, nil
}

func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	c, err := s.GetClientByClientID(ctx, id)
	if err != nil {
		return err
	}
	if !service.CheckClientSecret(c.(client).p, secret) {
		return errors.New("oidcprovider: wrong client secret")
	}
	return nil
}

func (s *storage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	k, err := s.svc.ActiveSigningKey(ctx)
	if err != nil {
		return nil, err
	}
	return signingKey{k}, nil
}

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256, jose.RS256}, nil
}

func (s *storage) KeySet(ctx context.Context) ([]op.Key, error) {
	keys, err := s.svc.PublicSigningKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]op.Key, len(keys))
	for i, k := range keys {
		out[i] = publicKey{k}
	}
	return out, nil
}

// The rest of op.Storage serves flows keyward does not offer (the
// library's own login, introspection, JWT profile grants).

func (s *storage) CreateAuthRequest(context.Context, *oidc.AuthRequest, string) (op.AuthRequest, error) {
	return nil, errUnused
}
func (s *storage) AuthRequestByID(context.Context, string) (op.AuthRequest, error) {
	return nil, errUnused
}
func (s *storage) SaveAuthCode(context.Context, string, string) error { return errUnused }

// DeleteAuthRequest has nothing to do: issuing the tokens used the code
// up.
func (s *storage) DeleteAuthRequest(context.Context, string) error { return nil }
func (s *storage) TerminateSession(context.Context, string, string) error {
	return errUnused
}
func (s *storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil // SetUserinfoFromRequest does it
}
func (s *storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return errUnused
}
func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}
func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errUnused
}
func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errUnused
}
func (s *storage) Health(context.Context) error { return nil }

// signingKey is the service's active key as the library's.
type signingKey struct{ k *service.SigningKey }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm {
	return jose.SignatureAlgorithm(k.k.Algorithm)
}
func (k signingKey) Key() any   { return k.k.Key }
func (k signingKey) ID() string { return k.k.ID }

// publicKey is a published key as the library's.
type publicKey struct{ k service.PublicKey }

func (k publicKey) ID() string                         { return k.k.ID }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.SignatureAlgorithm(k.k.Algorithm) }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.k.Key }

// client is an application as the library's op.Client: a confidential
// web client of the code flow with refresh tokens, whose ID tokens carry
// the member's claims (not only the userinfo endpoint).
type client struct{ p *keyward.OIDCProvider }

func (c client) GetID() string                       { return string(c.p.ID) }
func (c client) RedirectURIs() []string              { return c.p.RedirectURIs }
func (c client) PostLogoutRedirectURIs() []string    { return nil }
func (c client) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c client) AuthMethod() oidc.AuthMethod         { return oidc.AuthMethodBasic }
func (c client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c client) LoginURL(string) string              { return "" }
func (c client) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeBearer }
func (c client) IDTokenLifetime() time.Duration      { return IDTokenLifetime }
func (c client) DevMode() bool                       { return false }
func (c client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c client) IsScopeAllowed(scope string) bool     { return slices.Contains(c.p.Scopes, scope) }
func (c client) IDTokenUserinfoClaimsAssertion() bool { return true }
func (c client) ClockSkew() time.Duration             { return 0 }
