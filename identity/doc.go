// Package identity is the protocol side of people's sign-in through their
// organization's identity provider: the OpenID Connect authorization-code
// flow with PKCE (golang.org/x/oauth2), whose ID token it verifies with
// package federation's verifiers (coreos/go-oidc: signature by the
// provider's JWKS, iss, aud, validity window) and then checks against the
// flow's nonce.
//
// It keeps no state of its own besides cached discovery documents: the
// service keeps each flow's state, nonce and verifier in the database, so
// any replica finishes a sign-in that another started. It imports the
// root package (for errors), federation, go-oidc, x/oauth2 and the
// standard library; never the service, the store or the HTTP API.
package identity
