package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"golang.org/x/time/rate"
)

// keySet is an issuer's JWKS, cached. It is fetched when it is needed
// first and again when a token names a key id the cache does not hold
// (how issuers rotate keys), at most refetchBurst times in a row and then
// once per refetchEvery: go-oidc's RemoteKeySet fetches on every failed
// signature, so a stream of forged tokens would turn into a stream of
// requests to the issuer. A token whose key id is cached but whose
// signature does not verify is refused without a fetch.
type keySet struct {
	url    string
	client *http.Client
	limit  *rate.Limiter

	mu   sync.Mutex // serialises fetches
	keys []jose.JSONWebKey
}

const (
	refetchEvery = 10 * time.Second
	refetchBurst = 3
	maxJWKSBytes = 1 << 20
)

func newKeySet(url string, client *http.Client) *keySet {
	return &keySet{url: url, client: client, limit: rate.NewLimiter(rate.Every(refetchEvery), refetchBurst)}
}

// errNoKey is a signature that no key of the set verifies.
var errNoKey = errors.New("no key of the issuer's key set verifies the signature")

// VerifySignature implements oidc.KeySet. The verifier has checked the
// algorithm already; it is parsed again here against the same list.
func (k *keySet) VerifySignature(ctx context.Context, token string) ([]byte, error) {
	algs := make([]jose.SignatureAlgorithm, len(Algorithms))
	for i, a := range Algorithms {
		algs[i] = jose.SignatureAlgorithm(a)
	}
	jws, err := jose.ParseSigned(token, algs)
	if err != nil {
		return nil, err
	}
	if len(jws.Signatures) != 1 {
		return nil, errors.New("a token must carry exactly one signature")
	}
	kid := jws.Signatures[0].Header.KeyID
	k.mu.Lock()
	defer k.mu.Unlock()
	if payload, known := verifyWith(jws, k.keys, kid); payload != nil {
		return payload, nil
	} else if known {
		return nil, errNoKey
	}
	if !k.limit.Allow() {
		return nil, fmt.Errorf("key id %q is not in the cached key set, which was fetched again moments ago", kid)
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		return nil, fmt.Errorf("fetching keys: %w", err)
	}
	k.keys = keys
	if payload, _ := verifyWith(jws, keys, kid); payload != nil {
		return payload, nil
	}
	return nil, errNoKey
}

// verifyWith verifies jws with the keys of id kid (every key when kid is
// empty). known says whether a key of that id exists.
func verifyWith(jws *jose.JSONWebSignature, keys []jose.JSONWebKey, kid string) (payload []byte, known bool) {
	for _, key := range keys {
		if kid != "" && key.KeyID != kid {
			continue
		}
		known = kid != ""
		if p, err := jws.Verify(&key); err == nil {
			return p, true
		}
	}
	return nil, known
}

func (k *keySet) fetch(ctx context.Context) ([]jose.JSONWebKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	res, err := k.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", k.url, res.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.NewDecoder(io.LimitReader(res.Body, maxJWKSBytes)).Decode(&set); err != nil {
		return nil, fmt.Errorf("GET %s: %w", k.url, err)
	}
	// Only signing keys count; an encryption key must not verify tokens.
	return slices.DeleteFunc(set.Keys, func(key jose.JSONWebKey) bool { return key.Use != "" && key.Use != "sig" || !key.Valid() }), nil
}
