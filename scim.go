package keyward

import (
	"context"
	"time"
)

// SourceSCIM is the External.Source of users and groups that the
// organization's identity provider provisions through SCIM 2.0. Like
// SourceIdP, the provider is their source of truth (FromIdP): keyward's
// API may bind roles and attach policies to them but not edit them. A
// SCIM user is keyed by its userName, which is its email: an OIDC sign-in
// whose email claim names it signs in as that user, and leaves its
// profile and memberships to SCIM.
const SourceSCIM = "scim"

// ActorSCIM is the audit actor type of what an organization's identity
// provider did through SCIM; the event's actor chain names the SCIM token.
const ActorSCIM = "scim"

// SCIMTokenPrefix starts every SCIM bearer token:
// kwscim_<token id>_<64 hex digits>.
const SCIMTokenPrefix = "kwscim_"

// SCIMTokenID identifies a SCIM token.
type SCIMTokenID string

// SCIMToken is the bearer credential with which an organization's identity
// provider calls that organization's SCIM endpoint, and nothing else. Only
// the SHA-256 of its secret is kept; the secret is shown once.
type SCIMToken struct {
	ID         SCIMTokenID
	OrgID      OrgID
	Name       string
	SecretHash []byte
	CreatedBy  UserID
	CreatedAt  time.Time
}

// SCIMTokenTx stores SCIM tokens.
type SCIMTokenTx interface {
	CreateSCIMToken(ctx context.Context, t *SCIMToken) error
	// GetSCIMToken finds a token by ID in any organization. It serves
	// authentication only.
	GetSCIMToken(ctx context.Context, id SCIMTokenID) (*SCIMToken, error)
	// ListSCIMTokens lists org's tokens in creation order.
	ListSCIMTokens(ctx context.Context, org OrgID, p Page) ([]*SCIMToken, PageInfo, error)
	// DeleteSCIMToken removes a token of org.
	DeleteSCIMToken(ctx context.Context, org OrgID, id SCIMTokenID) error
}

// SCIMUser is a user as SCIM provisions it. UserName is the email of the
// user's account; Name its name (SCIM's displayName, else name.formatted,
// else givenName familyName); Active false is a suspended membership.
type SCIMUser struct {
	ID         UserID
	UserName   string
	ExternalID string
	Name       string
	Active     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// SCIMGroup is a group as SCIM provisions it, with all its members.
type SCIMGroup struct {
	ID          GroupID
	DisplayName string
	ExternalID  string
	Members     []UserID
	CreatedAt   time.Time
	UpdatedAt   time.Time
}
