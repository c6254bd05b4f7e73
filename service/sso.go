package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/keyward-iam/keyward"
)

// ssoStartsPerMinute bounds the sign-ins one source address may start (each
// stores a flow) and the callbacks it may get refused.
const ssoStartsPerMinute = 30

// errNoSSO is the one answer for an organization that does not sign in
// through an identity provider: missing, deleted, in the local identity
// mode, or with no provider configured. The route is public, so it does
// not tell which.
func errNoSSO(org keyward.OrgID) error {
	return keyward.Errorf(keyward.CodeNotFound,
		"Organization %s does not sign in through an identity provider: it does not exist, its identity mode is not idp, or it has no provider configured.", org)
}

// errSSOFlow is the answer for a callback whose state names no sign-in in
// progress of this browser: unknown, used already, expired, or started in
// another browser.
func errSSOFlow() error {
	return keyward.Errorf(keyward.CodeUnauthenticated,
		"This sign-in is unknown, was used already, has expired or was started in another browser; start it again.")
}

// SSOStart is a browser sign-in started: the provider's URL to send the
// browser to, and the state the browser must bring back (httpapi keeps it
// in a cookie, which binds the flow to the browser).
type SSOStart struct {
	URL   string
	State string
}

// StartSSO starts a sign-in into org through its identity provider: it
// stores a flow (state by its SHA-256, nonce, PKCE verifier, returnTo) for
// ssoFlowTTL and returns the provider's authorization URL. returnTo, if
// any, must be a relative path on this server ("/console/..."): anything
// else would make keyward an open redirect. The organization must be in
// the idp identity mode and have a provider (else errNoSSO).
func (s *Service) StartSSO(ctx context.Context, org keyward.OrgID, returnTo string) (*SSOStart, error) {
	if err := checkReturnTo(returnTo); err != nil {
		return nil, err
	}
	_, ip := keyward.RequestFromContext(ctx)
	if _, err := s.logins.reserveFrom("sso", ip, ssoStartsPerMinute, "sign-ins", s.now()); err != nil {
		return nil, err
	}
	idp, err := s.signInProvider(ctx, org)
	if err != nil {
		return nil, err
	}
	if idp.SAML() {
		return s.startSAML(ctx, idp, returnTo)
	}
	client, err := s.oidcClient(ctx, idp)
	if err != nil {
		return nil, err
	}
	state, nonce, verifier := randomHex(), randomHex(), randomHex()
	u, err := s.sso.signIn.AuthCodeURL(ctx, *client, state, nonce, verifier)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return tx.CreateSSOFlow(ctx, &keyward.SSOFlow{ID: flowID(state), OrgID: org, Nonce: nonce, Verifier: verifier,
			ReturnTo: returnTo, ExpiresAt: tx.Now().Add(ssoFlowTTL)})
	})
	if err != nil {
		return nil, err
	}
	return &SSOStart{URL: u, State: state}, nil
}

// UsesSSO reports whether org signs its people in through an identity
// provider, that is whether StartSSO would start a sign-in into it: the
// console's sign-in page links to the provider only then. Like the public
// route that starts one, it needs no credential and tells nothing more.
func (s *Service) UsesSSO(ctx context.Context, org keyward.OrgID) (bool, error) {
	if !keyward.ValidID(string(org)) {
		return false, nil
	}
	_, err := s.signInProvider(ctx, org)
	switch keyward.ErrorCode(err) {
	case "":
		return true, nil
	case keyward.CodeInternal, keyward.CodeUnavailable:
		return false, err
	}
	return false, nil
}

// checkReturnTo accepts "" or an absolute path of this server: one that
// starts with a single "/" and has no scheme, host or backslash, so that
// no browser reads it as another site.
func checkReturnTo(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || len(s) > 2048 || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n\t") ||
		u.Scheme != "" || u.Host != "" || u.User != nil {
		return keyward.FieldError("return_to", "return_to must be a path on this server, such as /console/; %q is not.", s)
	}
	return nil
}

// LocalPath returns p if checkReturnTo accepts it as a path on this
// server, else "/": where a browser goes back to after signing in, which
// never makes keyward an open redirect.
func LocalPath(p string) string {
	if p == "" || checkReturnTo(p) != nil {
		return "/"
	}
	return p
}

// randomHex returns 256 random bits, hex-encoded: a state, a nonce or a
// PKCE verifier (64 characters of its alphabet, RFC 7636 §4.1).
func randomHex() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("service: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// flowID is the stored id of the flow of state: its SHA-256.
func flowID(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:])
}

// signInProvider returns the provider people sign into org through, or
// errNoSSO, or errOrgSuspended.
func (s *Service) signInProvider(ctx context.Context, org keyward.OrgID) (*keyward.IdentityProvider, error) {
	var idp *keyward.IdentityProvider
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		idp, err = ssoProvider(ctx, tx, org)
		return err
	})
	return idp, err
}

// ssoClient returns what an OIDC sign-in into org needs of its provider,
// or errNoSSO, or errOrgSuspended.
func (s *Service) ssoClient(ctx context.Context, org keyward.OrgID) (*keyward.OIDCClient, error) {
	idp, err := s.signInProvider(ctx, org)
	if err != nil {
		return nil, err
	}
	return s.oidcClient(ctx, idp)
}

// oidcClient returns keyward's client at idp, an OpenID provider; a SAML
// one is errNoSSO (an OIDC callback never finishes a SAML sign-in).
func (s *Service) oidcClient(ctx context.Context, idp *keyward.IdentityProvider) (*keyward.OIDCClient, error) {
	if idp.SAML() {
		return nil, errNoSSO(idp.OrgID)
	}
	if s.sso.signIn == nil {
		return nil, keyward.Errorf(keyward.CodeUnavailable, "This server does not sign people in through identity providers.")
	}
	secret, err := s.openSecret(ctx, idp.OrgID, idp.SealedSecret)
	if err != nil {
		return nil, err
	}
	return &keyward.OIDCClient{Issuer: idp.Issuer, ClientID: idp.ClientID, ClientSecret: secret, Scopes: idp.Scopes,
		RedirectURL: s.sso.callbackURL}, nil
}

// ssoProvider returns the identity provider of org, which must be live,
// not suspended and in the idp identity mode.
func ssoProvider(ctx context.Context, tx keyward.Tx, org keyward.OrgID) (*keyward.IdentityProvider, error) {
	o, err := liveOrg(ctx, tx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errNoSSO(org)
	}
	if err != nil {
		return nil, err
	}
	if err := checkOrgOpen(o, errNoSSO(org)); err != nil {
		return nil, err
	}
	if o.IdentityMode != keyward.IdentityIdP {
		return nil, errNoSSO(org)
	}
	idp, err := tx.GetIdentityProvider(ctx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, errNoSSO(org)
	}
	return idp, err
}

// SSOCallback is what the provider sent the browser back with, and the
// state the browser kept.
type SSOCallback struct {
	State        string // the state query parameter
	BrowserState string // the state the browser kept (cookie)
	Code         string
	Error        string // the provider's error, e.g. access_denied
	ErrorDesc    string
}

// SSOSession is a finished sign-in: the login session with its token, and
// where the browser asked to go.
type SSOSession struct {
	Session  *keyward.LoginSession
	Token    string
	User     *keyward.User
	ReturnTo string
}

// FinishSSO finishes a browser sign-in: the state must be the browser's
// and name a flow in progress, which is used up whatever happens next
// (a replayed or stolen callback finds nothing); the code is redeemed
// with the flow's PKCE verifier and the ID token checked (signature,
// issuer, audience, validity, the flow's nonce), all against the
// provider of the organization the flow was started for. Then the person
// is imported (importIdPUser) and a login session opened, in one
// transaction.
//
// Every refusal is CodeUnauthenticated, except an organization that no
// longer signs in through a provider (errNoSSO), a person the provider's
// configuration refuses (CodePermissionDenied) and a provider that cannot
// be reached (CodeUnavailable).
func (s *Service) FinishSSO(ctx context.Context, in SSOCallback) (*SSOSession, error) {
	return s.throttleFinish(ctx, func(ip string) (*SSOSession, error) { return s.finishSSO(ctx, in, ip) })
}

// throttleFinish runs finish, the end of a sign-in through an identity
// provider (of either protocol), under the source address's budget of
// refused sign-ins: a refusal spends one, a success gives it back.
func (s *Service) throttleFinish(ctx context.Context, finish func(ip string) (*SSOSession, error)) (*SSOSession, error) {
	return throttleRefusals(ctx, s, "sso-callback", ssoStartsPerMinute, "refused sign-ins", finish)
}

func (s *Service) finishSSO(ctx context.Context, in SSOCallback, ip string) (*SSOSession, error) {
	if in.State == "" {
		return nil, keyward.FieldError("state", "state is required: the callback comes from the identity provider with the state keyward sent it.")
	}
	if subtle.ConstantTimeCompare([]byte(in.State), []byte(in.BrowserState)) != 1 {
		return nil, errSSOFlow()
	}
	var flow *keyward.SSOFlow
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		flow, err = tx.TakeSSOFlow(ctx, flowID(in.State))
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return errSSOFlow()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if in.Error != "" {
		return nil, keyward.Errorf(keyward.CodeUnauthenticated, "The identity provider refused the sign-in: %s %s", shorten(in.Error), shorten(in.ErrorDesc))
	}
	if in.Code == "" {
		return nil, keyward.FieldError("code", "code is required: the authorization code the identity provider sent back.")
	}
	client, err := s.ssoClient(ctx, flow.OrgID)
	if err != nil {
		return nil, err
	}
	claims, err := s.sso.signIn.Exchange(ctx, *client, in.Code, flow.Verifier, flow.Nonce)
	if err != nil {
		return nil, err
	}
	unchanged := func(idp *keyward.IdentityProvider) bool {
		return idp.Issuer == client.Issuer && idp.ClientID == client.ClientID
	}
	return s.openSSOSession(ctx, flow.OrgID, unchanged, nil, claims, ip, "sso", flow.ReturnTo)
}

// openSSOSession ends a sign-in through org's identity provider, of either
// protocol, in one transaction: the provider, read again, must be the one
// the sign-in was verified against (unchanged); then check (if any) runs,
// the person of the verified claims is imported (importIdPUser) and a
// login session opened (createLoginSession, with its audit event naming
// method).
func (s *Service) openSSOSession(ctx context.Context, org keyward.OrgID, unchanged func(*keyward.IdentityProvider) bool,
	check func(context.Context, keyward.Tx) error, claims map[string]any, ip, method, returnTo string) (*SSOSession, error) {
	var out *SSOSession
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		idp, err := ssoProvider(ctx, tx, org)
		if err != nil {
			return err
		}
		if !unchanged(idp) {
			return keyward.Errorf(keyward.CodeConflict, "The organization's identity provider changed during the sign-in; start it again.")
		}
		if check != nil {
			if err := check(ctx, tx); err != nil {
				return err
			}
		}
		u, err := s.importIdPUser(ctx, tx, idp, claims)
		if err != nil {
			return err
		}
		ls, token, err := s.createLoginSession(ctx, tx, u, ip, method, nil)
		if err != nil {
			return err
		}
		out = &SSOSession{Session: ls, Token: token, User: u, ReturnTo: returnTo}
		return nil
	})
	return out, err
}
