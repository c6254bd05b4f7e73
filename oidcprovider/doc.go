// Package oidcprovider is keyward's protocol side as an OpenID provider:
// the discovery document of a provider application, the JWKS of the
// deployment's signing keys, and the signed JWTs of workload tokens.
//
// Package service decides who gets which token and keeps the keys;
// this package only speaks JOSE and OpenID Connect, and httpapi serves
// what it builds.
package oidcprovider
