package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// TestCodeReuseRevokesGrant: a second use of an authorization code is
// refused and revokes what the first use issued (RFC 6749 §4.1.2): the
// access and refresh tokens, and those the refresh rotated into since. A
// code never issued, or a used one presented without its PKCE verifier,
// revokes nothing.
func TestCodeReuseRevokesGrant(t *testing.T) {
	a, _ := newIssuerAPIAt(t, time.Now())
	ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","password":"ada's long passphrase"}`)
	a.attach(a.createPolicy("signin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.provider.Authorize"],"Resource":"*"}]}`), ada)
	rp := newRelyingParty(t, a, "")
	rp.signIn("ada@example.com", "ada's long passphrase")
	ctx := context.Background()
	works := func(tok *oauth2.Token) bool {
		_, err := rp.provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		return err == nil
	}

	// Another sign-in's tokens, which the reuse must leave alone.
	otherVerifier := oauth2.GenerateVerifier()
	other, err := rp.exchange(rp.code("s0", otherVerifier), otherVerifier)
	if err != nil {
		t.Fatal(err)
	}

	verifier := oauth2.GenerateVerifier()
	code := rp.code("s1", verifier)
	first, err := rp.exchange(code, verifier)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: first.RefreshToken}).Token()
	if err != nil || !works(rotated) {
		t.Fatalf("refresh = %v; want working tokens", err)
	}
	if _, err := rp.exchange("never-issued-"+code, verifier); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("a code never issued: %v, want invalid_grant", err)
	}
	if !works(rotated) {
		t.Fatal("a code never issued revoked the grant")
	}

	// Who presents the used code without its verifier ends nothing.
	if _, err := rp.exchange(code, otherVerifier); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("used code with a wrong verifier: %v, want invalid_grant", err)
	}
	if !works(rotated) {
		t.Fatal("a used code presented without its verifier revoked the grant")
	}

	if _, err := rp.exchange(code, verifier); !isOAuthError(err, "invalid_grant") {
		t.Fatalf("reused code: %v, want invalid_grant", err)
	}
	if works(first) || works(rotated) {
		t.Errorf("after the code's reuse, its access tokens still work (first %v, rotated %v)", works(first), works(rotated))
	}
	if _, err := rp.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: rotated.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("refresh token of a reused code's grant: %v, want invalid_grant", err)
	}
	if !works(other) {
		t.Error("the reuse revoked another sign-in's tokens")
	}
	var got struct {
		Events []struct {
			Action string         `json:"action"`
			Before map[string]any `json:"before"`
		} `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?action=oidc.token.Delete", a.root, "", http.StatusOK, &got)
	if len(got.Events) != 1 || got.Events[0].Before["reason"] != "authorization code used twice" {
		t.Errorf("audit of the revocation = %+v, want one oidc.token.Delete saying why", got.Events)
	}
}
