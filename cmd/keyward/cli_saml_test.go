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

// TestCLISAMLIdentityProvider drives `keyward idp set --type saml` against
// a real server, then signs a person in through the SAML IdP it
// configured: the server's wiring of SAML sign-in, from the flag to the
// login session.
func TestCLISAMLIdentityProvider(t *testing.T) {
	ts := startServer(t, map[string]string{"KEYWARD_OIDC_ALLOW_HTTP": "true"})
	root := rootCLI(t, ts)
	idp := keywardtest.NewSAMLIdP(t)
	idp.SetUser(keywardtest.SAMLUser{NameID: "lin-1", Email: "lin@example.com", Name: "Lin", Groups: []string{"eng"}})
	org := table(root.ok("org", "list"))[1][0]

	root.fail("saml_metadata", "idp", "set", "--type", "saml")
	file := filepath.Join(t.TempDir(), "idp.xml")
	if err := os.WriteFile(file, []byte(idp.Metadata()), 0o600); err != nil {
		t.Fatal(err)
	}
	root.ok("idp", "set", "--type", "saml", "--metadata-file", file)
	root.okStdin(idp.Metadata(), "idp", "set", "--type", "saml", "--metadata-file", "-", "--allow-idp-initiated")
	root.ok("idp", "set", "--type", "saml", "--metadata-url", idp.MetadataURL)
	var got struct {
		Type              string `json:"type"`
		Issuer            string `json:"issuer"`
		AllowIdPInitiated bool   `json:"allow_idp_initiated"`
		SPEntityID        string `json:"sp_entity_id"`
		RedirectURI       string `json:"redirect_uri"`
	}
	root.json(&got, "idp", "get")
	base := ts.URL + "/v2/auth/saml/" + org
	if got.Type != "saml" || got.Issuer != idp.MetadataURL || got.AllowIdPInitiated || got.SPEntityID != base+"/metadata" || got.RedirectURI != base+"/acs" {
		t.Errorf("idp get = %+v, want the SAML IdP %s, IdP-initiated refused, SP %s/metadata and ACS %s/acs", got, idp.MetadataURL, base, base)
	}

	root.ok("fleet", "org", "identity-mode", org, "idp")
	f, err := idp.SignIn(keywardtest.Browser(t), ts.URL+"/v2/auth/sso/"+org)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.PostForm(f.ACS, f.Values())
	if err != nil {
		t.Fatal(err)
	}
	checkSSOSession(t, ts.URL, res, "lin@example.com")
}

// checkSSOSession checks that res, the answer to the end of a sign-in
// through an identity provider, is a 201 with a kws_ login session, whose
// token works through the CLI as wantEmail's, a user from the idp.
func checkSSOSession(t *testing.T, url string, res *http.Response, wantEmail string) {
	t.Helper()
	defer res.Body.Close()
	var session struct {
		Session struct{ Token string } `json:"login_session"`
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated || json.Unmarshal(body, &session) != nil || !strings.HasPrefix(session.Session.Token, "kws_") {
		t.Fatalf("sign-in = %d %s, want 201 with a kws_ login session", res.StatusCode, body)
	}
	user := cliRunner{t, map[string]string{"KEYWARD_URL": url, "KEYWARD_TOKEN": session.Session.Token}}
	var me struct{ Email, Source string }
	user.json(&me, "user", "me")
	if me.Email != wantEmail || me.Source != "idp" {
		t.Errorf("user me with the SSO session = %+v, want %s from the idp", me, wantEmail)
	}
}
