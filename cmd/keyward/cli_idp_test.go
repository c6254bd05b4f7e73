package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCLIIdentityProvider drives `keyward idp` against a real server, then
// signs a person in through the provider it configured: the server's
// wiring of people's sign-in, from the flag to the login session.
func TestCLIIdentityProvider(t *testing.T) {
	ts := startServer(t, map[string]string{"KEYWARD_OIDC_ALLOW_HTTP": "true", "KEYWARD_IDP_SECRET_KEY": strings.Repeat("k", 32)})
	root := rootCLI(t, ts)
	idp := keywardtest.NewIdP(t, ts.URL+"/v2/auth/sso/callback")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-lin", Username: "lin", Password: "pw-lin", Email: "lin@example.com", Name: "Lin", Groups: []string{"eng"}})

	root.fail("404", "idp", "get")
	root.fail("client_secret", "idp", "set", "--issuer", idp.URL, "--client-id", idp.ClientID)
	out := root.okStdin(idp.ClientSecret+"\n", "idp", "set", "--issuer", idp.URL, "--client-id", idp.ClientID, "--client-secret-stdin", "--scopes", "email,profile,groups")
	if strings.Contains(out, idp.ClientSecret) {
		t.Errorf("idp set printed the client secret: %s", out)
	}
	var got struct {
		Issuer          string   `json:"issuer"`
		ClientSecretSet bool     `json:"client_secret_set"`
		Scopes          []string `json:"scopes"`
		GroupsClaim     string   `json:"groups_claim"`
		RedirectURI     string   `json:"redirect_uri"`
	}
	root.json(&got, "idp", "get")
	if got.Issuer != idp.URL || !got.ClientSecretSet || got.GroupsClaim != "groups" || got.RedirectURI != ts.URL+"/v2/auth/sso/callback" ||
		strings.Join(got.Scopes, " ") != "email profile groups" {
		t.Errorf("idp get = %+v, want the provider with a sealed secret, groups claim and redirect URI %s/v2/auth/sso/callback", got, ts.URL)
	}

	org := table(root.ok("org", "list"))[1][0]
	root.ok("fleet", "org", "identity-mode", org, "idp")
	// keyward login --sso prints the URL to open, then reads the token.
	// With $BROWSER it opens the URL there too.
	opened := filepath.Join(t.TempDir(), "opened")
	browser := filepath.Join(t.TempDir(), "browser")
	if err := os.WriteFile(browser, []byte("#!/bin/sh\nprintf '%s' \"$1\" > "+opened+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "BROWSER": browser}}
	_, prompt, err := anon.run("", "login", "--sso", org)
	start := ts.URL + "/v2/auth/sso/" + org
	if err == nil || !strings.Contains(prompt, start+"\n") {
		t.Fatalf("login --sso with no token: %v, prompt %q; want it to fail after printing %s", err, prompt, start)
	}
	if got, _ := os.ReadFile(opened); string(got) != start {
		t.Errorf("login --sso opened %q in $BROWSER, want %s", got, start)
	}
	delete(anon.env, "BROWSER")
	b := keywardtest.Browser(t)
	cb, err := idp.Authorize(b, start, "lin", "pw-lin")
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Get(cb.String())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var session struct {
		Session struct{ Token string } `json:"login_session"`
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || json.Unmarshal(body, &session) != nil {
		t.Fatalf("callback = %d %s, want 201 with a login session", res.StatusCode, body)
	}
	if got := strings.TrimSpace(anon.okStdin(session.Session.Token+"\n", "login", "--sso", org)); got != session.Session.Token {
		t.Errorf("login --sso printed %q, want the pasted token", got)
	}
	if _, _, err := anon.run("kws_00000000-0000-7000-8000-000000000000_bad\n", "login", "--sso", org); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("login --sso with a made-up token: %v, want the server's 401", err)
	}
	lin := keyCLI(t, ts, session.Session.Token)
	var me struct{ Email, Source string }
	lin.json(&me, "user", "me")
	if me.Email != "lin@example.com" || me.Source != "idp" {
		t.Errorf("user me with the SSO session = %+v, want lin@example.com from the idp", me)
	}

	root.ok("idp", "delete")
	root.fail("404", "idp", "get")
}
