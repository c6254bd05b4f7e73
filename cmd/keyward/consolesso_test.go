package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestConsoleSSOSignIn signs a person in through their organization's
// identity provider in the browser: the console's sign-in page offers the
// provider, the provider's own login form takes the password, and the
// callback lands the person on the console's start page, signed in, as a
// member made on first sign-in.
func TestConsoleSSOSignIn(t *testing.T) {
	tab := newTab(t)
	ts := startServer(t, map[string]string{"KEYWARD_OIDC_ALLOW_HTTP": "true", "KEYWARD_IDP_SECRET_KEY": strings.Repeat("k", 32)})
	root := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}}
	idp := keywardtest.NewIdP(t, ts.URL+"/v2/auth/sso/callback")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-lin", Username: "lin", Password: "pw-lin", Email: "lin@example.com", Name: "Lin Example"})
	root.okStdin(idp.ClientSecret+"\n", "idp", "set", "--issuer", idp.URL, "--client-id", idp.ClientID, "--client-secret-stdin", "--scopes", "email,profile")
	org := table(root.ok("org", "list"))[1][0]
	root.ok("fleet", "org", "identity-mode", org, "idp")

	do(t, tab, "open the organization's sign-in page", chromedp.Navigate(ts.URL+"/login?organization_id="+org),
		chromedp.WaitVisible(chromedp.ID("sso")))
	checkPage(t, tab, "login-sso")
	do(t, tab, "sign in at the identity provider", chromedp.Click(chromedp.ID("sso")),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "lin"), chromedp.SendKeys(chromedp.ID("password"), "pw-lin"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.ID("welcome")))
	if got := text(t, tab, "#welcome"); !strings.Contains(got, "Lin Example") {
		t.Errorf("start page after the identity provider's sign-in says %q", got)
	}
	url, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(url, ts.URL+"/") {
		t.Errorf("the sign-in ended at %s, want the console at %s", url, ts.URL)
	}
}
