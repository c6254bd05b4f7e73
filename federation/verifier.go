package federation

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// DefaultClockSkew is how far the clocks of keyward and an issuer may
// disagree before a token counts as expired or not yet valid.
const DefaultClockSkew = 60 * time.Second

// Algorithms are the signature algorithms keyward accepts: asymmetric
// ones only. "none" proves nothing, and an HMAC key would have to be a
// secret shared with keyward, which an issuer's public JWKS is not: a
// verifier that accepted HS256 could be fooled with the public key as the
// HMAC secret.
var Algorithms = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// maxVerifiers bounds the cache; past it the cache starts over, which
// costs only a discovery per issuer.
const maxVerifiers = 1024

// Options configures Verifiers. Zero fields take defaults.
type Options struct {
	// Now is the clock tokens are checked against; default time.Now.
	Now func() time.Time
	// ClockSkew is the leeway for exp, nbf and iat; default
	// DefaultClockSkew. A negative value means none.
	ClockSkew time.Duration
	// HTTPClient fetches discovery documents and key sets; default a
	// client with a 10 s timeout.
	HTTPClient *http.Client
}

// Verifiers verifies tokens of any number of issuers. It keeps one
// verifier per issuer URL, made on first use (discovery is an HTTP call),
// each with its issuer's key set cached. It is safe for concurrent use.
type Verifiers struct {
	now    func() time.Time
	skew   time.Duration
	client *http.Client

	mu    sync.Mutex
	byURL map[string]*oidc.IDTokenVerifier
}

// New returns Verifiers with opts.
func New(opts Options) *Verifiers {
	v := &Verifiers{now: opts.Now, skew: opts.ClockSkew, client: opts.HTTPClient, byURL: map[string]*oidc.IDTokenVerifier{}}
	if v.now == nil {
		v.now = time.Now
	}
	switch {
	case v.skew == 0:
		v.skew = DefaultClockSkew
	case v.skew < 0:
		v.skew = 0
	}
	if v.client == nil {
		v.client = &http.Client{Timeout: 10 * time.Second}
	}
	return v
}

// Verify verifies token as one issued by issuerURL: signature by a key of
// the issuer's JWKS (fetched again when the token names an unknown key
// id), an asymmetric alg, iss equal to issuerURL, aud holding one of
// audiences (not checked when audiences is empty: see Identity.Meets),
// exp present and not past, and nbf and iat not in the future, the last
// three up to the clock skew. A refused token is CodeUnauthenticated with
// a message saying why; an issuer that cannot be reached is
// CodeUnavailable.
func (v *Verifiers) Verify(ctx context.Context, issuerURL string, audiences []string, token string) (*claims.Identity, error) {
	h, payload, err := claims.Decode(strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Algorithms, h.Alg) {
		return nil, claims.ErrToken("alg %q is not accepted; keyward accepts only asymmetric signatures (%s).", h.Alg, strings.Join(Algorithms, ", "))
	}
	// The issuer is compared before the signature so that a token of
	// another issuer is named as such and triggers no key fetch.
	if iss, _ := payload["iss"].(string); iss != issuerURL {
		return nil, claims.ErrToken("it was issued by %q, not by the trusted issuer %q.", iss, issuerURL)
	}
	verifier, err := v.verifier(ctx, issuerURL)
	if err != nil {
		return nil, err
	}
	idt, err := verifier.Verify(oidc.ClientContext(ctx, v.client), strings.TrimSpace(token))
	if err != nil {
		if strings.Contains(err.Error(), "fetching keys") {
			return nil, &keyward.Error{Code: keyward.CodeUnavailable, Message: "Could not fetch the key set of the issuer " + issuerURL + ".", Err: err}
		}
		return nil, &keyward.Error{Code: keyward.CodeUnauthenticated,
			Message: fmt.Sprintf("Web identity token refused: its signature does not verify with any key (kid %q) of the issuer's key set.", h.Kid), Err: err}
	}
	id := &claims.Identity{Issuer: idt.Issuer, Subject: idt.Subject, Audience: idt.Audience, Expiry: idt.Expiry, Claims: payload}
	if err := v.checkTimes(payload); err != nil {
		return nil, err
	}
	if len(audiences) > 0 {
		if !slices.ContainsFunc(id.Audience, func(a string) bool { return slices.Contains(audiences, a) }) {
			return nil, claims.ErrToken("its audience %q holds none of the issuer's allowed audiences %q.", id.Audience, audiences)
		}
		id.AudienceChecked = true
	}
	return id, nil
}

// checkTimes checks exp, nbf and iat against the clock, with the skew.
func (v *Verifiers) checkTimes(payload map[string]any) error {
	now := v.now()
	exp, ok := numericDate(payload["exp"])
	if !ok {
		return claims.ErrToken("it has no exp claim; keyward accepts only tokens that expire.")
	}
	if !now.Add(-v.skew).Before(exp) {
		err := claims.ErrToken("it expired at %s (server time %s, clock skew allowed %s).", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), v.skew)
		err.Err = keyward.ErrExpired
		return err
	}
	for _, claim := range []string{"nbf", "iat"} {
		if t, ok := numericDate(payload[claim]); ok && now.Add(v.skew).Before(t) {
			return claims.ErrToken("it is not valid yet: %s is %s (server time %s, clock skew allowed %s).",
				claim, t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), v.skew)
		}
	}
	return nil
}

// numericDate reads a JWT NumericDate claim (seconds, maybe fractional).
func numericDate(v any) (time.Time, bool) {
	f, ok := v.(float64)
	if !ok || math.IsNaN(f) {
		return time.Time{}, false
	}
	f = max(min(f, 1e15), -1e15) // far outside any real date, inside int64
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), true
}

// verifier returns the cached verifier of issuerURL, making it through
// discovery on first use. A failed discovery is not cached, so the next
// token tries again.
func (v *Verifiers) verifier(ctx context.Context, issuerURL string) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	vf := v.byURL[issuerURL]
	v.mu.Unlock()
	if vf != nil {
		return vf, nil
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, v.client), issuerURL)
	if err != nil {
		return nil, &keyward.Error{Code: keyward.CodeUnavailable, Message: "Could not read the OpenID configuration of the issuer " + issuerURL + ".", Err: err}
	}
	var meta struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := provider.Claims(&meta); err != nil || meta.JWKSURI == "" {
		return nil, &keyward.Error{Code: keyward.CodeUnavailable, Message: "The OpenID configuration of the issuer " + issuerURL + " names no jwks_uri.", Err: err}
	}
	vf = oidc.NewVerifier(issuerURL, newKeySet(meta.JWKSURI, v.client), &oidc.Config{
		SupportedSigningAlgs: Algorithms,
		SkipClientIDCheck:    true, // audiences are checked against the issuer's list
		SkipExpiryCheck:      true, // times are checked with the configured skew and clock
	})
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.byURL) >= maxVerifiers {
		clear(v.byURL)
	}
	if cached := v.byURL[issuerURL]; cached != nil {
		return cached, nil
	}
	v.byURL[issuerURL] = vf
	return vf, nil
}

// Forget drops the cached verifier of issuerURL, so its next token runs
// discovery again (used when an issuer is removed or re-registered).
func (v *Verifiers) Forget(issuerURL string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.byURL, issuerURL)
}
