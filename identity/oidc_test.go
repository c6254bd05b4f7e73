package identity_test

import (
	"context"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/keywardtest"
)

// signIn runs the authorization-code flow at idp for ada with the
// verifier's challenge and the nonce, and returns the code.
func signIn(t *testing.T, o *identity.OIDC, c keyward.OIDCClient, idp *keywardtest.IdP, nonce, verifier string) string {
	t.Helper()
	u, err := o.AuthCodeURL(context.Background(), c, "state-1", nonce, verifier)
	if err != nil {
		t.Fatalf("AuthCodeURL: %v", err)
	}
	cb, err := idp.Authorize(keywardtest.Browser(t), u, "ada", "pw-ada")
	if err != nil {
		t.Fatal(err)
	}
	if got := cb.Query().Get("state"); got != "state-1" {
		t.Fatalf("callback state = %q, want state-1", got)
	}
	return cb.Query().Get("code")
}

func TestExchange(t *testing.T) {
	idp := keywardtest.NewIdP(t, "http://127.0.0.1:1/callback")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-ada", Username: "ada", Password: "pw-ada", Email: "ada@example.com", Name: "Ada", Groups: []string{"ops", "dev"}})
	o := identity.New(identity.Options{AllowPrivate: true})
	client := keyward.OIDCClient{Issuer: idp.URL, ClientID: idp.ClientID, ClientSecret: idp.ClientSecret, Scopes: []string{"email", "profile", "groups"}, RedirectURL: idp.RedirectURI}
	const nonce, verifier = "nonce-0123456789", "verifier-0123456789012345678901234567890123456789"
	tests := []struct {
		name            string
		client          keyward.OIDCClient
		verifier, nonce string
		replay          bool
		wantCode        keyward.Code // "" for success
	}{
		{"the flow's verifier and nonce", client, verifier, nonce, false, ""},
		{"another verifier (a code injected into another flow)", client, verifier + "x", nonce, false, keyward.CodeUnauthenticated},
		{"another nonce (an ID token of another flow)", client, verifier, "nonce-other", false, keyward.CodeUnauthenticated},
		{"a code redeemed twice", client, verifier, nonce, true, keyward.CodeUnauthenticated},
		{"a wrong client secret", func() keyward.OIDCClient { c := client; c.ClientSecret = "wrong"; return c }(), verifier, nonce, false, keyward.CodeUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := signIn(t, o, client, idp, nonce, verifier)
			if tt.replay {
				if _, err := o.Exchange(context.Background(), client, code, verifier, nonce); err != nil {
					t.Fatalf("first Exchange: %v", err)
				}
			}
			claims, err := o.Exchange(context.Background(), tt.client, code, tt.verifier, tt.nonce)
			if got := keyward.ErrorCode(err); err != nil && got != tt.wantCode || err == nil && tt.wantCode != "" {
				t.Fatalf("Exchange error = %v (code %q), want code %q", err, got, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			if claims["sub"] != "sub-ada" || claims["email"] != "ada@example.com" || claims["iss"] != idp.URL {
				t.Errorf("claims = %v, want sub-ada, ada@example.com, iss %s", claims, idp.URL)
			}
			if g, _ := claims["groups"].([]any); len(g) != 2 || g[0] != "ops" || g[1] != "dev" {
				t.Errorf("groups claim = %v, want [ops dev]", claims["groups"])
			}
		})
	}
}
