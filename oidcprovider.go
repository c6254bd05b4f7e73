package keyward

import (
	"context"
	"time"
)

// OIDCProviderID identifies a registered OIDC provider application; it is
// also the application's OAuth client id.
type OIDCProviderID string

// OIDCProvider is Vultr's "provider": a relying-party application an
// organization registers so that its members can sign in to it with
// keyward, and so that its members' workloads can obtain tokens for it.
// The provider is its own issuer: its tokens carry iss
// <public URL>/v2/oidc/<id>, and Vultr's issuer_id names the provider.
type OIDCProvider struct {
	ID    OIDCProviderID
	OrgID OrgID
	Name  string
	// SecretHash is the SHA-256 of the client secret, which is shown once
	// at registration and never stored.
	SecretHash []byte
	// RedirectURIs are the exact URIs the authorization-code flow may
	// return to; none: the provider mints workload tokens only.
	RedirectURIs []string
	// Scopes are the scopes the application may request.
	Scopes []string
	// Audiences is the allow-list of aud values a workload token of the
	// provider may carry; the provider's own id is always allowed.
	Audiences []string
	// Pairwise gives the application a subject per member that no other
	// provider sees, rather than the member's user id.
	Pairwise  bool
	CreatedBy UserID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// OIDCProviderTx stores OIDC provider applications.
type OIDCProviderTx interface {
	CreateOIDCProvider(ctx context.Context, p *OIDCProvider) error
	GetOIDCProvider(ctx context.Context, org OrgID, id OIDCProviderID) (*OIDCProvider, error)
	// FindOIDCProvider returns the provider of any organization, for the
	// protocol endpoints, where the client id alone names it.
	FindOIDCProvider(ctx context.Context, id OIDCProviderID) (*OIDCProvider, error)
	// ListOIDCProviders lists providers in creation order.
	ListOIDCProviders(ctx context.Context, org OrgID, p Page) ([]*OIDCProvider, PageInfo, error)
	DeleteOIDCProvider(ctx context.Context, org OrgID, id OIDCProviderID) error
	CountOIDCProviders(ctx context.Context, org OrgID) (int, error)
}

// SigningKey is one of the deployment's keys that sign the tokens keyward
// issues as an OpenID provider. One is active (RetiredAt zero); retired
// keys stay published until the tokens they signed have expired.
type SigningKey struct {
	ID        string // the JWK kid
	Algorithm string // ES256 or RS256
	// Private is the private key in PKCS #8, encrypted with the
	// deployment's key-encryption key; Public is the public key in PKIX.
	Private   []byte
	Public    []byte
	CreatedAt time.Time
	RetiredAt time.Time
}

// SigningKeyTx stores the deployment's signing keys.
type SigningKeyTx interface {
	// ListSigningKeys lists the keys, newest first.
	ListSigningKeys(ctx context.Context) ([]*SigningKey, error)
	// AddSigningKey retires the active key at k.CreatedAt and stores k as
	// the active one.
	AddSigningKey(ctx context.Context, k *SigningKey) error
	// DeleteSigningKeys removes the keys retired before t.
	DeleteSigningKeys(ctx context.Context, t time.Time) error
}

// WorkloadToken is the record of a token keyward signed for a workload:
// everything but the token itself, which is never stored.
type WorkloadToken struct {
	ID         string // the token's jti
	OrgID      OrgID
	ProviderID OIDCProviderID
	Subject    string
	Audience   string
	Scope      string
	// IssuedTo is the member whose credential asked for the token.
	IssuedTo  UserID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// WorkloadTokenTx stores the records of workload tokens.
type WorkloadTokenTx interface {
	CreateWorkloadToken(ctx context.Context, t *WorkloadToken) error
	GetWorkloadToken(ctx context.Context, org OrgID, id string) (*WorkloadToken, error)
}
