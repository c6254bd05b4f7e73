package service

import (
	"context"
	"strings"

	"github.com/keyward-iam/keyward"
)

// SAMLSignIn is the protocol side of people's sign-in through a SAML 2.0
// identity provider (package identity implements it; cmd wires it). It
// holds no state: the service keeps the requests in progress and the
// assertions seen in the database, so that any replica finishes a
// sign-in and none accepts an assertion twice.
type SAMLSignIn interface {
	// FetchMetadata reads an IdP's metadata from a URL.
	FetchMetadata(ctx context.Context, field, url string) (string, error)
	// CheckMetadata parses an IdP's metadata and returns its entity id.
	CheckMetadata(field, metadata string) (string, error)
	// Metadata returns keyward's SP metadata for an entity id and ACS URL.
	Metadata(entityID, acsURL string) ([]byte, error)
	// AuthnRequestURL returns the IdP's URL that starts a sign-in with
	// relayState, and the id of the request the response must answer.
	AuthnRequestURL(sp keyward.SAMLServiceProvider, relayState string) (string, string, error)
	// ParseResponse verifies a posted SAMLResponse for sp that answers
	// requestID ("" for IdP-initiated) and returns its assertion.
	ParseResponse(sp keyward.SAMLServiceProvider, samlResponse, requestID string) (*keyward.SAMLAssertion, error)
}

// SAML attribute names taken when the configuration names none: those
// that Okta, Entra ID and Keycloak send when told to, short and stable.
const (
	DefaultSAMLEmailAttribute  = "email"
	DefaultSAMLNameAttribute   = "name"
	DefaultSAMLGroupsAttribute = "groups"
)

// samlPaths are keyward's SP endpoints of an organization, under its
// public URL: one entity id and ACS URL per organization, so that an
// assertion for one organization's SP is refused by every other's audience
// and recipient checks.
func (s *sso) samlSP(idp *keyward.IdentityProvider) keyward.SAMLServiceProvider {
	entity, acs := s.samlURLs(idp.OrgID)
	return keyward.SAMLServiceProvider{EntityID: entity, ACSURL: acs, IdPMetadata: idp.SAMLMetadata}
}

// samlURLs returns org's SP entity id (its metadata URL) and ACS URL.
func (s *sso) samlURLs(org keyward.OrgID) (entityID, acsURL string) {
	p := s.base + "/v2/auth/saml/" + string(org)
	return p + "/metadata", p + "/acs"
}

// cleanSAML checks a SAML provider's in: its metadata, read from
// SAMLMetadataURL if given (a URL wins over XML), must name an entity id,
// an HTTP-Redirect SSO endpoint and a signing certificate. The entity id
// becomes the Issuer.
func (s *Service) cleanSAML(ctx context.Context, in IdentityProviderInput) (IdentityProviderInput, error) {
	if s.sso.saml == nil {
		return in, keyward.Errorf(keyward.CodeUnavailable, "This server does not sign people in through SAML identity providers.")
	}
	if in.ClientID != "" || in.ClientSecret != "" || in.Scopes != nil {
		return in, keyward.FieldError("client_id", "client_id, client_secret and scopes are for OIDC providers; a SAML provider is given by saml_metadata or saml_metadata_url.")
	}
	in.SAMLMetadataURL = strings.TrimSpace(in.SAMLMetadataURL)
	switch {
	case in.SAMLMetadataURL != "":
		if err := checkMetadataURL(in.SAMLMetadataURL, s.sso.allowHTTP); err != nil {
			return in, err
		}
		md, err := s.sso.saml.FetchMetadata(ctx, "saml_metadata_url", in.SAMLMetadataURL)
		if err != nil {
			return in, err
		}
		in.SAMLMetadata = md
	case strings.TrimSpace(in.SAMLMetadata) == "":
		return in, keyward.FieldError("saml_metadata", "saml_metadata (the IdP's metadata XML) or saml_metadata_url is required for a SAML provider.")
	}
	field := "saml_metadata"
	if in.SAMLMetadataURL != "" {
		field = "saml_metadata_url"
	}
	entity, err := s.sso.saml.CheckMetadata(field, in.SAMLMetadata)
	if err != nil {
		return in, err
	}
	in.Issuer, in.Scopes = entity, []string{}
	for _, c := range []struct {
		v   *string
		def string
	}{
		{&in.EmailClaim, DefaultSAMLEmailAttribute}, {&in.NameClaim, DefaultSAMLNameAttribute}, {&in.GroupsClaim, DefaultSAMLGroupsAttribute},
	} {
		if strings.TrimSpace(*c.v) == "" {
			*c.v = c.def
		}
	}
	return in.cleanMapping()
}

// checkMetadataURL accepts an https URL, or http when the server allows
// it (development and tests).
func checkMetadataURL(u string, allowHTTP bool) error {
	if len(u) > 2048 || !(strings.HasPrefix(u, "https://") || allowHTTP && strings.HasPrefix(u, "http://")) {
		return keyward.FieldError("saml_metadata_url", "saml_metadata_url must be an https URL of at most 2048 bytes.")
	}
	return nil
}

// SAMLMetadata returns keyward's SP metadata for org, which an
// administrator gives the IdP (or whose entity id and ACS URL they type
// in). Like the start of a sign-in, it is errNoSSO unless org signs in
// through a SAML provider, so that the public route tells no more about
// an organization than that route does.
func (s *Service) SAMLMetadata(ctx context.Context, org keyward.OrgID) ([]byte, error) {
	idp, err := s.signInProvider(ctx, org)
	if err != nil {
		return nil, err
	}
	if !idp.SAML() {
		return nil, errNoSSO(org)
	}
	if s.sso.saml == nil {
		return nil, keyward.Errorf(keyward.CodeUnavailable, "This server does not sign people in through SAML identity providers.")
	}
	entity, acs := s.sso.samlURLs(org)
	return s.sso.saml.Metadata(entity, acs)
}

// startSAML starts an SP-initiated sign-in through idp: it stores a flow
// whose id is the SHA-256 of a random relay state and which keeps the
// AuthnRequest's id, which the response must answer; the relay state goes
// to the IdP and comes back with the response.
func (s *Service) startSAML(ctx context.Context, idp *keyward.IdentityProvider, returnTo string) (*SSOStart, error) {
	if s.sso.saml == nil {
		return nil, keyward.Errorf(keyward.CodeUnavailable, "This server does not sign people in through SAML identity providers.")
	}
	state := randomHex()
	u, requestID, err := s.sso.saml.AuthnRequestURL(s.sso.samlSP(idp), state)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return tx.CreateSSOFlow(ctx, &keyward.SSOFlow{ID: flowID(state), OrgID: idp.OrgID, Nonce: requestID,
			ReturnTo: returnTo, ExpiresAt: tx.Now().Add(ssoFlowTTL)})
	})
	if err != nil {
		return nil, err
	}
	return &SSOStart{URL: u, State: state}, nil
}

// SAMLPost is what a SAML IdP posted to an organization's ACS URL.
type SAMLPost struct {
	OrgID        keyward.OrgID
	SAMLResponse string
	RelayState   string
}

// FinishSAML finishes a sign-in into in.OrgID through its SAML provider.
// A relay state naming a sign-in in progress of that organization makes
// it SP-initiated: the flow is used up, and the response must answer its
// request. Otherwise it is IdP-initiated, refused unless the organization
// allows it; its relay state is then a return_to if it is a path on this
// server, and ignored otherwise (no open redirect). The response is
// verified (package identity: signature, issuer, destination, recipient,
// audience, time window, InResponseTo), then in one transaction its
// assertion id is recorded (one seen already is a replay), the person
// imported (importIdPUser) and a login session opened.
//
// Refusals are CodeUnauthenticated, except as FinishSSO, and an
// IdP-initiated sign-in the organization refuses (CodePermissionDenied;
// one with a relay state is taken for a stale sign-in, errSSOFlow).
func (s *Service) FinishSAML(ctx context.Context, in SAMLPost) (*SSOSession, error) {
	return s.throttleFinish(ctx, func(ip string) (*SSOSession, error) { return s.finishSAML(ctx, in, ip) })
}

func (s *Service) finishSAML(ctx context.Context, in SAMLPost, ip string) (*SSOSession, error) {
	idp, err := s.signInProvider(ctx, in.OrgID)
	if err != nil {
		return nil, err
	}
	if !idp.SAML() {
		return nil, errNoSSO(in.OrgID)
	}
	if in.SAMLResponse == "" {
		return nil, keyward.FieldError("SAMLResponse", "SAMLResponse is required: the response the identity provider posts.")
	}
	if s.sso.saml == nil {
		return nil, keyward.Errorf(keyward.CodeUnavailable, "This server does not sign people in through SAML identity providers.")
	}
	var flow *keyward.SSOFlow
	if in.RelayState != "" {
		err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
			var err error
			flow, err = tx.TakeSSOFlow(ctx, flowID(in.RelayState))
			if keyward.ErrorCode(err) == keyward.CodeNotFound {
				flow, err = nil, nil
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var requestID, returnTo string
	switch {
	case flow != nil && flow.OrgID != in.OrgID:
		return nil, errSSOFlow()
	case flow != nil:
		requestID, returnTo = flow.Nonce, flow.ReturnTo
	case !idp.AllowIdPInitiated && in.RelayState != "":
		return nil, errSSOFlow()
	case !idp.AllowIdPInitiated:
		return nil, keyward.Errorf(keyward.CodePermissionDenied,
			"The organization refuses sign-ins started at its identity provider; start at GET /v2/auth/sso/%s (or the sign-in you started has expired).", in.OrgID)
	case checkReturnTo(in.RelayState) == nil:
		returnTo = in.RelayState
	}
	a, err := s.sso.saml.ParseResponse(s.sso.samlSP(idp), in.SAMLResponse, requestID)
	if err != nil {
		return nil, err
	}
	unchanged := func(now *keyward.IdentityProvider) bool {
		return now.SAML() && now.Issuer == idp.Issuer && now.SAMLMetadata == idp.SAMLMetadata && (requestID != "" || now.AllowIdPInitiated)
	}
	once := func(ctx context.Context, tx keyward.Tx) error {
		err := tx.UseSAMLAssertion(ctx, in.OrgID, a.ID, a.Expires)
		if keyward.ErrorCode(err) == keyward.CodeConflict {
			return keyward.Errorf(keyward.CodeUnauthenticated, "This SAML assertion was used already: an assertion signs in once.")
		}
		return err
	}
	return s.openSSOSession(ctx, in.OrgID, unchanged, once, a.Claims, ip, "saml", returnTo)
}
