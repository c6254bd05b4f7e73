// Package federation verifies the JSON Web Tokens that external OpenID
// Connect issuers (GitHub Actions, GitLab, Kubernetes, any IdP) mint for
// their workloads, so a workload can assume a keyward role without a
// keyward credential.
//
// A Verifiers value keeps one verifier per issuer URL, made on first use
// through OIDC discovery (coreos/go-oidc), with the issuer's JWKS cached
// and fetched again (throttled) when a token names a key id it has not
// seen, which is how issuers rotate keys. A token is accepted only if it is signed with an
// asymmetric algorithm by a key of the issuer's JWKS, its iss is the
// issuer, its aud holds an allowed audience, and it is within its validity
// window up to a small clock skew; then a trust's claim conditions decide.
//
// What a token claims, and the conditions a trust sets on it, are package
// claims' (pure); this package adds the network: discovery, keys,
// signatures. It imports the root package (for errors), claims, go-oidc,
// go-jose and the standard library; never the service, the store or the
// HTTP API. cmd/keyward hands a Verifiers to the service
// (service.Options.WebIdentity).
package federation
