package keyward

import (
	"context"
	"time"
)

// OIDCAuthCode is an authorization code of the code flow (keyward as an
// OpenID provider): a member's sign-in to a provider application,
// consented and waiting for the application to exchange it. Only the
// code's SHA-256 is stored; it is used once.
type OIDCAuthCode struct {
	// ID is random (it names the sign-in, as the ID token's sid would),
	// CodeHash the SHA-256 of the code, in hex.
	ID       string
	CodeHash string
	OrgID    OrgID
	// ProviderID is the application, and its client id.
	ProviderID  OIDCProviderID
	UserID      UserID
	Subject     string // the sub the application sees (pairwise or the user id)
	RedirectURI string
	Scopes      []string
	State       string
	Nonce       string
	// CodeChallenge is the PKCE challenge (S256).
	CodeChallenge string
	AuthTime      time.Time
	CreatedAt     time.Time
	ExpiresAt     time.Time
}

// UsedCodeHash is the key a used authorization code is kept under
// (OIDCGrantTx.TakeOIDCAuthCode): never the hash of a code, which is hex.
func UsedCodeHash(hash string) string { return "used:" + hash }

// OIDCTokenKind tells an OIDCToken's kind.
type OIDCTokenKind string

// The kinds of OIDCToken.
const (
	OIDCAccessToken  OIDCTokenKind = "access"
	OIDCRefreshToken OIDCTokenKind = "refresh"
)

// OIDCToken is the record of an access or refresh token keyward issued to
// a provider application for a member. Only the token's SHA-256 is
// stored. The tokens of one sign-in share GrantID, which a refresh keeps
// and a revocation of the refresh token ends.
type OIDCToken struct {
	Hash       string // SHA-256 of the token (access: of its id), in hex
	Kind       OIDCTokenKind
	GrantID    string
	OrgID      OrgID
	ProviderID OIDCProviderID
	UserID     UserID
	Subject    string
	Scopes     []string
	AuthTime   time.Time
	CreatedAt  time.Time
	ExpiresAt  time.Time
}

// OIDCGrantTx stores the authorization codes and tokens of the code flow.
type OIDCGrantTx interface {
	CreateOIDCAuthCode(ctx context.Context, c *OIDCAuthCode) error
	// GetOIDCAuthCode returns the code whose hash is hash, or
	// CodeNotFound.
	GetOIDCAuthCode(ctx context.Context, hash string) (*OIDCAuthCode, error)
	// TakeOIDCAuthCode returns the code whose hash is hash and marks it
	// used, so that it is used once; CodeNotFound if there is none. A used
	// code is kept under UsedCodeHash(hash) until it expires, so that its
	// second use can be told from a code never issued.
	TakeOIDCAuthCode(ctx context.Context, hash string) (*OIDCAuthCode, error)
	CreateOIDCToken(ctx context.Context, t *OIDCToken) error
	// GetOIDCToken returns the token whose hash is hash, or CodeNotFound.
	GetOIDCToken(ctx context.Context, hash string) (*OIDCToken, error)
	// DeleteOIDCToken deletes the token whose hash is hash, reporting
	// whether there was one.
	DeleteOIDCToken(ctx context.Context, hash string) (bool, error)
	// DeleteOIDCGrant deletes every token of a grant.
	DeleteOIDCGrant(ctx context.Context, grant string) error
	// DeleteExpiredOIDC deletes the codes and tokens expired before t.
	DeleteExpiredOIDC(ctx context.Context, t time.Time) error
}
