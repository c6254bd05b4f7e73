// Package service holds keyward's use cases: one exported method per API
// operation. Each method authenticates nothing (httpapi did that and put a
// keyward.Principal in the context), authorizes the caller, validates its
// input, and runs one store transaction that also writes the audit event and
// bumps the organization's revision.
//
// It imports the root package, policy, authz (which decides every call,
// keyward's own included), credential (token, link and password formats,
// throttles), claims (web identity's rules) and the standard library, plus
// x/sync's singleflight, pquerna/otp for TOTP codes and OpenTelemetry's
// trace API; never net/http, database/sql or sqlstore, even through
// another package (deps_test.go). What reaches outside (SMTP, identity
// providers, web identity issuers, the tracer) is handed to New by
// cmd/keyward.
package service

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/singleflight"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/credential"
	"github.com/keyward-iam/keyward/policy"
)

// Service runs keyward's use cases against a Store.
type Service struct {
	store  keyward.Store
	now    func() time.Time
	log    *slog.Logger
	hasher *credential.Hasher
	eng    *engine // the Authorizer of the current catalog (engine.go)
	// managed caches the managed policies of the current catalog.
	managed atomic.Pointer[managedDetails]
	limits  Limits
	// orgCreation is Options.OrgCreation.
	orgCreation string
	keys        *keyCache // the API keys that authenticated lately
	// keyFlight joins concurrent reads of one key (Authenticate).
	keyFlight singleflight.Group
	invites   *invites     // invitation links and their mail
	logins    *logins      // login throttling, session lifetime, org retention
	oidc      *oidc        // web identity token verifiers
	sso       *sso         // people's sign-in through identity providers
	totpKey   *serverKey   // seals TOTP seeds at rest (mfa.go)
	signing   *signing     // the OpenID provider's signing keys
	registry  registry     // which organizations registered a resource id (tenant.go)
	tracer    trace.Tracer // Options.Tracer's; nil: no spans
	// snapshotMisses counts decisions inside a transaction that needed a
	// snapshot obtained before it, for tests: writes of the caller's own
	// organization never should (txscope.go).
	snapshotMisses atomic.Int64
}

// Options configures a Service. Zero fields take defaults.
type Options struct {
	Now    func() time.Time // the clock; default time.Now
	Logger *slog.Logger     // default slog.Default()
	// Tracer, when set, receives the spans of decisions and snapshot
	// updates made within traced requests; nil traces nothing.
	// cmd/keyward passes the provider it configured.
	Tracer trace.TracerProvider
	// MaxConcurrentHashes bounds concurrent argon2id computations, each of
	// which holds 19 MiB; default 4.
	MaxConcurrentHashes int
	// Limits caps what one organization may hold; zero fields take
	// DefaultLimits.
	Limits Limits
	// CatchUp bounds how long a request that demands an organization
	// revision (min_revision) waits for this server's database to reach it;
	// default 2 s.
	CatchUp time.Duration
	// InvitationKey signs invitation links; empty: a key generated once
	// and stored in the database, shared by every replica.
	InvitationKey []byte
	// InvitationTTL is how long an invitation link works; default 72 h.
	InvitationTTL time.Duration
	// PublicURL is the server's address as invitees reach it, the base of
	// the links in invitation emails; default http://localhost:8080.
	PublicURL string
	// MailWake, if set, is called after a commit that queued mail, to wake
	// the mail sender.
	MailWake func()
	// OrgRetention is how long a deleted organization can be restored
	// before PurgeOrganizations deletes it for good; default 30 days.
	OrgRetention time.Duration
	// LoginSessionTTL is how long a login session lasts; default 12 h.
	LoginSessionTTL time.Duration
	// LoginLimits bounds failed password checks; zero fields take
	// DefaultLoginLimits.
	LoginLimits LoginLimits
	// WebIdentity verifies the tokens of external OpenID Connect issuers
	// for AssumeRoleWithWebIdentity (federation.Verifiers); nil: web
	// identity answers CodeUnavailable.
	WebIdentity WebIdentityVerifier
	// OIDCAllowHTTP allows http:// OIDC issuer URLs, for development and
	// tests; production issuers must use https.
	OIDCAllowHTTP bool
	// SigningKeyLifetime is how long a key signs the tokens keyward
	// issues as an OpenID provider before a new one replaces it; default
	// 30 days.
	SigningKeyLifetime time.Duration
	// RequireTenant makes the authorize API deny a request about a
	// resource that is neither registered in the principal's organization
	// nor named with its organization_id (authz.Options.RequireTenant).
	RequireTenant bool
	// Catalog is the deployment's part of the action catalog: its catalog
	// files, and Vultr's part unless it leaves it out. nil means Vultr's
	// part alone. keyward's own part is always added, and the part fleet
	// administrators store through the API is read by LoadCatalog. The
	// parts must compose (policy.Compose); New panics if they do not.
	Catalog []policy.CatalogPart
	// SignIn signs people in through their organization's OpenID
	// provider (package identity); nil: sign-in through identity
	// providers is refused as unavailable.
	SignIn SignIn
	// SAML signs people in through their organization's SAML 2.0
	// provider (package identity); nil: such sign-ins are refused as
	// unavailable.
	SAML SAMLSignIn
	// IdPSecretKey seals identity providers' client secrets (32 bytes,
	// AES-256); empty: a key generated once and stored in the database,
	// shared by every replica.
	IdPSecretKey []byte
	// OrgCreation says who may create organizations: OrgCreationOpen
	// (any account, as Vultr; the default) or OrgCreationOperator (fleet
	// administrators only).
	OrgCreation string
}

// Who may create organizations (Options.OrgCreation).
const (
	OrgCreationOpen     = "open"
	OrgCreationOperator = "operator"
)

// New returns a Service over store.
func New(store keyward.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxConcurrentHashes <= 0 {
		opts.MaxConcurrentHashes = 4
	}
	keys := newKeyCache(keyCacheTTL)
	if opts.Catalog == nil {
		opts.Catalog = []policy.CatalogPart{policy.VultrPart()}
	}
	eng, err := newEngine(store, opts.Catalog, authz.Options{CatchUp: opts.CatchUp, RequireTenant: opts.RequireTenant, Tracer: opts.Tracer})
	if err != nil {
		panic("service: " + err.Error())
	}
	// The server loads the stored catalog at start (LoadCatalog); requests
	// look for a change once a second has passed on the service's clock.
	eng.checked.Store(opts.Now().UnixNano())
	var tracer trace.Tracer
	if opts.Tracer != nil {
		tracer = opts.Tracer.Tracer("github.com/keyward-iam/keyward/service")
	}
	return &Service{
		tracer:      tracer,
		store:       invalidatingStore{Store: store, keys: keys},
		now:         opts.Now,
		log:         opts.Logger,
		hasher:      credential.NewHasher(opts.MaxConcurrentHashes),
		eng:         eng,
		limits:      opts.Limits.withDefaults(),
		orgCreation: opts.OrgCreation,
		keys:        keys,
		invites:     newInvites(opts),
		logins:      newLogins(opts),
		oidc:        newOIDC(opts),
		sso:         newSSO(opts),
		totpKey:     newServerKey(mfaKeySecret, nil),
		signing:     newSigning(opts),
	}
}

// caller returns the principal of ctx, or CodeUnauthenticated.
func caller(ctx context.Context) (*keyward.Principal, error) {
	p := keyward.PrincipalFromContext(ctx)
	if p == nil {
		return nil, keyward.Errorf(keyward.CodeUnauthenticated, "Authentication required.")
	}
	return p, nil
}

// Now returns the service clock's current time.
func (s *Service) Now() time.Time { return s.now() }
