package oidcprovider

import (
	"crypto/ecdsa"
	"crypto/rsa"

	"github.com/go-jose/go-jose/v4"

	"github.com/keyward-iam/keyward/service"
)

// Document is a provider's OpenID discovery document: the fields Vultr's
// client decodes (its OIDCDocument), which OpenID Connect Discovery 1.0
// also names.
type Document struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	// keyward's fields beside Vultr's.
	RevocationEndpoint            string   `json:"revocation_endpoint"`
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported"`
}

// Paths of the code flow's endpoints below an issuer (Flow serves them).
const (
	TokenPath    = "/oauth/token"
	UserinfoPath = "/oauth/userinfo"
	RevokePath   = "/oauth/revoke"
)

// JWKSPath is where, below an issuer, its key set is published.
const JWKSPath = "/.well-known/jwks.json"

// Discovery returns the discovery document of the provider whose issuer
// is issuer. Its authorization endpoint is Vultr's, shared by every
// provider (the client id names the application); the token, userinfo
// and revocation endpoints are the issuer's own. Workload tokens are
// granted elsewhere (Vultr's POST /v2/oidc/issuer/token, a bearer
// credential authenticating the caller), so the grants listed are the
// code flow's.
func Discovery(issuer, authorizeEndpoint string) Document {
	return Document{
		Issuer:                            issuer,
		AuthorizationEndpoint:             authorizeEndpoint,
		TokenEndpoint:                     issuer + TokenPath,
		JWKSURI:                           issuer + JWKSPath,
		UserinfoEndpoint:                  issuer + UserinfoPath,
		RevocationEndpoint:                issuer + RevokePath,
		ResponseTypesSupported:            []string{"code"},
		SubjectTypesSupported:             []string{"public", "pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"ES256", "RS256"},
		ScopesSupported:                   service.ProviderScopes,
		ClaimsSupported:                   []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "email", "email_verified", "name", "groups", "org"},
		GrantTypesSupported:               []string{"authorization_code", "refresh_token"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		CodeChallengeMethodsSupported:     []string{"S256"},
	}
}

// KeySet is the JWKS of keys: each published key with its kid, algorithm
// and use "sig". A key of a type JOSE cannot publish is left out.
func KeySet(keys []service.PublicKey) jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{}}
	for _, k := range keys {
		switch k.Key.(type) {
		case *ecdsa.PublicKey, *rsa.PublicKey:
			set.Keys = append(set.Keys, jose.JSONWebKey{Key: k.Key, KeyID: k.ID, Algorithm: k.Algorithm, Use: "sig"})
		}
	}
	return set
}
