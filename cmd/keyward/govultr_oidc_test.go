package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vultr/govultr/v3"
)

// TestGovultrOIDCIssuers drives Vultr's OIDC issuer endpoints through its
// official Go client: register (with one JWK, as Vultr's issuer carries),
// get, list and delete.
func TestGovultrOIDCIssuers(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c, log := newGovultrRoot(t, ts)

	req := &govultr.OIDCIssuerReq{Issuer: govultr.OIDCIssuerReqDetail{
		Source: "external", URI: "https://idp.example/realms/acme", KTY: "RSA", KID: "k1", N: "0vx7agoebGcQSuu", E: "AQAB", ALG: "RS256", USE: "sig",
	}}
	iss, _, err := c.OIDC.CreateOIDCIssuer(ctx, req)
	if err != nil || iss.ID == "" || iss.URI != req.Issuer.URI || iss.KID != "k1" || iss.N != req.Issuer.N || iss.Source != "external" {
		t.Fatalf("CreateOIDCIssuer = %+v, %v", iss, err)
	}
	wantStatus(t, log, "CreateOIDCIssuer", http.StatusCreated)

	got, _, err := c.OIDC.GetOIDCIssuer(ctx, iss.ID)
	if err != nil || got.ID != iss.ID || got.ALG != "RS256" || got.USE != "sig" || got.E != "AQAB" {
		t.Fatalf("GetOIDCIssuer = %+v, %v", got, err)
	}
	list, _, err := c.OIDC.ListOIDCIssuers(ctx)
	if err != nil || len(list) != 1 || list[0].ID != iss.ID {
		t.Fatalf("ListOIDCIssuers = %+v, %v", list, err)
	}

	// A second issuer with the same URL is refused.
	if _, _, err := c.OIDC.CreateOIDCIssuer(ctx, req); err == nil {
		t.Error("CreateOIDCIssuer with a registered URL succeeded")
	}
	wantStatus(t, log, "CreateOIDCIssuer again", http.StatusConflict)

	if err := c.OIDC.DeleteOIDCIssuer(ctx, iss.ID); err != nil {
		t.Fatalf("DeleteOIDCIssuer: %v", err)
	}
	wantStatus(t, log, "DeleteOIDCIssuer", http.StatusNoContent)
	if _, _, err := c.OIDC.GetOIDCIssuer(ctx, iss.ID); err == nil {
		t.Error("GetOIDCIssuer after delete succeeded")
	}
	wantStatus(t, log, "GetOIDCIssuer after delete", http.StatusNotFound)
}

// TestCLIOIDCIssuers runs `keyward oidc issuer` against the real server.
func TestCLIOIDCIssuers(t *testing.T) {
	ts := startServer(t, nil)
	c := rootCLI(t, ts)
	f := fieldsOf(c.ok("oidc", "issuer", "create", "--uri", "https://token.actions.githubusercontent.com", "--audience", "keyward", "--name", "GitHub"))
	if f["uri"] != "https://token.actions.githubusercontent.com" || f["audiences"] != "keyward" || f["name"] != "GitHub" || f["id"] == "" {
		t.Fatalf("create printed %v", f)
	}
	var list []struct{ ID, URI string }
	c.json(&list, "oidc", "issuer", "list")
	if len(list) != 1 || list[0].ID != f["id"] {
		t.Errorf("list = %+v", list)
	}
	if g := fieldsOf(c.ok("oidc", "issuer", "get", f["id"])); g["id"] != f["id"] {
		t.Errorf("get printed %v", g)
	}
	c.fail("(status 400, code invalid, field uri)", "oidc", "issuer", "create", "--uri", "http://insecure.example")
	c.ok("oidc", "issuer", "delete", f["id"])
	c.fail("(status 404, code not_found)", "oidc", "issuer", "get", f["id"])
}

// TestGovultrOIDCProviders drives Vultr's OIDC provider endpoints through
// its official Go client: register an application, get, list, delete.
func TestGovultrOIDCProviders(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c, log := newGovultrRoot(t, ts)

	p, _, err := c.OIDC.CreateOIDCProvider(ctx, &govultr.OIDCProviderReq{Name: "grafana"})
	if err != nil || p.ID == "" || p.IssuerID == "" || p.Name != "grafana" {
		t.Fatalf("CreateOIDCProvider = %+v, %v", p, err)
	}
	wantStatus(t, log, "CreateOIDCProvider", http.StatusCreated)

	got, _, err := c.OIDC.GetOIDCProvider(ctx, p.ID)
	if err != nil || *got != *p {
		t.Fatalf("GetOIDCProvider = %+v, %v; want %+v", got, err, p)
	}
	list, _, err := c.OIDC.ListOIDCProviders(ctx)
	if err != nil || len(list) != 1 || list[0] != *p {
		t.Fatalf("ListOIDCProviders = %+v, %v", list, err)
	}

	doc, _, err := c.OIDC.DiscoveryOIDC(ctx, p.ID)
	if err != nil || !strings.HasSuffix(doc.Issuer, "/v2/oidc/"+p.ID) || doc.JWKSURI == "" || doc.TokenEndpoint == "" || len(doc.IDTokenSigningValuesSupported) == 0 {
		t.Fatalf("DiscoveryOIDC = %+v, %v", doc, err)
	}

	// A workload token for the caller, and its record.
	tok, _, err := c.OIDC.CreateOIDCToken(ctx, &govultr.OIDCTokenReq{GrantType: "client_credentials", ClientID: p.ID})
	if err != nil || strings.Count(tok.AccessToken, ".") != 2 || tok.TokenType != "Bearer" || tok.ExpiresSeconds != "900" {
		t.Fatalf("CreateOIDCToken = %+v, %v", tok, err)
	}
	wantStatus(t, log, "CreateOIDCToken", http.StatusCreated)
	var claims struct{ Jti, Iss string }
	payload, err := base64.RawURLEncoding.DecodeString(strings.Split(tok.AccessToken, ".")[1])
	if err != nil || json.Unmarshal(payload, &claims) != nil || claims.Iss != doc.Issuer {
		t.Fatalf("token payload %s: %v", payload, err)
	}
	rec, _, err := c.OIDC.GetOIDCToken(ctx, claims.Jti)
	if err != nil || rec.TokenType != "Bearer" || rec.AccessToken != "" || rec.ExpiresSeconds == "" {
		t.Fatalf("GetOIDCToken = %+v, %v", rec, err)
	}
	if _, _, err := c.OIDC.CreateOIDCToken(ctx, &govultr.OIDCTokenReq{GrantType: "client_credentials", ClientID: "0193a000-0000-7000-8000-00000000beef"}); err == nil {
		t.Error("CreateOIDCToken for an unknown provider succeeded")
	}
	wantStatus(t, log, "CreateOIDCToken for an unknown provider", http.StatusBadRequest)

	if _, _, err := c.OIDC.CreateOIDCProvider(ctx, &govultr.OIDCProviderReq{}); err == nil {
		t.Error("CreateOIDCProvider without a name succeeded")
	}
	wantStatus(t, log, "CreateOIDCProvider without a name", http.StatusBadRequest)

	if err := c.OIDC.DeleteOIDCProvider(ctx, p.ID); err != nil {
		t.Fatalf("DeleteOIDCProvider: %v", err)
	}
	wantStatus(t, log, "DeleteOIDCProvider", http.StatusNoContent)
	if _, _, err := c.OIDC.GetOIDCProvider(ctx, p.ID); err == nil {
		t.Error("GetOIDCProvider after delete succeeded")
	}
	wantStatus(t, log, "GetOIDCProvider after delete", http.StatusNotFound)
}

// TestGovultrAuthorizeOIDC signs the client's credential in to an
// application through Vultr's client, the twelfth method of its OIDC
// service: keyward answers an API caller with JSON (the URL with the
// code), which the client accepts and discards; a redirect URI the
// application did not register is a 400, never followed.
func TestGovultrAuthorizeOIDC(t *testing.T) {
	ts := startServer(t, nil)
	ctx := context.Background()
	c, log := newGovultrRoot(t, ts)
	app := fieldsOf(rootCLI(t, ts).ok(
		"oidc", "provider", "create", "--name", "grafana", "--redirect-uri", "https://grafana.example/cb"))

	params := &govultr.OIDCAuthorizeParameters{ClientID: app["id"], RedirectURI: "https://grafana.example/cb", ResponseType: "code",
		Scope: "openid email", State: "st", Nonce: "n"}
	if err := c.OIDC.AuthorizeOIDC(ctx, params); err != nil {
		t.Fatalf("AuthorizeOIDC: %v", err)
	}
	wantStatus(t, log, "AuthorizeOIDC", http.StatusOK)
	params.RedirectURI = "https://evil.example/cb"
	if err := c.OIDC.AuthorizeOIDC(ctx, params); err == nil {
		t.Error("AuthorizeOIDC to an unregistered redirect URI succeeded")
	}
	wantStatus(t, log, "AuthorizeOIDC to an unregistered redirect URI", http.StatusBadRequest)
}

// TestCLIOIDCProviders runs `keyward oidc provider`, `oidc token` and
// `oidc rotate-key` against the real server.
func TestCLIOIDCProviders(t *testing.T) {
	ts := startServer(t, nil)
	c := rootCLI(t, ts)
	f := fieldsOf(c.ok("oidc", "provider", "create", "--name", "grafana", "--redirect-uri", "https://grafana.example/cb", "--audience", "sts.amazonaws.com", "--scope", "openid", "--scope", "email"))
	if f["id"] == "" || f["client_secret"] == "" || f["scopes"] != "openid, email" || !strings.HasSuffix(f["issuer"], "/v2/oidc/"+f["id"]) {
		t.Fatalf("create printed %v", f)
	}
	var list []struct{ ID, Name string }
	c.json(&list, "oidc", "provider", "list")
	if len(list) != 1 || list[0].ID != f["id"] {
		t.Errorf("list = %+v", list)
	}
	if g := fieldsOf(c.ok("oidc", "provider", "get", f["id"])); g["client_secret"] != "-" || g["redirect_uris"] != "https://grafana.example/cb" {
		t.Errorf("get printed %v", g)
	}
	jwt := strings.TrimSpace(c.ok("oidc", "token", f["id"], "--audience", "sts.amazonaws.com", "--expires-in", "120"))
	if strings.Count(jwt, ".") != 2 {
		t.Errorf("oidc token printed %q", jwt)
	}
	c.fail("(status 400, code invalid, field audience)", "oidc", "token", f["id"], "--audience", "evil")
	back, err := url.Parse(strings.TrimSpace(c.ok("oidc", "authorize", f["id"], "--redirect-uri", "https://grafana.example/cb", "--scope", "openid", "--scope", "email", "--state", "st")))
	if err != nil || back.Host != "grafana.example" || back.Query().Get("state") != "st" || !strings.HasPrefix(back.Query().Get("code"), "kwc_") {
		t.Errorf("oidc authorize printed %v (%v)", back, err)
	}
	c.fail("(status 400, code invalid, field redirect_uri)", "oidc", "authorize", f["id"], "--redirect-uri", "https://evil.example/cb")
	if out := c.ok("oidc", "rotate-key"); !strings.HasPrefix(out, "Rotated the signing key") {
		t.Errorf("rotate-key printed %q", out)
	}
	c.ok("oidc", "provider", "delete", f["id"])
	c.fail("(status 404, code not_found)", "oidc", "provider", "get", f["id"])
}
