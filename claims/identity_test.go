package claims_test

import (
	"encoding/base64"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// FuzzPeek checks that Peek never panics, refuses as unauthenticated, and
// returns only an issuer the token's payload names.
func FuzzPeek(f *testing.F) {
	enc := base64.RawURLEncoding.EncodeToString
	for _, s := range []string{
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"iss":"https://i","sub":"s"}`)) + ".sig",
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"sub":"s"}`)) + ".sig",
		enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(`{"iss":7}`)) + ".",
		" a.b.c ", "a.b", "...", "", "e30.e30.", enc([]byte(`{`)) + ".e30.x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		iss, sub, err := claims.Peek(token)
		if err != nil {
			if keyward.ErrorCode(err) != keyward.CodeUnauthenticated || iss != "" || sub != "" {
				t.Fatalf("Peek(%q) = %q, %q, %v; want a CodeUnauthenticated refusal alone", token, iss, sub, err)
			}
			return
		}
		if iss == "" {
			t.Fatalf("Peek(%q) took a token naming no issuer", token)
		}
		if _, payload, err := claims.Decode(token); err == nil && payload["iss"] != iss {
			t.Fatalf("Peek(%q) = issuer %q, the payload says %v", token, iss, payload["iss"])
		}
	})
}
