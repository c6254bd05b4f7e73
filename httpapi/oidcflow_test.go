package httpapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/keyward-iam/keyward"
)

// relyingParty is an application signing keyward's members in with
// go-oidc and x/oauth2, as a real one would, through a browser (an
// http.Client with a cookie jar that follows redirects).
type relyingParty struct {
	t        *testing.T
	a        *api
	provider *oidc.Provider
	conf     oauth2.Config
	browser  *http.Client
	callback *httptest.Server
}

// newRelyingParty registers an application whose redirect URI is a
// server of its own, and signs a browser in as a member with a password.
func newRelyingParty(t *testing.T, a *api, settings string) *relyingParty {
	t.Helper()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "back") }))
	t.Cleanup(cb.Close)
	p := a.provider(`{"name":"app","redirect_uris":["` + cb.URL + `/cb"]` + settings + `}`)
	provider, err := oidc.NewProvider(context.Background(), p.Provider.Issuer)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	jar, _ := cookiejar.New(nil)
	rp := &relyingParty{t: t, a: a, provider: provider, browser: &http.Client{Jar: jar}, callback: cb,
		conf: oauth2.Config{ClientID: p.Provider.ClientID, ClientSecret: p.Provider.ClientSecret, Endpoint: provider.Endpoint(),
			RedirectURL: cb.URL + "/cb", Scopes: []string{oidc.ScopeOpenID, "email", "profile", "groups", oidc.ScopeOfflineAccess}}}
	return rp
}

// signIn puts a member's login session into the browser's cookie jar,
// as the console's sign-in page does.
// signIn signs the browser in through the console's sign-in form, as a
// person sent there by the authorization endpoint would.
func (rp *relyingParty) signIn(email, password string) {
	rp.t.Helper()
	form := url.Values{"email": {email}, "password": {password}, "organization_id": {rp.a.orgID}, "return_to": {"/"}}
	res, err := rp.browser.PostForm(rp.a.srv.URL+"/login", form)
	if err != nil {
		rp.t.Fatal(err)
	}
	res.Body.Close()
	u, _ := url.Parse(rp.a.srv.URL)
	signedIn := false
	for _, c := range rp.browser.Jar.Cookies(u) {
		signedIn = signedIn || c.Name == keyward.SessionCookie && c.Value != ""
	}
	if res.StatusCode != http.StatusOK || !signedIn {
		rp.t.Fatalf("the console's sign-in form answered %d (after redirects), cookie set: %v", res.StatusCode, signedIn)
	}
}

// authorize sends the browser to the authorization endpoint and returns
// where it ended up.
func (rp *relyingParty) authorize(authURL string) (*http.Response, *url.URL) {
	rp.t.Helper()
	res, err := rp.browser.Get(authURL)
	if err != nil {
		rp.t.Fatal(err)
	}
	res.Body.Close()
	return res, res.Request.URL
}

// code runs the browser through the flow and returns the code.
func (rp *relyingParty) code(state, verifier string, opts ...oauth2.AuthCodeOption) string {
	rp.t.Helper()
	res, end := rp.authorize(rp.conf.AuthCodeURL(state, append(opts, oauth2.S256ChallengeOption(verifier))...))
	if res.StatusCode != http.StatusOK || end.Path != "/cb" || end.Query().Get("state") != state || end.Query().Get("code") == "" {
		rp.t.Fatalf("the browser ended at %s (%d), want the callback with a code and state %q", end, res.StatusCode, state)
	}
	return end.Query().Get("code")
}

func (rp *relyingParty) exchange(code, verifier string) (*oauth2.Token, error) {
	return rp.conf.Exchange(context.Background(), code, oauth2.VerifierOption(verifier))
}

// verify checks an ID token against the JWKS and returns its claims.
func (rp *relyingParty) verify(tok *oauth2.Token) (*oidc.IDToken, map[string]any) {
	rp.t.Helper()
	raw, _ := tok.Extra("id_token").(string)
	id, err := rp.provider.Verifier(&oidc.Config{ClientID: rp.conf.ClientID}).Verify(context.Background(), raw)
	if err != nil {
		rp.t.Fatalf("ID token: %v", err)
	}
	var claims map[string]any
	if err := id.Claims(&claims); err != nil {
		rp.t.Fatal(err)
	}
	return id, claims
}

// TestCodeFlow drives the authorization-code flow end to end with a real
// relying party: discovery, sign-in through the browser, the code with
// PKCE, the ID token verified against the JWKS with its claims, userinfo,
// refresh with rotation, and revocation.
func TestCodeFlow(t *testing.T) {
	a, _ := newIssuerAPIAt(t, time.Now())
	ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada L","password":"ada's long passphrase"}`)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"engineers","description":""}`, http.StatusCreated, &g)
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+ada+`","display_name":""}`, http.StatusNoContent, nil)
	grantAuthorize := a.createPolicy("signin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.provider.Authorize"],"Resource":"*"}]}`)
	a.attach(grantAuthorize, ada)

	rp := newRelyingParty(t, a, "")
	// Not signed in: the browser is sent to the console's sign-in page,
	// which will send it back to the same authorization request.
	verifier := oauth2.GenerateVerifier()
	authURL := rp.conf.AuthCodeURL("st-1", oauth2.S256ChallengeOption(verifier), oidc.Nonce("n-1"))
	_, end := rp.authorize(authURL)
	if end.Path != "/login" {
		t.Fatalf("not signed in, the browser ended at %s, want /login", end)
	}
	back, _ := url.Parse(end.Query().Get("return_to"))
	if got, _ := url.Parse(authURL); back.Path != got.Path || back.RawQuery != got.RawQuery {
		t.Errorf("return_to = %s, want the authorization request %s", back, got.RequestURI())
	}

	// The console's sign-in form, posted as the page would, sends the
	// browser back to the authorization request, which now ends at the
	// application with a code.
	form := url.Values{"email": {"ada@example.com"}, "password": {"ada's long passphrase"}, "organization_id": {a.orgID},
		"return_to": {end.Query().Get("return_to")}}
	res, err := rp.browser.PostForm(a.srv.URL+"/login", form)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	cb := res.Request.URL
	if cb.Path != "/cb" || cb.Query().Get("state") != "st-1" || cb.Query().Get("code") == "" {
		t.Fatalf("after signing in, the browser ended at %s, want the application's callback with a code", cb)
	}
	code := cb.Query().Get("code")
	tok, err := rp.exchange(code, verifier)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	id, claims := rp.verify(tok)
	want := map[string]any{"sub": ada, "email": "ada@example.com", "name": "Ada L", "org": a.orgID, "nonce": "n-1"}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("ID token %s = %v, want %v", k, claims[k], v)
		}
	}
	if gs, _ := claims["groups"].([]any); !slices.Equal(gs, []any{"engineers"}) {
		t.Errorf("ID token groups = %v, want [engineers]", claims["groups"])
	}
	if id.Expiry.Sub(id.IssuedAt) > time.Hour {
		t.Errorf("ID token lives %s, more than the longest token lifetime", id.Expiry.Sub(id.IssuedAt))
	}

	// Userinfo with the access token.
	info, err := rp.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok))
	if err != nil || info.Subject != ada || info.Email != "ada@example.com" {
		t.Fatalf("UserInfo = %+v, %v", info, err)
	}

	// A code is used once: TestCodeReuseRevokesGrant.

	// Refresh rotates: the new refresh token works, the old one no more.
	fresh, err := rp.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || fresh.AccessToken == "" || fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken {
		t.Fatalf("refresh = %+v, %v; want new tokens", fresh, err)
	}
	if _, err := rp.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("used refresh token again: %v, want invalid_grant", err)
	}

	// Revoking the refresh token ends its grant: the refresh token and
	// the access token issued with it.
	revoke := rp.provider.Endpoint().TokenURL[:strings.LastIndex(rp.provider.Endpoint().TokenURL, "/")] + "/revoke"
	req, _ := http.NewRequest("POST", revoke, strings.NewReader(url.Values{"token": {fresh.RefreshToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(rp.conf.ClientID), url.QueryEscape(rp.conf.ClientSecret))
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("revoke = %v, %v", res, err)
	}
	res.Body.Close()
	if _, err := rp.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token(); !isOAuthError(err, "invalid_grant") {
		t.Errorf("revoked refresh token: %v, want invalid_grant", err)
	}
	if _, err := rp.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(fresh)); err == nil {
		t.Error("UserInfo with an access token of a revoked grant succeeded")
	}
	// The first access token is of the same grant, rotated: revoked too.
	if _, err := rp.provider.UserInfo(context.Background(), oauth2.StaticTokenSource(tok)); err == nil {
		t.Error("UserInfo with the first access token of a revoked grant succeeded")
	}
}

// isOAuthError reports whether err is the token endpoint's OAuth error
// code.
func isOAuthError(err error, code string) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re) && re.ErrorCode == code
}

// TestCodeFlowRefusals tries what must fail: a wrong redirect URI (never
// followed), open-redirect attempts, a missing or plain PKCE challenge, a
// wrong verifier, a wrong client secret, an expired code, and a member
// without the right to sign in. A failed exchange leaves the code to the
// application that holds the verifier and the secret.
func TestCodeFlowRefusals(t *testing.T) {
	a, clock := newIssuerAPIAt(t, time.Now())
	ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","password":"ada's long passphrase"}`)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob","password":"bob's long passphrase"}`)
	grantAuthorize := a.createPolicy("signin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.provider.Authorize"],"Resource":"*"}]}`)
	rp := newRelyingParty(t, a, "")
	a.attach(grantAuthorize, ada)
	rp.signIn("ada@example.com", "ada's long passphrase")
	verifier := oauth2.GenerateVerifier()
	base := rp.conf.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier))
	with := func(set map[string]string) string {
		u, _ := url.Parse(base)
		q := u.Query()
		for k, v := range set {
			if v == "" {
				q.Del(k)
			} else {
				q.Set(k, v)
			}
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	sum := sha256.Sum256([]byte(verifier))
	for _, c := range []struct {
		name  string
		url   string
		field string
	}{
		{"wrong redirect URI", with(map[string]string{"redirect_uri": "https://evil.example/cb"}), "redirect_uri"},
		{"redirect URI with a path added", with(map[string]string{"redirect_uri": rp.conf.RedirectURL + "/../../evil"}), "redirect_uri"},
		{"redirect URI with a query added", with(map[string]string{"redirect_uri": rp.conf.RedirectURL + "?next=https://evil.example"}), "redirect_uri"},
		{"no redirect URI", with(map[string]string{"redirect_uri": ""}), "redirect_uri"},
		{"unknown client", with(map[string]string{"client_id": keyward.NewID(time.Now())}), "client_id"},
		{"no PKCE", with(map[string]string{"code_challenge": "", "code_challenge_method": ""}), "code_challenge"},
		{"plain PKCE", with(map[string]string{"code_challenge": base64.RawURLEncoding.EncodeToString(sum[:]), "code_challenge_method": "plain"}), "code_challenge"},
		{"implicit flow", with(map[string]string{"response_type": "token"}), "response_type"},
		{"no openid scope", with(map[string]string{"scope": "email"}), "scope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, end := rp.authorize(c.url)
			if res.StatusCode != http.StatusBadRequest || end.Host != mustHost(a.srv.URL) {
				t.Fatalf("ended at %s with %d, want a 400 at keyward", end, res.StatusCode)
			}
			var e apiError
			req, _ := http.NewRequest("GET", c.url, nil)
			b, _ := rp.browser.Do(req)
			json.NewDecoder(b.Body).Decode(&e)
			b.Body.Close()
			if e.Field != c.field {
				t.Errorf("field = %q, want %q", e.Field, c.field)
			}
		})
	}

	t.Run("wrong PKCE verifier", func(t *testing.T) {
		code := rp.code("s", verifier)
		if _, err := rp.exchange(code, oauth2.GenerateVerifier()); !isOAuthError(err, "invalid_grant") {
			t.Errorf("exchange = %v, want invalid_grant", err)
		}
		if _, err := rp.exchange(code, verifier); err != nil {
			t.Errorf("exchange with the verifier after a wrong one: %v", err)
		}
	})
	t.Run("wrong client secret", func(t *testing.T) {
		code := rp.code("s", verifier)
		bad := rp.conf
		// Another first character (a fixed "0" is the secret itself one
		// time in sixteen).
		first := "0"
		if bad.ClientSecret[0] == '0' {
			first = "1"
		}
		bad.ClientSecret = first + bad.ClientSecret[1:]
		if _, err := bad.Exchange(context.Background(), code, oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_client") {
			t.Errorf("exchange = %v, want invalid_client", err)
		}
		if _, err := rp.exchange(code, verifier); err != nil {
			t.Errorf("exchange with the secret after a wrong one: %v", err)
		}
	})
	t.Run("wrong redirect URI at the exchange", func(t *testing.T) {
		code := rp.code("s", verifier)
		bad := rp.conf
		bad.RedirectURL = rp.callback.URL + "/other"
		if _, err := bad.Exchange(context.Background(), code, oauth2.VerifierOption(verifier)); !isOAuthError(err, "invalid_grant") {
			t.Errorf("exchange = %v, want invalid_grant", err)
		}
	})
	t.Run("one code, two exchanges at once", func(t *testing.T) {
		code := rp.code("s", verifier)
		errs := make(chan error, 2)
		for range 2 {
			go func() { _, err := rp.exchange(code, verifier); errs <- err }()
		}
		var ok int
		for range 2 {
			if err := <-errs; err == nil {
				ok++
			} else if !isOAuthError(err, "invalid_grant") {
				t.Errorf("exchange = %v, want success or invalid_grant", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of two concurrent exchanges of one code succeeded, want 1", ok)
		}
	})
	t.Run("expired code", func(t *testing.T) {
		code := rp.code("s", verifier)
		clock.Advance(61 * time.Second)
		if _, err := rp.exchange(code, verifier); !isOAuthError(err, "invalid_grant") {
			t.Errorf("exchange = %v, want invalid_grant", err)
		}
	})
	t.Run("member without the right", func(t *testing.T) {
		rp.signIn("bob@example.com", "bob's long passphrase")
		res, end := rp.authorize(base)
		if res.StatusCode != http.StatusForbidden || end.Host != mustHost(a.srv.URL) {
			t.Errorf("bob (%s) ended at %s with %d, want a 403 at keyward", bob, end, res.StatusCode)
		}
	})
}

func mustHost(raw string) string {
	u, _ := url.Parse(raw)
	return u.Host
}

// TestCodeFlowSubjects: an application sees a member's user id as sub,
// or, configured pairwise, a subject of its own: the same at every
// sign-in, different from another application's, and never the id.
func TestCodeFlowSubjects(t *testing.T) {
	a, _ := newIssuerAPIAt(t, time.Now())
	ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","password":"ada's long passphrase"}`)
	a.attach(a.createPolicy("signin", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.provider.Authorize"],"Resource":"*"}]}`), ada)
	subject := func(rp *relyingParty) string {
		t.Helper()
		verifier := oauth2.GenerateVerifier()
		tok, err := rp.exchange(rp.code("s", verifier), verifier)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := rp.verify(tok)
		return id.Subject
	}
	public := newRelyingParty(t, a, "")
	p1, p2 := newRelyingParty(t, a, `,"pairwise":true`), newRelyingParty(t, a, `,"pairwise":true`)
	for _, rp := range []*relyingParty{public, p1, p2} {
		rp.signIn("ada@example.com", "ada's long passphrase")
	}
	got := []string{subject(public), subject(p1), subject(p1), subject(p2)}
	if got[0] != ada {
		t.Errorf("public sub = %q, want the user id %q", got[0], ada)
	}
	if got[1] != got[2] || got[1] == got[3] || got[1] == ada || got[3] == ada {
		t.Errorf("pairwise subs = %q (p1, p1 again, p2), want p1's stable, p2's another, neither the user id", got[1:])
	}
}
