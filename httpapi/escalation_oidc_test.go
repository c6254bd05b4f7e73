package httpapi_test

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/oidcprovider"
	"github.com/keyward-iam/keyward/service"
)

// newFederatingAPI is newAPI whose public URL is its own address and
// which trusts http issuers: its OpenID provider's tokens can come back
// to it through an issuer trust.
func newFederatingAPI(t *testing.T) *api {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return newAPIOn(t, service.Options{PublicURL: "http://" + ln.Addr().String(), OIDCAllowHTTP: true,
		SignIn: identity.New(identity.Options{AllowPrivate: true})}, ln)
}

// escApp is an application of the escalation organization whose tokens
// the organization itself trusts, for ada: her workload tokens (sub
// user:<ada>) and her ID tokens (sub <ada>) may assume the boss role,
// AdministratorAccess. So any way to a token naming ada from a
// credential that is less than ada is an escalation the suite sees.
type escApp struct {
	id, secret, issuer, redirect string
}

// federation registers the application, the issuer trust and the two
// federated trusts of boss.
func (o *escOrg) federation(t *testing.T) {
	t.Helper()
	o.app.redirect = "https://app.example/cb"
	p := o.provider(`{"name":"app","redirect_uris":["` + o.app.redirect + `"],"audiences":["keyward"]}`)
	o.app.id, o.app.secret, o.app.issuer = p.Provider.ID, p.Provider.ClientSecret, p.Provider.Issuer
	var iss issuerBody
	o.do("POST", "/v2/oidc/issuer", o.api.root, `{"issuer":{"uri":"`+o.app.issuer+`","audiences":["keyward","`+o.app.id+`"]}}`, http.StatusCreated, &iss)
	for _, sub := range []string{"user:" + o.ada, o.ada} {
		o.createTrust(`{"role_id":"` + o.boss + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + iss.Issuer.ID +
			`","claim_conditions":{"sub":"` + sub + `"}}`)
	}
}

// federate tries, with token, to get a token of the application (a
// workload token, an ID token through the code flow, the attacker
// holding the client secret as the application's developer would) and to
// assume boss with it; it returns the sessions it got.
func (o *escOrg) federate(t *testing.T, token string) []string {
	t.Helper()
	var jwts []string
	var w workloadOut
	if o.call(t, "POST", "/v2/oidc/issuer/token", token, `{"grant_type":"client_credentials","client_id":"`+o.app.id+`","audience":"keyward"}`, &w) == http.StatusCreated {
		jwts = append(jwts, w.Token.AccessToken)
	}
	verifier := oauth2.GenerateVerifier()
	q := url.Values{"client_id": {o.app.id}, "redirect_uri": {o.app.redirect}, "response_type": {"code"}, "scope": {"openid"},
		"code_challenge": {oauth2.S256ChallengeFromVerifier(verifier)}, "code_challenge_method": {"S256"}}
	var back struct {
		RedirectURI string `json:"redirect_uri"`
	}
	if o.call(t, "GET", "/v2/oidc/authorize?"+q.Encode(), token, "", &back) == http.StatusOK {
		u, _ := url.Parse(back.RedirectURI)
		form := url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "redirect_uri": {o.app.redirect}, "code_verifier": {verifier}}
		req, _ := http.NewRequest("POST", o.app.issuer+oidcprovider.TokenPath, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(o.app.id, o.app.secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			IDToken string `json:"id_token"`
		}
		json.NewDecoder(res.Body).Decode(&tok)
		res.Body.Close()
		jwts = append(jwts, tok.IDToken)
	}
	var got []string
	for _, jwt := range jwts {
		body, _ := json.Marshal(map[string]any{"role_id": o.boss, "organization_id": o.orgID, "web_identity_token": jwt, "session_name": "x"})
		got = append(got, o.try(t, "POST", "/v2/assumed-roles/assume-with-web-identity", "", string(body))...)
	}
	return got
}

// call sends one attempt with token and decodes its answer into out;
// it returns the status.
func (o *escOrg) call(t *testing.T, method, path, token, body string, out any) int {
	t.Helper()
	status, raw := o.send(t, method, path, token, body)
	json.Unmarshal(raw, out)
	return status
}

// adaKey mints an API key of ada as the root owner, with body's name and
// narrowing.
func (o *escOrg) adaKey(body string) string {
	o.t.Helper()
	var k struct {
		APIKey struct {
			Key string `json:"key"`
		} `json:"api_key"`
	}
	o.do("POST", "/v2/users/"+o.ada+"/api-keys", o.api.root, body, http.StatusCreated, &k)
	return k.APIKey.Key
}

// TestFederationIsNoWayUp checks that the suite's federation sees a way
// up when there is one: ada's own unnarrowed key gets both tokens, and
// each assumes boss. Without it, the suite's refusals would prove
// nothing.
func TestFederationIsNoWayUp(t *testing.T) {
	o := newEscOrg(t, modestDoc)
	if got := o.federate(t, o.adaKey(`{"name":"whole"}`)); len(got) != 2 {
		t.Fatalf("ada's own key federated into %d sessions, want 2 (a workload token and an ID token)", len(got))
	}
}
