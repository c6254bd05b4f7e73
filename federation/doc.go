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
// It imports the root package (for errors), go-oidc, go-jose and the
// standard library; never the service, the store or the HTTP API.
package federation
