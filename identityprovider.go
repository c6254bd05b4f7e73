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
	Source     string // SourceLocal, SourceIdP or SourceSCIM
	ExternalID string // the IdP's id of it; "" for SourceLocal
}

// FromIdP reports whether the IdP is its source of truth: it was imported
// at a sign-in or provisioned through SCIM.
func (e External) FromIdP() bool { return e.Source == SourceIdP || e.Source == SourceSCIM }

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

// Kinds of identity providers (IdentityProvider.Kind).
const (
	IdPKindOIDC = "oidc" // OpenID Connect, authorization-code flow
	IdPKindSAML = "saml" // SAML 2.0, HTTP-Redirect request and HTTP-POST response
)

// IdentityProvider is an organization's OpenID Connect or SAML 2.0
// provider, through which its people sign in when its identity mode is
// IdentityIdP. The claims fields name SAML attributes for a SAML one.
type IdentityProvider struct {
	OrgID OrgID
	Kind  string // IdPKindOIDC or IdPKindSAML
	// Issuer is the OIDC issuer URL (the iss of its ID tokens), or the
	// SAML IdP's entity id (the Issuer of its assertions).
	Issuer   string
	ClientID string // OIDC only
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
	// SAMLMetadata is the SAML IdP's metadata XML (its entity id, its
	// SSO endpoint and the certificates its signatures must verify with);
	// SAMLMetadataURL is where it was read from, if it was given by URL.
	SAMLMetadata    string
	SAMLMetadataURL string
	// AllowIdPInitiated lets a SAML IdP sign people in unsolicited (from
	// its dashboard). Refused by default: such a response answers no
	// request of keyward's, so nothing binds it to the browser.
	AllowIdPInitiated bool
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// SAML reports whether p is a SAML 2.0 provider.
func (p *IdentityProvider) SAML() bool { return p.Kind == IdPKindSAML }

// SSOFlow is one browser sign-in in progress: what the callback needs to
// finish it, kept in the database so any replica can. ID is the SHA-256
// of the flow's state (hex), so a database reader learns no usable state.
type SSOFlow struct {
	ID        string
	OrgID     OrgID
	Nonce     string // OIDC: the nonce; SAML: the AuthnRequest's ID
	Verifier  string // the PKCE code verifier (OIDC)
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

	// UseSAMLAssertion records that org accepted the assertion id, until
	// expires; an id recorded already and not expired is CodeConflict, so
	// that an assertion signs in once across every replica.
	UseSAMLAssertion(ctx context.Context, org OrgID, id string, expires time.Time) error

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

// SAMLServiceProvider is keyward as the SAML service provider of one
// organization: its own entity id and ACS URL, so that an assertion for
// one organization's SP never signs into another, and the IdP's metadata.
type SAMLServiceProvider struct {
	EntityID    string // keyward's entity id, the audience of assertions
	ACSURL      string // where the IdP posts responses
	IdPMetadata string // the IdP's metadata XML
}

// SAMLAssertion is a verified SAML assertion: its id and until when it
// must be remembered to refuse a replay, and its subject and attributes
// as claims: "iss" (the IdP's entity id), "sub" (the NameID), and each
// attribute by name and by friendly name, a string or a list of them.
type SAMLAssertion struct {
	ID      string
	Expires time.Time
	Claims  map[string]any
}
