package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestConsoleApplications: the owner registers an application on the
// Applications page (its client secret shown once, in no address), and
// the application signs the owner in with it: the browser goes through
// keyward's authorization endpoint to the application's callback, and the
// code, exchanged with the client id and that secret, gives an ID token
// that verifies against keyward's JWKS. Deleted, the application is gone.
func TestConsoleApplications(t *testing.T) {
	tab := newTab(t)
	ts, _, _ := consoleServer(t)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!doctype html><title>app</title><h1>back</h1>")
	}))
	t.Cleanup(cb.Close)

	signIn(t, tab, ts, "admin@localhost", ownerPassword)
	do(t, tab, "register an application", chromedp.Click(chromedp.CSS(`nav a[href="/applications"]`)), chromedp.WaitVisible(chromedp.ID("no-applications")),
		chromedp.SendKeys(chromedp.ID("app-name"), "billing"), chromedp.SendKeys(chromedp.ID("app-redirects"), cb.URL+"/cb"),
		chromedp.Click(chromedp.ID("app-create")), chromedp.WaitVisible(chromedp.ID("new-secret")))
	waitJS(t, tab, "htmx settled", `!document.querySelector(".htmx-request")`)
	checkPage(t, tab, "applications")
	secret := text(t, tab, "#new-secret")
	clientID, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelector('tr[data-application="billing"] code').textContent`))
	if err != nil || clientID == "" {
		t.Fatalf("client id: %q, %v", clientID, err)
	}
	if loc, _ := chromedp.Run(tab, chromedp.Location()); strings.Contains(loc, secret) {
		t.Errorf("the secret is in the address: %s", loc)
	}
	issuer, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.querySelectorAll('tr[data-application="billing"] code')[1].textContent`))
	if err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, issuer)
	if err != nil {
		t.Fatalf("discovery at the issuer the page shows (%s): %v", issuer, err)
	}
	conf := oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: provider.Endpoint(), RedirectURL: cb.URL + "/cb", Scopes: []string{oidc.ScopeOpenID, "email"}}
	verifier := oauth2.GenerateVerifier()
	do(t, tab, "sign in to the application", chromedp.Navigate(conf.AuthCodeURL("st", oauth2.S256ChallengeOption(verifier))), chromedp.WaitVisible(chromedp.CSS("h1")))
	back, err := chromedp.Run(tab, chromedp.Location())
	if err != nil || !strings.HasPrefix(back, cb.URL+"/cb?") {
		t.Fatalf("the browser ended at %s (%v), want the application's callback", back, err)
	}
	code := back[strings.Index(back, "code=")+len("code="):]
	code, _, _ = strings.Cut(code, "&")
	tok, err := conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("exchange with the secret the page showed: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	id, err := provider.Verifier(&oidc.Config{ClientID: clientID}).Verify(ctx, raw)
	if err != nil || id.Subject == "" {
		t.Fatalf("ID token: %v", err)
	}

	acceptDialogs(t, tab)
	do(t, tab, "delete the application", chromedp.Navigate(ts.URL+"/applications"), chromedp.WaitVisible(chromedp.ID("applications")),
		chromedp.Click(chromedp.CSS(`tr[data-application="billing"] button`)), chromedp.WaitVisible(chromedp.ID("no-applications")))
}
