// Package claims holds the pure rules of web identity: the identity an
// external OpenID Connect issuer's token claims (Decode, Peek, Identity),
// the conditions a trust sets on those claims (ClaimConditions, Glob,
// CheckTrustConditions), and the issuer URLs keyward accepts
// (CheckIssuerURL).
//
// It reads tokens but verifies none: package federation checks their
// signatures against the issuer's keys, over the network, and returns the
// Identity defined here. Package service decides with this package alone,
// and is handed a verifier by cmd/keyward, so that nothing under service
// reaches the network.
package claims
