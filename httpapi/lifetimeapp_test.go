package httpapi_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/keyward-iam/keyward"
)

// TestApplicationTokenLifetimes: the tokens an application gets when a
// member signs in to it (the code flow) are the member's grant to the
// application, as every OpenID provider's are: they outlive the browser's
// login session (its logout, a password change) and run for their own
// lifetimes (access token 15 minutes, refresh token 30 days); but taking
// the member's access away (suspension, removal, the organization's
// suspension or deletion) takes theirs away at once.
func TestApplicationTokenLifetimes(t *testing.T) {
	for _, tc := range []struct {
		name            string
		fire            func(a *api, ada, login string, advance func(time.Duration) time.Time)
		access, refresh bool // what still works afterwards
	}{
		{"the access token runs out", func(_ *api, _, _ string, advance func(time.Duration) time.Time) {
			advance(15*time.Minute + time.Second)
		}, false, true},
		{"the refresh token runs out", func(_ *api, _, _ string, advance func(time.Duration) time.Time) {
			advance(30*24*time.Hour + time.Second)
		}, false, false},
		{"the browser logs out", func(a *api, _, login string, _ func(time.Duration) time.Time) {
			a.do("POST", "/v2/auth/logout", login, "", http.StatusNoContent, nil)
		}, true, true},
		{"the password is changed", func(a *api, ada, _ string, _ func(time.Duration) time.Time) {
			a.do("PUT", "/v2/users/"+ada+"/password", a.root, `{"password":"another long passphrase"}`, http.StatusNoContent, nil)
		}, true, true},
		{"the member is suspended", func(a *api, ada, _ string, _ func(time.Duration) time.Time) {
			a.do("PUT", "/v2/organizations/"+a.orgID+"/user/"+ada+"/suspend", a.root, "", http.StatusNoContent, nil)
		}, false, false},
		{"the member is removed", func(a *api, ada, _ string, _ func(time.Duration) time.Time) {
			a.do("DELETE", "/v2/users/"+ada, a.root, "", http.StatusNoContent, nil)
		}, false, false},
		{"the organization is suspended", func(a *api, _, _ string, _ func(time.Duration) time.Time) {
			_, elsewhere := a.otherOrg("elsewhere") // no credential suspends its own organization
			a.do("POST", "/v2/fleet/organizations/"+a.orgID+"/suspend", elsewhere, "", http.StatusOK, nil)
		}, false, false},
		{"the organization is deleted", func(a *api, _, _ string, _ func(time.Duration) time.Time) {
			a.do("DELETE", "/v2/organizations/"+a.orgID, a.root, "", http.StatusNoContent, nil)
		}, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, clock := newIssuerAPIAt(t, time.Now())
			ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada L","password":"ada's long passphrase"}`)
			a.attach(a.createPolicy("signin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.provider.Authorize"],"Resource":"*"}]}`), ada)
			rp := newRelyingParty(t, a, "")
			rp.signIn("ada@example.com", "ada's long passphrase")
			verifier := oauth2.GenerateVerifier()
			tok, err := rp.exchange(rp.code("st", verifier), verifier)
			if err != nil {
				t.Fatalf("exchange: %v", err)
			}
			u, _ := url.Parse(a.srv.URL)
			login := ""
			for _, c := range rp.browser.Jar.Cookies(u) {
				if c.Name == keyward.SessionCookie {
					login = c.Value
				}
			}
			access := func() bool {
				_, err := rp.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
				return err == nil
			}
			if !access() {
				t.Fatal("userinfo refuses the access token before the event")
			}
			tc.fire(a, ada, login, clock.Advance)
			if got := access(); got != tc.access {
				t.Errorf("userinfo with the access token after %s works: %v, want %v", tc.name, got, tc.access)
			}
			_, err = rp.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
			if got := err == nil; got != tc.refresh {
				t.Errorf("refresh after %s works: %v (%v), want %v", tc.name, got, err, tc.refresh)
			}
		})
	}
}
