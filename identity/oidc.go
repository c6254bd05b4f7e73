package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/federation"
)

// maxProviders bounds the cache of discovery documents; past it the cache
// starts over, which costs one discovery per provider.
const maxProviders = 1024

// Options configures an OIDC. Zero fields take defaults.
type Options struct {
	Now       func() time.Time // the clock ID tokens are checked against
	ClockSkew time.Duration    // as federation.Options.ClockSkew
	// HTTPClient reaches the providers (discovery, key sets, the token
	// endpoint); default federation.PublicClient(AllowPrivate), which
	// refuses private addresses unless AllowPrivate.
	HTTPClient *http.Client
	// AllowPrivate lets the default client reach providers on loopback
	// and private addresses, for development and tests.
	AllowPrivate bool
}

// OIDC signs people in through OpenID providers. It is safe for
// concurrent use.
type OIDC struct {
	client    *http.Client
	verifiers *federation.Verifiers

	mu        sync.Mutex
	endpoints map[string]oauth2.Endpoint
}

// New returns an OIDC with opts.
func New(opts Options) *OIDC {
	if opts.HTTPClient == nil {
		opts.HTTPClient = federation.PublicClient(opts.AllowPrivate)
	}
	return &OIDC{
		client:    opts.HTTPClient,
		verifiers: federation.New(federation.Options{Now: opts.Now, ClockSkew: opts.ClockSkew, HTTPClient: opts.HTTPClient}),
		endpoints: map[string]oauth2.Endpoint{},
	}
}

// AuthCodeURL returns the provider's authorization URL for a flow with
// state, nonce and the PKCE verifier's S256 challenge. A provider that
// cannot be discovered is CodeUnavailable.
func (o *OIDC) AuthCodeURL(ctx context.Context, c keyward.OIDCClient, state, nonce, verifier string) (string, error) {
	cfg, err := o.config(ctx, c)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce)), nil
}

// Exchange redeems an authorization code with the flow's PKCE verifier at
// the provider's token endpoint and returns the claims of the ID token it
// answers, once that token is verified (signature, iss, aud holding the
// client id, azp when it has several audiences, validity window) and
// carries the flow's nonce. A code the provider refuses (used, expired,
// of another client, or whose challenge the verifier does not meet) and a
// token that fails a check are CodeUnauthenticated.
func (o *OIDC) Exchange(ctx context.Context, c keyward.OIDCClient, code, verifier, nonce string) (map[string]any, error) {
	cfg, err := o.config(ctx, c)
	if err != nil {
		return nil, err
	}
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, o.client), code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, &keyward.Error{Code: keyward.CodeUnauthenticated, Err: err,
				Message: "The identity provider refused the authorization code (" + re.ErrorCode + "); start the sign-in again."}
		}
		return nil, &keyward.Error{Code: keyward.CodeUnavailable, Err: err, Message: "Could not reach the token endpoint of the identity provider " + c.Issuer + "."}
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, keyward.Errorf(keyward.CodeUnauthenticated, "The identity provider answered no ID token; is the openid scope granted to the client?")
	}
	id, err := o.verifiers.Verify(ctx, c.Issuer, []string{c.ClientID}, raw)
	if err != nil {
		return nil, err
	}
	if len(id.Audience) > 1 {
		if azp, _ := id.Claims["azp"].(string); azp != c.ClientID {
			return nil, keyward.Errorf(keyward.CodeUnauthenticated, "The ID token has several audiences and its azp is not this client.")
		}
	}
	got, _ := id.Claims["nonce"].(string)
	if subtle.ConstantTimeCompare([]byte(got), []byte(nonce)) != 1 {
		return nil, keyward.Errorf(keyward.CodeUnauthenticated, "The ID token's nonce is not this sign-in's: it was minted for another flow.")
	}
	if id.Subject == "" {
		return nil, keyward.Errorf(keyward.CodeUnauthenticated, "The ID token has no sub naming the person.")
	}
	return id.Claims, nil
}

// config is the OAuth 2.0 configuration of c, with the endpoints of its
// provider's discovery document (cached; a failed discovery is not).
func (o *OIDC) config(ctx context.Context, c keyward.OIDCClient) (*oauth2.Config, error) {
	o.mu.Lock()
	ep, ok := o.endpoints[c.Issuer]
	o.mu.Unlock()
	if !ok {
		p, err := oidc.NewProvider(oidc.ClientContext(ctx, o.client), c.Issuer)
		if err != nil {
			return nil, &keyward.Error{Code: keyward.CodeUnavailable, Err: err, Message: "Could not read the OpenID configuration of the identity provider " + c.Issuer + "."}
		}
		ep = p.Endpoint()
		o.mu.Lock()
		if len(o.endpoints) >= maxProviders {
			clear(o.endpoints)
		}
		o.endpoints[c.Issuer] = ep
		o.mu.Unlock()
	}
	scopes := append([]string{oidc.ScopeOpenID}, slices.DeleteFunc(slices.Clone(c.Scopes), func(s string) bool { return strings.EqualFold(s, oidc.ScopeOpenID) })...)
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: ep, RedirectURL: c.RedirectURL, Scopes: scopes}, nil
}

// Forget drops what is cached of issuer, so that its next sign-in reads
// its discovery document and key set again (after its configuration
// changed).
func (o *OIDC) Forget(issuer string) {
	o.mu.Lock()
	delete(o.endpoints, issuer)
	o.mu.Unlock()
	o.verifiers.Forget(issuer)
}
