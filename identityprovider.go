package keyward

import (
	"context"
	"time"
)

// Sources of users and groups (External.Source).
const (
	SourceLocal = ""    // created through keyward's API
	SourceIdP   = "idp" // imported from the organization's identity provider
)

// ActorIdP is the audit actor type of what an organization's identity
// provider did through a sign-in: imports of users and groups and their
// memberships. The event's actor chain names the issuer and subject.
const ActorIdP = "identity_provider"

// External is where a user's membership or a group comes from. One of the
// organization's identity provider's (SourceIdP) is read-only through
// keyward's API: its name, email and group memberships follow the IdP at
// each sign-in, while roles and policies can still be bound to it. SCIM
// and SAML provisioning reuse the same two fields.
type External struct {
	Source     string // SourceLocal or SourceIdP
	ExternalID string // the IdP's id of it; "" for SourceLocal
}

// FromIdP reports whether the IdP is its source of truth.
func (e External) FromIdP() bool { return e.Source == SourceIdP }

// SourceName is the source as the API spells it: "local" or "idp".
func (e External) SourceName() string {
	if e.Source == SourceLocal {
		return "local"
	}
	return e.Source
}

// OIDCExternalID is the ExternalID of a user signed in through OIDC: the
// issuer and the subject, which together name one person for good (OpenID
// Connect Core §5.7); an email may change or be reused.
func OIDCExternalID(issuer, subject string) string { return issuer + "#" + subject }

// IdentityProvider is an organization's OpenID Connect provider, through
// which its people sign in when its identity mode is IdentityIdP.
type IdentityProvider struct {
	OrgID    OrgID
	Issuer   string // the issuer URL, the iss of its ID tokens
	ClientID string
	// SealedSecret is the client secret encrypted with the server's key;
	// it is never returned by the API.
	SealedSecret []byte
	Scopes       []string // requested besides openid
	GroupsClaim  string   // the ID token claim listing the user's groups
	EmailClaim   string
	NameClaim    string
	// AllowedDomains, if any, are the email domains whose people may sign
	// in; others are refused.
	AllowedDomains []string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// SSOFlow is one browser sign-in in progress: what the callback needs to
// finish it, kept in the database so any replica can. ID is the SHA-256
// of the flow's state (hex), so a database reader learns no usable state.
type SSOFlow struct {
	ID        string
	OrgID     OrgID
	Nonce     string
	Verifier  string // the PKCE code verifier
	ReturnTo  string // a same-origin relative path, or ""
	CreatedAt time.Time
	ExpiresAt time.Time
}

// IdentityProviderTx stores organizations' identity providers and the
// sign-ins in progress.
type IdentityProviderTx interface {
	// GetIdentityProvider returns org's provider; none is CodeNotFound.
	GetIdentityProvider(ctx context.Context, org OrgID) (*IdentityProvider, error)
	// PutIdentityProvider creates or replaces org's provider.
	PutIdentityProvider(ctx context.Context, p *IdentityProvider) error
	// DeleteIdentityProvider removes org's provider; none is CodeNotFound.
	DeleteIdentityProvider(ctx context.Context, org OrgID) error
	// GetUserByExternalID returns the member of org with that source and
	// external id.
	GetUserByExternalID(ctx context.Context, org OrgID, source, externalID string) (*User, error)

	CreateSSOFlow(ctx context.Context, f *SSOFlow) error
	// TakeSSOFlow deletes the flow and returns it, so that it is used at
	// most once; a missing or expired one is CodeNotFound.
	TakeSSOFlow(ctx context.Context, id string) (*SSOFlow, error)
}

// OIDCClient is what a sign-in needs of an organization's provider: the
// provider, keyward's client at it with its secret in clear (only in
// memory, for the token request), the scopes and where the provider sends
// the browser back.
type OIDCClient struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	Scopes       []string
	RedirectURL  string
}
