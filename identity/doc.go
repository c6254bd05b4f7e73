// Package identity is the protocol side of people's sign-in through their
// organization's identity provider: the OpenID Connect authorization-code
// flow with PKCE (golang.org/x/oauth2), whose ID token it verifies with
// package federation's verifiers (coreos/go-oidc: signature by the
// provider's JWKS, iss, aud, validity window) and then checks against the
// flow's nonce; and SAML 2.0 (crewjam/saml, with goxmldsig at a version
// past GHSA-479m-364c-43vc) as each organization's service provider,
// whose responses it verifies (signature by the IdP metadata's
// certificates, issuer, destination, recipient, audience, time window,
// InResponseTo). It is also the protocol side of SCIM 2.0 provisioning
// (SCIMHandler, on github.com/elimity-com/scim and its filter parser):
// SCIM resources and PATCH operations in, keyward's SCIM users and groups
// out, through a SCIMProvisioner that the service implements.
//
// It keeps no state of its own besides cached discovery documents: the
// service keeps each flow's state, nonce, verifier or SAML request id, and
// the SAML assertions seen, in the database, so any replica finishes a
// sign-in that another started and none accepts an assertion twice. It
// imports the root package (for errors and the SCIM types), federation, go-oidc,
// x/oauth2, elimity-com/scim, crewjam/saml and the standard library; never the service, the store or
// the HTTP API.
package identity
