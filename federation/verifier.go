package federation

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/keyward-iam/keyward"
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

// Identity is a verified token: who the issuer says the workload is.
type Identity struct {
	Issuer   string
	Subject  string
	Audience []string
	Expiry   time.Time
	// AudienceChecked says whether Verify checked the audience against the
	// issuer's allowed audiences (it cannot when the issuer has none).
	AudienceChecked bool
	// Claims are all the token's claims, as JSON decodes them.
	Claims map[string]any
}

// Meets checks the identity against a trust's claim conditions. When the
// issuer has no allowed audiences, the trust must pin aud itself, since a
// token minted for some other service must not open keyward. The error
// is CodePermissionDenied and names the condition that failed.
func (id *Identity) Meets(conds ClaimConditions) error {
	if !id.AudienceChecked && conds["aud"] == "" {
		return keyward.Errorf(keyward.CodePermissionDenied,
			"The issuer %s has no allowed audiences and the trust does not pin aud, so no token of it is accepted.", id.Issuer)
	}
	return conds.Check(id.Claims)
}

// errToken is the error for a token that is refused.
func errToken(format string, args ...any) *keyward.Error {
	return &keyward.Error{Code: keyward.CodeUnauthenticated, Message: "Web identity token refused: " + fmt.Sprintf(format, args...)}
}

// header is the part of a JWT's header read before verification, to
// refuse early and say why.
type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// peek decodes a JWT's header and payload without verifying anything.
func peek(token string) (header, map[string]any, error) {
	var h header
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return h, nil, errToken("it is not a JWT (three dot-separated parts).")
	}
	hb, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &h) != nil {
		return h, nil, errToken("its header is not base64url-encoded JSON.")
	}
	pb, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims map[string]any
	if err != nil || json.Unmarshal(pb, &claims) != nil {
		return h, nil, errToken("its payload is not base64url-encoded JSON.")
	}
	return h, claims, nil
}

// Peek returns the iss and sub a token claims, without verifying
// anything, so that a caller can pick the issuer to verify it against. A
// token that is not a JWT, or names no issuer, is CodeUnauthenticated.
func Peek(token string) (issuer, subject string, err error) {
	_, claims, err := peek(strings.TrimSpace(token))
	if err != nil {
		return "", "", err
	}
	issuer, _ = claims["iss"].(string)
	subject, _ = claims["sub"].(string)
	if issuer == "" {
		return "", "", errToken("it has no iss claim naming its issuer.")
	}
	return issuer, subject, nil
}

// Verify verifies token as one issued by issuerURL: signature by a key of
// the issuer's JWKS (fetched again when the token names an unknown key
// id), an asymmetric alg, iss equal to issuerURL, aud holding one of
// audiences (not checked when audiences is empty: see Identity.Meets),
// exp present and not past, and nbf and iat not in the future, the last
// three up to the clock skew. A refused token is CodeUnauthenticated with
// a message saying why; an issuer that cannot be reached is
// CodeUnavailable.
func (v *Verifiers) Verify(ctx context.Context, issuerURL string, audiences []string, token string) (*Identity, error) {
	h, claims, err := peek(strings.TrimSpace(token))
	if err != nil {
		return nil, err
	}
	if !slices.Contains(Algorithms, h.Alg) {
		return nil, errToken("alg %q is not accepted; keyward accepts only asymmetric signatures (%s).", h.Alg, strings.Join(Algorithms, ", "))
	}
	// The issuer is compared before the signature so that a token of
	// another issuer is named as such and triggers no key fetch.
	if iss, _ := claims["iss"].(string); iss != issuerURL {
		return nil, errToken("it was issued by %q, not by the trusted issuer %q.", iss, issuerURL)
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
	id := &Identity{Issuer: idt.Issuer, Subject: idt.Subject, Audience: idt.Audience, Expiry: idt.Expiry, Claims: claims}
	if err := v.checkTimes(claims); err != nil {
		return nil, err
	}
	if len(audiences) > 0 {
		if !slices.ContainsFunc(id.Audience, func(a string) bool { return slices.Contains(audiences, a) }) {
			return nil, errToken("its audience %q holds none of the issuer's allowed audiences %q.", id.Audience, audiences)
		}
		id.AudienceChecked = true
	}
	return id, nil
}

// checkTimes checks exp, nbf and iat against the clock, with the skew.
func (v *Verifiers) checkTimes(claims map[string]any) error {
	now := v.now()
	exp, ok := numericDate(claims["exp"])
	if !ok {
		return errToken("it has no exp claim; keyward accepts only tokens that expire.")
	}
	if !now.Add(-v.skew).Before(exp) {
		err := errToken("it expired at %s (server time %s, clock skew allowed %s).", exp.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), v.skew)
		err.Err = keyward.ErrExpired
		return err
	}
	for _, claim := range []string{"nbf", "iat"} {
		if t, ok := numericDate(claims[claim]); ok && now.Add(v.skew).Before(t) {
			return errToken("it is not valid yet: %s is %s (server time %s, clock skew allowed %s).",
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
