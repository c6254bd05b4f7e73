package keywardtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// OIDCIssuer is an OpenID Connect issuer in the test process: an
// httptest server serving a discovery document and a JWKS, and a signer of
// tokens with its keys, an RSA key (RS256) and an ECDSA key (ES256). Keys
// rotate on demand; the JWKS always serves the current ones only.
type OIDCIssuer struct {
	// URL is the issuer URL, the iss of its tokens.
	URL string
	// Now is the clock tokens are stamped with; default time.Now. Set it
	// before the first Token.
	Now func() time.Time

	srv     *httptest.Server
	mu      sync.Mutex
	rsaKey  jose.JSONWebKey
	ecKey   jose.JSONWebKey
	gen     int
	fetches int
}

// NewOIDCIssuer starts an issuer that tb stops when it ends.
func NewOIDCIssuer(tb testing.TB) *OIDCIssuer {
	tb.Helper()
	i := &OIDCIssuer{Now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                i.URL,
			"jwks_uri":                              i.URL + "/jwks",
			"authorization_endpoint":                i.URL + "/authorize",
			"token_endpoint":                        i.URL + "/token",
			"response_types_supported":              []string{"id_token"},
			"subject_types_supported":               []string{"public"},
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		i.mu.Lock()
		i.fetches++
		set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{i.rsaKey.Public(), i.ecKey.Public()}}
		i.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(set)
	})
	i.srv = httptest.NewServer(mux)
	tb.Cleanup(i.srv.Close)
	i.URL = i.srv.URL
	i.Rotate(tb)
	return i
}

// Rotate replaces the issuer's keys with new ones, with new key ids, and
// returns the new RSA key id. Tokens signed before no longer verify once
// a verifier fetches the JWKS again.
func (i *OIDCIssuer) Rotate(tb testing.TB) string {
	tb.Helper()
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	ek, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.gen++
	i.rsaKey = jose.JSONWebKey{Key: rk, KeyID: "rsa-" + itoa(i.gen), Algorithm: "RS256", Use: "sig"}
	i.ecKey = jose.JSONWebKey{Key: ek, KeyID: "ec-" + itoa(i.gen), Algorithm: "ES256", Use: "sig"}
	return i.rsaKey.KeyID
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// JWKSFetches returns how often the JWKS was fetched.
func (i *OIDCIssuer) JWKSFetches() int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.fetches
}

// TokenOption changes how OIDCIssuer.Token signs.
type TokenOption func(*tokenOptions)

type tokenOptions struct {
	alg string
	key crypto.Signer
	kid *string
}

// WithAlg signs with alg: "RS256" (the default) or "ES256" with the
// issuer's keys; "none" leaves the token unsigned; "HS256" signs with
// HMAC, using the issuer's public RSA modulus as the secret (the classic
// algorithm-confusion attack).
func WithAlg(alg string) TokenOption { return func(o *tokenOptions) { o.alg = alg } }

// WithSigningKey signs with key (RSA or ECDSA) instead of the issuer's,
// keeping the issuer's key id in the header: a forged token.
func WithSigningKey(key crypto.Signer) TokenOption { return func(o *tokenOptions) { o.key = key } }

// WithKeyID puts kid in the header instead of the signing key's id.
func WithKeyID(kid string) TokenOption { return func(o *tokenOptions) { o.kid = &kid } }

// Token returns a signed JWT. Its claims are iss (the issuer), sub
// "workload", aud "keyward", iat now and exp in 5 minutes, overridden by
// claims; a claim set to nil is left out.
func (i *OIDCIssuer) Token(tb testing.TB, claims map[string]any, opts ...TokenOption) string {
	tb.Helper()
	o := tokenOptions{alg: "RS256"}
	for _, opt := range opts {
		opt(&o)
	}
	now := i.Now()
	all := map[string]any{"iss": i.URL, "sub": "workload", "aud": "keyward", "iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix()}
	for k, v := range claims {
		if v == nil {
			delete(all, k)
		} else {
			all[k] = v
		}
	}
	payload, err := json.Marshal(all)
	if err != nil {
		tb.Fatal(err)
	}
	i.mu.Lock()
	rsaKey, ecKey := i.rsaKey, i.ecKey
	i.mu.Unlock()

	switch o.alg {
	case "none", "HS256":
		kid := rsaKey.KeyID
		if o.kid != nil {
			kid = *o.kid
		}
		h, _ := json.Marshal(map[string]string{"alg": o.alg, "typ": "JWT", "kid": kid})
		signing := b64(h) + "." + b64(payload)
		if o.alg == "none" {
			return signing + "."
		}
		mac := hmac.New(sha256.New, rsaKey.Key.(*rsa.PrivateKey).N.Bytes())
		mac.Write([]byte(signing))
		return signing + "." + b64(mac.Sum(nil))
	}
	key := rsaKey
	if o.alg == "ES256" {
		key = ecKey
	}
	if o.key != nil {
		key = jose.JSONWebKey{Key: o.key, KeyID: key.KeyID}
	}
	if o.kid != nil {
		key.KeyID = *o.kid
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(o.alg), Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		tb.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := jws.CompactSerialize()
	if err != nil {
		tb.Fatal(err)
	}
	return tok
}

func b64(b []byte) string { return strings.TrimRight(base64.URLEncoding.EncodeToString(b), "=") }
