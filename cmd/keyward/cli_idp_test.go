package main

import (
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestCLIIdentityProvider drives `keyward idp` against a real server, then
// signs a person in through the provider it configured: the server's
// wiring of people's sign-in, from the flag to the login session.
func TestCLIIdentityProvider(t *testing.T) {
	ts := startServer(t, map[string]string{"KEYWARD_OIDC_ALLOW_HTTP": "true", "KEYWARD_IDP_SECRET_KEY": strings.Repeat("k", 32)})
	root := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}}
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
	b := keywardtest.Browser(t)
	cb, err := idp.Authorize(b, ts.URL+"/v2/auth/sso/"+org, "lin", "pw-lin")
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.Get(cb.String())
	if err != nil {
		t.Fatal(err)
	}
	checkSSOSession(t, ts.URL, res, "lin@example.com")

	root.ok("idp", "delete")
	root.fail("404", "idp", "get")
}
