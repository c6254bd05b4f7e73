package federation_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/federation"
	"github.com/keyward-iam/keyward/keywardtest"
)

func newVerifiers(t *testing.T) (*federation.Verifiers, *keywardtest.OIDCIssuer, *keywardtest.Clock) {
	t.Helper()
	clock := keywardtest.NewClock(time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	iss := keywardtest.NewOIDCIssuer(t)
	iss.Now = clock.Now
	return federation.New(federation.Options{Now: clock.Now}), iss, clock
}

// TestVerify runs every kind of token through a real verifier talking to
// a real (in-process) issuer over HTTP.
func TestVerify(t *testing.T) {
	v, iss, clock := newVerifiers(t)
	forged, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := clock.Now()
	tests := []struct {
		name      string
		token     string
		audiences []string
		wantCode  keyward.Code
		wantMsg   string
	}{
		{"RS256", iss.Token(t, nil), []string{"keyward"}, "", ""},
		{"ES256", iss.Token(t, nil, keywardtest.WithAlg("ES256")), []string{"keyward"}, "", ""},
		{"one of several audiences", iss.Token(t, map[string]any{"aud": []string{"other", "keyward"}}), []string{"x", "keyward"}, "", ""},
		{"no audiences to check", iss.Token(t, map[string]any{"aud": "anything"}), nil, "", ""},
		{"alg none", iss.Token(t, nil, keywardtest.WithAlg("none")), []string{"keyward"}, keyward.CodeUnauthenticated, `alg "none" is not accepted`},
		{"HS256 with the public key", iss.Token(t, nil, keywardtest.WithAlg("HS256")), []string{"keyward"}, keyward.CodeUnauthenticated, `alg "HS256" is not accepted`},
		{"wrong key", iss.Token(t, nil, keywardtest.WithSigningKey(forged)), []string{"keyward"}, keyward.CodeUnauthenticated, "signature does not verify"},
		{"unknown kid", iss.Token(t, nil, keywardtest.WithKeyID("nope")), []string{"keyward"}, keyward.CodeUnauthenticated, "signature does not verify"},
		{"wrong issuer", iss.Token(t, map[string]any{"iss": "https://evil.example"}), []string{"keyward"}, keyward.CodeUnauthenticated, `issued by "https://evil.example"`},
		{"wrong audience", iss.Token(t, map[string]any{"aud": "sts.amazonaws.com"}), []string{"keyward"}, keyward.CodeUnauthenticated, "holds none of the issuer's allowed audiences"},
		{"expired", iss.Token(t, map[string]any{"exp": now.Add(-2 * time.Minute).Unix()}), []string{"keyward"}, keyward.CodeUnauthenticated, "expired at"},
		{"expired within the skew", iss.Token(t, map[string]any{"exp": now.Add(-30 * time.Second).Unix()}), []string{"keyward"}, "", ""},
		{"no exp", iss.Token(t, map[string]any{"exp": nil}), []string{"keyward"}, keyward.CodeUnauthenticated, "no exp claim"},
		{"not yet valid", iss.Token(t, map[string]any{"nbf": now.Add(5 * time.Minute).Unix()}), []string{"keyward"}, keyward.CodeUnauthenticated, "not valid yet: nbf"},
		{"nbf within the skew", iss.Token(t, map[string]any{"nbf": now.Add(30 * time.Second).Unix()}), []string{"keyward"}, "", ""},
		{"issued in the future", iss.Token(t, map[string]any{"iat": now.Add(time.Hour).Unix()}), []string{"keyward"}, keyward.CodeUnauthenticated, "not valid yet: iat"},
		{"not a JWT", "abc.def", []string{"keyward"}, keyward.CodeUnauthenticated, "not a JWT"},
		{"garbage header", "!!!.e30.x", []string{"keyward"}, keyward.CodeUnauthenticated, "header is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := v.Verify(context.Background(), iss.URL, tt.audiences, tt.token)
			if got := keyward.ErrorCode(err); got != tt.wantCode {
				t.Fatalf("Verify = %v, code %q, want %q", err, got, tt.wantCode)
			}
			if err != nil {
				if msg := keyward.ErrorMessage(err); !strings.Contains(msg, tt.wantMsg) {
					t.Errorf("message %q, want it to contain %q", msg, tt.wantMsg)
				}
				return
			}
			if id.Issuer != iss.URL || id.Subject != "workload" {
				t.Errorf("identity %q %q, want %q workload", id.Issuer, id.Subject, iss.URL)
			}
			if id.AudienceChecked != (len(tt.audiences) > 0) {
				t.Errorf("AudienceChecked = %v with audiences %q", id.AudienceChecked, tt.audiences)
			}
		})
	}
}

// TestVerifyRotation checks that the key set is cached and fetched again
// when a token names a key id the cache does not know.
func TestVerifyRotation(t *testing.T) {
	v, iss, _ := newVerifiers(t)
	ctx := context.Background()
	old := iss.Token(t, nil)
	for range 3 {
		if _, err := v.Verify(ctx, iss.URL, []string{"keyward"}, old); err != nil {
			t.Fatalf("Verify before rotation: %v", err)
		}
	}
	if got := iss.JWKSFetches(); got != 1 {
		t.Errorf("JWKS fetched %d times for three tokens of one key, want 1", got)
	}
	iss.Rotate(t)
	if _, err := v.Verify(ctx, iss.URL, []string{"keyward"}, iss.Token(t, nil)); err != nil {
		t.Fatalf("Verify with the rotated key: %v", err)
	}
	if got := iss.JWKSFetches(); got != 2 {
		t.Errorf("JWKS fetched %d times after a rotation, want 2", got)
	}
	if _, err := v.Verify(ctx, iss.URL, []string{"keyward"}, old); keyward.ErrorCode(err) != keyward.CodeUnauthenticated {
		t.Errorf("Verify with the retired key = %v, want unauthenticated", err)
	}

	// Forged tokens do not turn into requests to the issuer: a known key
	// id with a bad signature fetches nothing, and unknown key ids fetch
	// only now and then.
	forged, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	before := iss.JWKSFetches()
	for range 10 {
		if _, err := v.Verify(ctx, iss.URL, []string{"keyward"}, iss.Token(t, nil, keywardtest.WithSigningKey(forged))); err == nil {
			t.Fatal("a forged token verified")
		}
	}
	if got := iss.JWKSFetches(); got != before {
		t.Errorf("10 forged tokens of a known key id fetched the JWKS %d times, want 0", got-before)
	}
	for i := range 10 {
		if _, err := v.Verify(ctx, iss.URL, []string{"keyward"}, iss.Token(t, nil, keywardtest.WithKeyID(fmt.Sprint("unknown-", i)))); err == nil {
			t.Fatal("a token of an unknown key verified")
		}
	}
	if got := iss.JWKSFetches() - before; got >= 10 {
		t.Errorf("10 tokens of unknown key ids fetched the JWKS %d times; want it throttled", got)
	}
}

func TestVerifyUnreachableIssuer(t *testing.T) {
	v := federation.New(federation.Options{HTTPClient: nil})
	iss := keywardtest.NewOIDCIssuer(t)
	tok := iss.Token(t, map[string]any{"iss": "http://127.0.0.1:1"})
	_, err := v.Verify(context.Background(), "http://127.0.0.1:1", []string{"keyward"}, tok)
	if keyward.ErrorCode(err) != keyward.CodeUnavailable {
		t.Errorf("Verify against a dead issuer = %v, want unavailable", err)
	}
}
