package keyward

import (
	"context"
	"time"
)

// OIDCIssuerID identifies a registered OIDC issuer.
type OIDCIssuerID string

// IssuerSourceExternal is Vultr's source of an issuer run by a third
// party, the only kind keyward registers.
const IssuerSourceExternal = "external"

// OIDCIssuer is an external OpenID Connect issuer an organization trusts
// to vouch for workloads (a CI system, a cluster, an IdP): trusts name it,
// and tokens it signs can assume their roles. keyward verifies those
// tokens with the issuer's live JWKS found through discovery.
type OIDCIssuer struct {
	ID    OIDCIssuerID
	OrgID OrgID
	Name  string
	// URL is the issuer URL, equal to its tokens' iss byte for byte;
	// unique per organization.
	URL string
	// Audiences are the aud values accepted from this issuer; a token must
	// carry one of them. Empty: each trust must pin aud itself.
	Audiences []string
	Source    string // IssuerSourceExternal
	// JWK is the one key Vultr's issuer object carries (kty, kid, n, e,
	// alg, use), kept and returned as given for Vultr's clients;
	// verification uses the issuer's JWKS.
	JWK       IssuerJWK
	CreatedBy UserID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IssuerJWK is the public key fields of Vultr's issuer object.
type IssuerJWK struct {
	KeyType   string
	KeyID     string
	N         string
	E         string
	Algorithm string
	Use       string
}

// OIDCIssuerTx stores OIDC issuers. A second issuer with the same URL in
// one organization is CodeConflict.
type OIDCIssuerTx interface {
	CreateOIDCIssuer(ctx context.Context, i *OIDCIssuer) error
	GetOIDCIssuer(ctx context.Context, org OrgID, id OIDCIssuerID) (*OIDCIssuer, error)
	// ListOIDCIssuers lists issuers in creation order.
	ListOIDCIssuers(ctx context.Context, org OrgID, p Page) ([]*OIDCIssuer, PageInfo, error)
	DeleteOIDCIssuer(ctx context.Context, org OrgID, id OIDCIssuerID) error
	CountOIDCIssuers(ctx context.Context, org OrgID) (int, error)
}

// ActorWebIdentity is the audit actor type of a workload that presented a
// web identity token; the event's ActorChain names the token's issuer and
// subject.
const ActorWebIdentity = "web_identity"
