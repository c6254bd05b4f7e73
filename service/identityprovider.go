package service

import (
	"context"
	"crypto/cipher"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// SignIn is the protocol side of people's sign-in through an OpenID
// provider (package identity implements it; cmd wires it). It holds no
// flow state: the service keeps that in the database.
type SignIn interface {
	// AuthCodeURL returns the provider's authorization URL for a flow
	// with state, nonce and the PKCE verifier's S256 challenge.
	AuthCodeURL(ctx context.Context, c keyward.OIDCClient, state, nonce, verifier string) (string, error)
	// Exchange redeems code with verifier and returns the verified claims
	// of the ID token, whose nonce must be nonce.
	Exchange(ctx context.Context, c keyward.OIDCClient, code, verifier, nonce string) (map[string]any, error)
	// Forget drops what is cached of an issuer.
	Forget(issuer string)
}

// idpKeySecret names the stored key that seals identity providers' client
// secrets when none is configured.
const idpKeySecret = "identity-provider-key"

// Defaults of an identity provider's claims and scopes.
const (
	DefaultGroupsClaim = "groups"
	DefaultEmailClaim  = "email"
	DefaultNameClaim   = "name"
)

// DefaultIdPScopes are the scopes asked for besides openid when the
// configuration names none.
var DefaultIdPScopes = []string{"email", "profile"}

// sso is the service's state of people's sign-in: the protocol, the key
// that seals client secrets, and where providers send browsers back.
type sso struct {
	signIn      SignIn
	saml        SAMLSignIn
	key         *serverKey
	base        string // the server's public URL, without a trailing "/"
	callbackURL string
	allowHTTP   bool
}

func newSSO(opts Options) *sso {
	base := strings.TrimRight(opts.PublicURL, "/")
	if base == "" {
		base = "http://localhost:8080"
	}
	return &sso{signIn: opts.SignIn, saml: opts.SAML, key: newServerKey(idpKeySecret, opts.IdPSecretKey), base: base,
		callbackURL: base + "/v2/auth/sso/callback", allowHTTP: opts.OIDCAllowHTTP}
}

// IdentityProviderInput is the body of PUT /v2/identity-provider. Empty
// claims and scopes take the defaults; an empty ClientSecret keeps the
// stored one (a first OIDC configuration needs one). A SAML provider
// (Kind IdPKindSAML) is given by its metadata, as XML or by URL, and its
// claims name SAML attributes.
type IdentityProviderInput struct {
	Kind              string // IdPKindOIDC (also "") or IdPKindSAML
	SAMLMetadata      string
	SAMLMetadataURL   string
	AllowIdPInitiated bool
	Issuer            string
	ClientID          string
	ClientSecret      string
	Scopes            []string
	GroupsClaim       string
	EmailClaim        string
	NameClaim         string
	AllowedDomains    []string
}

// IdentityProviderDetail is an organization's identity provider as the
// API shows it: never its secret, and with the redirect URI to register
// at the provider (for SAML: the ACS URL, beside keyward's entity id).
type IdentityProviderDetail struct {
	*keyward.IdentityProvider
	RedirectURI string
	SPEntityID  string // SAML only
}

// detail is idp as the API shows it.
func (s *Service) detail(idp *keyward.IdentityProvider) *IdentityProviderDetail {
	if idp.SAML() {
		sp := s.sso.samlSP(idp)
		return &IdentityProviderDetail{idp, sp.ACSURL, sp.EntityID}
	}
	return &IdentityProviderDetail{idp, s.sso.callbackURL, ""}
}

type idpView struct {
	Kind              string   `json:"kind"`
	SAMLMetadataURL   string   `json:"saml_metadata_url,omitempty"`
	AllowIdPInitiated bool     `json:"allow_idp_initiated,omitempty"`
	Issuer            string   `json:"issuer"`
	ClientID          string   `json:"client_id"`
	Scopes            []string `json:"scopes"`
	GroupsClaim       string   `json:"groups_claim"`
	EmailClaim        string   `json:"email_claim"`
	NameClaim         string   `json:"name_claim"`
	AllowedDomains    []string `json:"allowed_domains"`
}

func viewIdP(p *keyward.IdentityProvider) idpView {
	return idpView{p.Kind, p.SAMLMetadataURL, p.AllowIdPInitiated, p.Issuer, p.ClientID, p.Scopes, p.GroupsClaim, p.EmailClaim, p.NameClaim, p.AllowedDomains}
}

// clean checks an OIDC provider's in and returns it trimmed, with
// defaults filled in.
func (in IdentityProviderInput) clean(allowHTTP bool) (IdentityProviderInput, error) {
	var err error
	in.Issuer = strings.TrimSpace(in.Issuer)
	if err := claims.CheckIssuerURL("issuer", in.Issuer, allowHTTP); err != nil {
		return in, err
	}
	in.ClientID = strings.TrimSpace(in.ClientID)
	if in.ClientID == "" || len(in.ClientID) > 256 || !utf8.ValidString(in.ClientID) {
		return in, keyward.FieldError("client_id", "client_id is required: the id of keyward's client (application) at the provider, at most 256 bytes.")
	}
	if len(in.ClientSecret) > 4096 || !utf8.ValidString(in.ClientSecret) {
		return in, keyward.FieldError("client_secret", "client_secret must be a string of at most 4096 bytes.")
	}
	if in.Scopes == nil {
		in.Scopes = DefaultIdPScopes
	}
	if in.Scopes, err = cleanStrings("scopes", in.Scopes, 20); err != nil {
		return in, err
	}
	return in.cleanMapping()
}

// cleanMapping checks the allowed domains and the names of the claims (or
// SAML attributes) of in, with defaults filled in.
func (in IdentityProviderInput) cleanMapping() (IdentityProviderInput, error) {
	var err error
	if in.AllowedDomains, err = cleanStrings("allowed_domains", in.AllowedDomains, 50); err != nil {
		return in, err
	}
	for i, d := range in.AllowedDomains {
		in.AllowedDomains[i] = strings.ToLower(strings.TrimPrefix(d, "@"))
	}
	for _, c := range []struct {
		field string
		v     *string
		def   string
	}{{"groups_claim", &in.GroupsClaim, DefaultGroupsClaim}, {"email_claim", &in.EmailClaim, DefaultEmailClaim}, {"name_claim", &in.NameClaim, DefaultNameClaim}} {
		if *c.v = strings.TrimSpace(*c.v); *c.v == "" {
			*c.v = c.def
		}
		if len(*c.v) > 256 || !utf8.ValidString(*c.v) {
			return in, keyward.FieldError(c.field, "%s must be a claim name of at most 256 bytes.", c.field)
		}
	}
	return in, nil
}

// GetIdentityProvider returns the caller's organization's identity
// provider (iam.identityprovider.Read); none is CodeNotFound.
func (s *Service) GetIdentityProvider(ctx context.Context) (*IdentityProviderDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.identityprovider.Read", ""); err != nil {
		return nil, err
	}
	var idp *keyward.IdentityProvider
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		idp, err = identityProviderOf(ctx, tx, p.OrgID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.detail(idp), nil
}

// identityProviderOf returns org's identity provider, or CodeNotFound.
func identityProviderOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID) (*keyward.IdentityProvider, error) {
	idp, err := tx.GetIdentityProvider(ctx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Identity provider")
	}
	return idp, err
}

// PutIdentityProvider creates or replaces the caller's organization's
// identity provider (iam.identityprovider.Update, an admin-level action:
// whoever sets it decides who signs in and into which groups, so the
// caller must also hold what that hands out: checkSource). The client
// secret is sealed with the server's key before it is stored; it is
// required unless one is stored already. Whether the organization's
// people sign in through it is its identity mode, which the deployment's
// operators set.
func (s *Service) PutIdentityProvider(ctx context.Context, in IdentityProviderInput) (*IdentityProviderDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.identityprovider.Update", ""); err != nil {
		return nil, err
	}
	if err := s.checkSource(ctx, p); err != nil {
		return nil, err
	}
	switch in.Kind {
	case "", keyward.IdPKindOIDC:
		in.Kind = keyward.IdPKindOIDC
		in, err = in.clean(s.sso.allowHTTP)
	case keyward.IdPKindSAML:
		in, err = s.cleanSAML(ctx, in)
	default:
		err = keyward.FieldError("type", "type %q is not supported; keyward connects OpenID Connect (oidc) and SAML 2.0 (saml) providers.", in.Kind)
	}
	if err != nil {
		return nil, err
	}
	var sealed []byte
	if in.ClientSecret != "" && in.Kind == keyward.IdPKindOIDC {
		if sealed, err = s.sealSecret(ctx, p.OrgID, in.ClientSecret); err != nil {
			return nil, err
		}
	}
	var idp *keyward.IdentityProvider
	var before *keyward.IdentityProvider
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		before, err = tx.GetIdentityProvider(ctx, p.OrgID)
		if err != nil && keyward.ErrorCode(err) != keyward.CodeNotFound {
			return err
		}
		idp = &keyward.IdentityProvider{OrgID: p.OrgID, Kind: in.Kind, Issuer: in.Issuer, ClientID: in.ClientID, SealedSecret: sealed,
			Scopes: in.Scopes, GroupsClaim: in.GroupsClaim, EmailClaim: in.EmailClaim, NameClaim: in.NameClaim,
			AllowedDomains: in.AllowedDomains, SAMLMetadata: in.SAMLMetadata, SAMLMetadataURL: in.SAMLMetadataURL,
			AllowIdPInitiated: in.AllowIdPInitiated, UpdatedAt: tx.Now()}
		c := change{Action: "iam.identityprovider.Update", TargetType: "identity_provider", TargetID: string(p.OrgID), After: viewIdP(idp)}
		if before != nil {
			idp.CreatedAt = before.CreatedAt
			c.Before = viewIdP(before)
			if sealed == nil && idp.Kind == before.Kind {
				idp.SealedSecret = before.SealedSecret
			}
		}
		if idp.Kind == keyward.IdPKindOIDC && len(idp.SealedSecret) == 0 {
			return keyward.FieldError("client_secret", "client_secret is required: the secret of keyward's client at the provider.")
		}
		if err := tx.PutIdentityProvider(ctx, idp); err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, c)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.forgetIssuer(before)
	return s.detail(idp), nil
}

// forgetIssuer drops the cached documents of a provider that changed.
func (s *Service) forgetIssuer(idp *keyward.IdentityProvider) {
	if idp != nil && !idp.SAML() && s.sso.signIn != nil {
		s.sso.signIn.Forget(idp.Issuer)
	}
}

// DeleteIdentityProvider removes the caller's organization's identity
// provider (iam.identityprovider.Delete): nobody signs into it through
// one until it is configured again; its IdP users and groups stay.
func (s *Service) DeleteIdentityProvider(ctx context.Context) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, p, "iam.identityprovider.Delete", ""); err != nil {
		return err
	}
	var idp *keyward.IdentityProvider
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if idp, err = identityProviderOf(ctx, tx, p.OrgID); err != nil {
			return err
		}
		if err := tx.DeleteIdentityProvider(ctx, p.OrgID); err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.identityprovider.Delete", TargetType: "identity_provider", TargetID: string(p.OrgID), Before: viewIdP(idp),
		})
		return err
	})
	if err == nil {
		s.forgetIssuer(idp)
	}
	return err
}

// sealSecret encrypts an organization's client secret with the server's
// key (AES-256-GCM, a random nonce first); the organization id is the
// additional data, so a sealed secret opens only in its own row.
func (s *Service) sealSecret(ctx context.Context, org keyward.OrgID, secret string) ([]byte, error) {
	aead, err := s.idpAEAD(ctx)
	if err != nil {
		return nil, err
	}
	return sealWith(aead, []byte(org), []byte(secret)), nil
}

// openSecret decrypts what sealSecret sealed.
func (s *Service) openSecret(ctx context.Context, org keyward.OrgID, sealed []byte) (string, error) {
	aead, err := s.idpAEAD(ctx)
	if err != nil {
		return "", err
	}
	plain, err := openWith(aead, []byte(org), sealed)
	if err != nil {
		return "", &keyward.Error{Code: keyward.CodeConflict, Field: "client_secret", Err: err,
			Message: "The identity provider's client secret cannot be decrypted with this server's key; set it again (PUT /v2/identity-provider)."}
	}
	return string(plain), nil
}

func (s *Service) idpAEAD(ctx context.Context) (cipher.AEAD, error) {
	return s.sso.key.aead(ctx, s)
}

// ssoFlowTTL is how long a browser has to come back from the provider.
const ssoFlowTTL = 10 * time.Minute
