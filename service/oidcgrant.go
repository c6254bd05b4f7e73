package service

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// Lifetimes of the code flow: a code waits a minute for its exchange
// (RFC 6749 §4.1.2 advises at most ten), an access token lives 15
// minutes, a refresh token 30 days after its last use.
const (
	codeTTL         = time.Minute
	accessTokenTTL  = 15 * time.Minute
	refreshTokenTTL = 30 * 24 * time.Hour
)

// Secrets of the code flow kept in the secrets table (serverKey).
const (
	pairwiseSecret  = "oidc-pairwise-subjects"
	tokenCryptoName = "oidc-provider-token-encryption"
)

// AuthorizeInput is an authorization request of the code flow, as the
// application sends it to GET /v2/oidc/authorize.
type AuthorizeInput struct {
	ClientID            keyward.OIDCProviderID
	RedirectURI         string
	ResponseType        string
	Scopes              []string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string
	// API is set when the caller authenticated with a bearer credential
	// and gets the code in the answer, not through a browser's redirect:
	// PKCE, which protects a code on its way through the browser, is then
	// optional (Vultr's client sends none), the client secret still
	// required at the exchange.
	API bool
}

// CheckAuthorizeRequest checks an authorization request before anyone
// signs in, and returns the application it names. Every refusal names
// its field and is answered to the browser, never redirected: a request
// whose redirect URI is not exactly one the application registered must
// not send the browser anywhere (no open redirect). To a signed-in
// caller, an application of another organization is one that does not
// exist: nothing of it (its redirect URIs, its scopes) is checked or told.
func (s *Service) CheckAuthorizeRequest(ctx context.Context, in AuthorizeInput) (*keyward.OIDCProvider, error) {
	prov, err := s.FindOIDCProvider(ctx, in.ClientID)
	if p := keyward.PrincipalFromContext(ctx); err == nil && p != nil && prov.OrgID != p.OrgID {
		err = keyward.Errorf(keyward.CodeNotFound, "OIDC provider not found.")
	}
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, keyward.FieldError("client_id", "client_id names no OIDC provider.")
	}
	if err != nil {
		return nil, err
	}
	switch {
	case in.RedirectURI == "" || !slices.Contains(prov.RedirectURIs, in.RedirectURI):
		return nil, keyward.FieldError("redirect_uri", "redirect_uri must be exactly one of the provider's registered redirect URIs.")
	case in.ResponseType != "code":
		return nil, keyward.FieldError("response_type", "response_type must be code: keyward serves the authorization-code flow only.")
	case in.CodeChallenge == "" && in.CodeChallengeMethod == "" && !in.API:
		return nil, keyward.FieldError("code_challenge", "PKCE is required: send code_challenge (43 to 128 characters) with code_challenge_method S256.")
	case (in.CodeChallenge != "" || in.CodeChallengeMethod != "") && (in.CodeChallengeMethod != "S256" || len(in.CodeChallenge) < 43 || len(in.CodeChallenge) > 128):
		return nil, keyward.FieldError("code_challenge", "PKCE is S256 only: send code_challenge (43 to 128 characters) with code_challenge_method S256.")
	case len(in.State) > 1024 || len(in.Nonce) > 1024:
		return nil, keyward.FieldError("state", "state and nonce must be at most 1024 bytes.")
	case !slices.Contains(in.Scopes, "openid"):
		return nil, keyward.FieldError("scope", "scope must include openid.")
	}
	for _, sc := range in.Scopes {
		if !slices.Contains(prov.Scopes, sc) {
			return nil, keyward.FieldError("scope", "scope %q is not allowed for this provider; it allows %s.", sc, strings.Join(prov.Scopes, ", "))
		}
	}
	return prov, nil
}

// AuthorizeOIDC signs the caller in to an application: the consent of
// the code flow. The caller needs oidc.provider.Authorize on the
// application, decided by the engine. An ID token says who a person is,
// with no narrowing, so only a credential that is the member, whole, may
// sign in (checkSignIn). The code and its audit event commit together;
// the code itself, returned once, is never stored.
func (s *Service) AuthorizeOIDC(ctx context.Context, in AuthorizeInput) (*keyward.OIDCAuthCode, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := s.checkSignIn(ctx, p, in.ClientID); err != nil {
		return nil, "", err
	}
	prov, err := s.CheckAuthorizeRequest(ctx, in)
	if err != nil {
		return nil, "", err
	}
	sub, err := s.subjectFor(ctx, prov, p.UserID)
	if err != nil {
		return nil, "", err
	}
	code, hash := newGrantSecret("kwc_")
	var c *keyward.OIDCAuthCode
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		now := tx.Now()
		if err := tx.DeleteExpiredOIDC(ctx, now); err != nil {
			return err
		}
		// auth_time is when the person signed in: the login session's
		// start, not this consent (an API credential signs in now).
		authTime := now
		if p.LoginSession != "" {
			ls, err := tx.GetLoginSession(ctx, p.LoginSession)
			if err != nil {
				return err
			}
			authTime = ls.CreatedAt
		}
		c = &keyward.OIDCAuthCode{
			ID: credential.NewNonce(), CodeHash: hash, OrgID: p.OrgID, ProviderID: prov.ID, UserID: p.UserID, Subject: sub,
			RedirectURI: in.RedirectURI, Scopes: in.Scopes, State: in.State, Nonce: in.Nonce, CodeChallenge: in.CodeChallenge,
			AuthTime: authTime, CreatedAt: now, ExpiresAt: now.Add(codeTTL),
		}
		if err := tx.CreateOIDCAuthCode(ctx, c); err != nil {
			return err
		}
		return s.record(ctx, tx, p, p.OrgID, change{
			Action: "oidc.provider.Authorize", TargetType: "oidc_provider", TargetID: string(prov.ID),
			After: map[string]any{"sub": sub, "scopes": in.Scopes, "redirect_uri": in.RedirectURI},
		})
	})
	if err != nil {
		return nil, "", err
	}
	return c, code, nil
}

// checkSignIn is the one place that decides whether p may sign in to
// application id. The engine decides oidc.provider.Authorize, before the
// application is looked up, so that only who may sign in learns whether
// it exists. A role session and a narrowed key are refused: the ID token
// would name the member and carry neither the session's role nor the
// key's narrowing, so whoever trusts it (an application, or keyward
// itself through an issuer trust) would take it for the whole member. An
// API key that expires is refused too (checkLasting): the grant's refresh
// token lasts 30 days, renewed at each use, and no stored code could cut
// it to the key's end.
func (s *Service) checkSignIn(ctx context.Context, p *keyward.Principal, id keyward.OIDCProviderID) error {
	const action = "oidc.provider.Authorize"
	if err := checkWhole(p, action, "sign in to an application: the ID token names the member"); err != nil {
		return err
	}
	if err := checkLasting(p, action); err != nil {
		return err
	}
	return s.authorize(ctx, p, action, string(id))
}

// subjectFor is the sub that prov sees for user: the user id, or for a
// pairwise application an HMAC of both under a deployment secret, which
// no other application can link to the member.
func (s *Service) subjectFor(ctx context.Context, prov *keyward.OIDCProvider, user keyward.UserID) (string, error) {
	if !prov.Pairwise {
		return string(user), nil
	}
	key, err := s.signing.pairwise.get(ctx, s)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(string(prov.ID) + "\n" + string(user)))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// TokenCryptoKey is the deployment's key that encrypts the opaque access
// tokens of the code flow (the OpenID provider library seals a token's
// id and subject with it).
func (s *Service) TokenCryptoKey(ctx context.Context) ([32]byte, error) {
	key, err := s.signing.tokenKey.get(ctx, s)
	return [32]byte(key), err
}

// errBadGrant is the refusal of a code or refresh token that is unknown,
// used, expired, revoked or no longer its member's.
func errBadGrant() error {
	return keyward.Errorf(keyward.CodeNotFound, "The code or token is invalid, used or expired.")
}

// AuthCode returns the unexpired authorization code code. Reading it
// changes nothing: the code is used up by the issue of its tokens
// (IssueOIDCTokens), so an exchange that fails (a wrong PKCE verifier or
// client secret) leaves it to the application that holds both. A code
// already used is returned too, so that its second exchange is checked
// like the first (client, secret, verifier, redirect URI) before the
// issue refuses it and revokes what the first issued (codeReused): only
// who holds what the exchange needs can end the grant.
func (s *Service) AuthCode(ctx context.Context, code string) (*keyward.OIDCAuthCode, error) {
	var c *keyward.OIDCAuthCode
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		c, err = tx.GetOIDCAuthCode(ctx, hashGrant(code))
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			c, err = tx.GetOIDCAuthCode(ctx, keyward.UsedCodeHash(hashGrant(code)))
		}
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return errBadGrant()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, errBadGrant()
	}
	return c, nil
}

// GrantInput is what a token of the code flow is issued for: a code
// exchanged (Code), or a refresh token used (Refresh, which it replaces).
type GrantInput struct {
	// Code is the authorization code being exchanged, which the issue
	// uses up: a code works once.
	Code       string
	GrantID    string // "": a new grant (a code's exchange)
	OrgID      keyward.OrgID
	ProviderID keyward.OIDCProviderID
	UserID     keyward.UserID
	Subject    string
	Scopes     []string
	AuthTime   time.Time
	// WithRefresh asks for a refresh token beside the access token.
	WithRefresh bool
	// Refresh is the refresh token being used, which the new one replaces
	// (rotation): a refresh token works once.
	Refresh string
}

// IssuedTokens are the access token's id (the library seals it with the
// subject into the opaque token) and the refresh token, if any.
type IssuedTokens struct {
	AccessID  string
	Refresh   string
	ExpiresAt time.Time
}

// IssueOIDCTokens records an access token, and a refresh token if asked,
// for a member whose grant still works (grantMember); the code exchanged or
// the refresh token used is deleted in the same transaction, so two uses
// of one cannot both succeed. The issue is audited as oidc.token.Create by
// the member, in that transaction too.
func (s *Service) IssueOIDCTokens(ctx context.Context, in GrantInput) (*IssuedTokens, error) {
	accessID, accessHash := newGrantSecret("")
	out := &IssuedTokens{AccessID: accessID}
	var refreshHash string
	if in.WithRefresh {
		out.Refresh, refreshHash = newGrantSecret("kwr_")
	}
	grant := in.GrantID
	if grant == "" && in.Code == "" {
		grant = credential.NewNonce()
	}
	reused := false
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if in.Code != "" {
			// The code's grant is named by the code, so that a second use
			// finds the tokens of the first (codeReused).
			c, err := tx.TakeOIDCAuthCode(ctx, hashGrant(in.Code))
			if reused = keyward.ErrorCode(err) == keyward.CodeNotFound; reused {
				return errBadGrant()
			} else if err != nil {
				return err
			}
			grant = c.ID
		}
		if in.Refresh != "" {
			ok, err := tx.DeleteOIDCToken(ctx, hashGrant(in.Refresh))
			if err != nil {
				return err
			}
			if !ok {
				return errBadGrant()
			}
		}
		u, err := grantMember(ctx, tx, in.OrgID, in.UserID)
		if err != nil {
			return err
		}
		now := tx.Now()
		out.ExpiresAt = now.Add(accessTokenTTL)
		tok := keyward.OIDCToken{
			Hash: accessHash, Kind: keyward.OIDCAccessToken, GrantID: grant, OrgID: in.OrgID, ProviderID: in.ProviderID,
			UserID: in.UserID, Subject: in.Subject, Scopes: in.Scopes, AuthTime: in.AuthTime, CreatedAt: now, ExpiresAt: out.ExpiresAt,
		}
		if err := tx.CreateOIDCToken(ctx, &tok); err != nil {
			return err
		}
		if in.WithRefresh {
			rt := tok
			rt.Hash, rt.Kind, rt.ExpiresAt = refreshHash, keyward.OIDCRefreshToken, now.Add(refreshTokenTTL)
			if err := tx.CreateOIDCToken(ctx, &rt); err != nil {
				return err
			}
		}
		member := &keyward.Principal{OrgID: in.OrgID, UserID: in.UserID, Kind: u.Kind()}
		return s.record(ctx, tx, member, in.OrgID, change{
			Action: "oidc.token.Create", TargetType: "oidc_grant", TargetID: grant,
			After: map[string]any{"provider_id": in.ProviderID, "sub": in.Subject, "scopes": in.Scopes, "refresh": in.WithRefresh, "rotated": in.Refresh != ""},
		})
	})
	if reused {
		// A second exchange of the code, or two that raced.
		return nil, s.codeReused(ctx, in.Code)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// codeReused answers the exchange of code, which is not a live code:
// when it is one already used, the tokens issued for it are revoked, as
// RFC 6749 §4.1.2 and the OAuth security BCP advise (whoever presents a
// used code may have stolen it, and so may the tokens' holder be the
// thief), and the revocation is audited as oidc.token.Delete by the
// member. It returns the refusal of the exchange, or the error that kept
// it from revoking.
func (s *Service) codeReused(ctx context.Context, code string) error {
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		c, err := tx.GetOIDCAuthCode(ctx, keyward.UsedCodeHash(hashGrant(code)))
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		if err := tx.DeleteOIDCGrant(ctx, c.ID); err != nil {
			return err
		}
		member := &keyward.Principal{OrgID: c.OrgID, UserID: c.UserID, Kind: keyward.KindNormal}
		return s.record(ctx, tx, member, c.OrgID, change{
			Action: "oidc.token.Delete", TargetType: "oidc_grant", TargetID: c.ID,
			Before: map[string]any{"provider_id": c.ProviderID, "sub": c.Subject, "reason": "authorization code used twice"},
		})
	})
	if err != nil {
		return err
	}
	return errBadGrant()
}

// OIDCToken returns the live token whose id (an access token's) or value
// (a refresh token) is token, of the given kind.
func (s *Service) OIDCToken(ctx context.Context, token string, kind keyward.OIDCTokenKind) (*keyward.OIDCToken, error) {
	var t *keyward.OIDCToken
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		t, err = tx.GetOIDCToken(ctx, hashGrant(token))
		return err
	})
	if keyward.ErrorCode(err) == keyward.CodeNotFound || (err == nil && (t.Kind != kind || !s.now().Before(t.ExpiresAt))) {
		return nil, errBadGrant()
	}
	return t, err
}

// RevokeOIDCToken revokes, for application client, an access token (by
// its id) or a refresh token, which ends its whole grant: the access
// tokens issued with it too. An unknown token, or another application's,
// is no error (RFC 7009 §2.2) and changes nothing.
func (s *Service) RevokeOIDCToken(ctx context.Context, client keyward.OIDCProviderID, token string) error {
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t, err := tx.GetOIDCToken(ctx, hashGrant(token))
		if keyward.ErrorCode(err) == keyward.CodeNotFound || (err == nil && t.ProviderID != client) {
			return nil
		}
		if err != nil {
			return err
		}
		if t.Kind == keyward.OIDCRefreshToken {
			err = tx.DeleteOIDCGrant(ctx, t.GrantID)
		} else {
			_, err = tx.DeleteOIDCToken(ctx, t.Hash)
		}
		if err != nil {
			return err
		}
		member := &keyward.Principal{OrgID: t.OrgID, UserID: t.UserID, Kind: keyward.KindNormal}
		return s.record(ctx, tx, member, t.OrgID, change{
			Action: "oidc.token.Delete", TargetType: "oidc_grant", TargetID: t.GrantID,
			Before: map[string]any{"provider_id": t.ProviderID, "sub": t.Subject, "kind": t.Kind},
		})
	})
}

// MemberClaims are the claims of an ID token or userinfo answer about a
// member, as the scopes granted allow: email (scope email), name
// (profile), groups (groups, the names of the member's groups) and org.
type MemberClaims struct {
	Email  string
	Name   string
	Groups []string
	Org    keyward.OrgID
}

// grantMember returns user of org while an application's grant of theirs
// works: an active member of an organization neither deleted nor
// suspended, as for every credential of theirs; errBadGrant otherwise.
func grantMember(ctx context.Context, tx keyward.Tx, org keyward.OrgID, user keyward.UserID) (*keyward.User, error) {
	u, err := tx.GetUser(ctx, org, user)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || (err == nil && u.Status != keyward.StatusActive) {
		return nil, errBadGrant()
	}
	if err != nil {
		return nil, err
	}
	o, err := tx.GetOrganization(ctx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && (o.DeletedAt != nil || o.SuspendedAt != nil) {
		return nil, errBadGrant()
	}
	return u, err
}

// OIDCMemberClaims reads the claims of user of org now, so that a changed
// name or group shows in the next token; a member no longer active, or of
// an organization deleted or suspended, has none (CodeNotFound).
func (s *Service) OIDCMemberClaims(ctx context.Context, org keyward.OrgID, user keyward.UserID, scopes []string) (*MemberClaims, error) {
	out := &MemberClaims{Org: org}
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := grantMember(ctx, tx, org, user)
		if err != nil {
			return err
		}
		if slices.Contains(scopes, "email") {
			out.Email = u.Email
		}
		if slices.Contains(scopes, "profile") {
			out.Name = u.Name
		}
		if !slices.Contains(scopes, "groups") {
			return nil
		}
		out.Groups = []string{}
		page := keyward.Page{Limit: keyward.MaxPerPage}
		for {
			groups, info, err := tx.ListGroups(ctx, org, keyward.GroupFilter{Member: user, Page: page})
			if err != nil {
				return err
			}
			for _, g := range groups {
				out.Groups = append(out.Groups, g.Name)
			}
			if info.Next == "" {
				return nil
			}
			page.Cursor = info.Next
		}
	})
	return out, err
}

// newGrantSecret returns a fresh code or token (256 random bits, hex,
// after prefix) and its hash.
func newGrantSecret(prefix string) (secret, hash string) {
	secret = prefix + randomHex()
	return secret, hashGrant(secret)
}

// hashGrant is the SHA-256, in hex, under which a code or token is kept.
func hashGrant(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
