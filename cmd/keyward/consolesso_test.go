package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestConsoleSSOSignIn: the owner connects the organization's identity
// provider on the console's Sign-in page (the page then shows it, with
// the redirect URI to register, and never the secret) and creates a SCIM
// token, shown once, which the SCIM API takes. A person then signs in
// through the provider in the browser: the console's sign-in page offers
// it, the provider's own login form takes the password, and the callback
// lands the person on the console's start page, signed in, as a member
// made on first sign-in.
func TestConsoleSSOSignIn(t *testing.T) {
	tab, owner := newTab(t), newTab(t)
	ts, _, org := consoleServerWith(t, map[string]string{"KEYWARD_OIDC_ALLOW_HTTP": "true", "KEYWARD_IDP_SECRET_KEY": strings.Repeat("k", 32)})
	root := rootCLI(t, ts)
	idp := keywardtest.NewIdP(t, ts.URL+"/v2/auth/sso/callback")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-lin", Username: "lin", Password: "pw-lin", Email: "lin@example.com", Name: "Lin Example"})

	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "connect the identity provider", chromedp.Click(chromedp.CSS(`nav a[href="/identity-provider"]`)), chromedp.WaitVisible(chromedp.ID("no-idp")),
		chromedp.SendKeys(chromedp.ID("idp-issuer-url"), idp.URL), chromedp.SendKeys(chromedp.ID("idp-client-id"), idp.ClientID),
		chromedp.Click(chromedp.ID("idp-save")), chromedp.WaitVisible(chromedp.CSS(".problem")))
	if got := text(t, owner, ".problem"); !strings.Contains(got, "client_secret") {
		t.Errorf("saved without a secret: %q, want the service's message naming client_secret", got)
	}
	do(t, owner, "with the secret", chromedp.SetValue(chromedp.ID("idp-issuer-url"), idp.URL), chromedp.SetValue(chromedp.ID("idp-client-id"), idp.ClientID),
		chromedp.SetValue(chromedp.ID("idp-client-secret"), idp.ClientSecret), chromedp.Click(chromedp.ID("idp-save")),
		chromedp.WaitVisible(chromedp.ID("idp-detail")))
	if got := text(t, owner, "#idp-issuer"); got != idp.URL {
		t.Errorf("the page shows issuer %q, want %s", got, idp.URL)
	}
	if html, _ := chromedp.Run(owner, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, idp.ClientSecret) {
		t.Error("the Sign-in page shows the client secret")
	}
	do(t, owner, "create a SCIM token", chromedp.SendKeys(chromedp.ID("scim-name"), "okta"), chromedp.Click(chromedp.ID("scim-create")),
		chromedp.WaitVisible(chromedp.ID("new-secret")))
	waitJS(t, owner, "htmx settled", `!document.querySelector(".htmx-request")`)
	checkPage(t, owner, "identity-provider")
	scim := text(t, owner, "#new-secret")
	root.ok("fleet", "org", "identity-mode", org, "idp")
	callAPI(t, ts, "GET", "/scim/v2/"+org+"/Users", scim, "", http.StatusOK, nil)

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
