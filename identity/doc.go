// Package identity is the protocol side of people's sign-in through their
// organization's identity provider: the OpenID Connect authorization-code
// flow with PKCE (golang.org/x/oauth2), whose ID token it verifies with
// package federation's verifiers (coreos/go-oidc: signature by the
// provider's JWKS, iss, aud, validity window) and then checks against the
// flow's nonce. It is also the protocol side of SCIM 2.0 provisioning
// (SCIMHandler, on github.com/elimity-com/scim and its filter parser):
// SCIM resources and PATCH operations in, keyward's SCIM users and groups
// out, through a SCIMProvisioner that the service implements.
//
// It keeps no state of its own besides cached discovery documents: the
// service keeps each flow's state, nonce and verifier in the database, so
// any replica finishes a sign-in that another started. It imports the
// root package (for errors and the SCIM types), federation, go-oidc,
// x/oauth2, elimity-com/scim and the standard library; never the service, the store or the HTTP API.
package identity
