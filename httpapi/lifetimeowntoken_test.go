package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/oidcprovider"
)

// TestOwnTokensFederateOnlyWhileTheirHolderWorks: an organization may
// trust its own provider's workload tokens for a role (web identity). Such
// a token names the credential it was issued to (sub user:<member>,
// key:<narrowed key>, session:<role session>), and is refused at the
// exchange once that credential no longer works, within the hour the
// token runs, so that taking a credential away takes away what keyward
// issued to it. A token naming the member outlives the key that got it,
// as the member does; so does an ID token, which names the member (sub,
// the member's id).
func TestOwnTokensFederateOnlyWhileTheirHolderWorks(t *testing.T) {
	for _, ev := range []struct {
		name     string
		fire     func(a *api, ada string, revoke func())
		survives string // the subject kind that outlives the event, if any
	}{
		{"the credential is revoked", func(_ *api, _ string, revoke func()) { revoke() }, "user"},
		{"the member is suspended", func(a *api, ada string, _ func()) {
			a.do("PUT", "/v2/organizations/"+a.orgID+"/user/"+ada+"/suspend", a.root, "", http.StatusNoContent, nil)
		}, ""},
		{"the member is removed", func(a *api, ada string, _ func()) {
			a.do("DELETE", "/v2/users/"+ada, a.root, "", http.StatusNoContent, nil)
		}, ""},
	} {
		for _, kind := range []string{"user", "key", "session", "id token"} {
			t.Run(ev.name+"/"+kind, func(t *testing.T) {
				a := newFederatingAPI(t)
				ada, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
				mint := `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["oidc.token.Create","oidc.provider.Authorize"],"Resource":"*"}]}`
				a.attach(a.createPolicy("mint", mint), ada)
				lead := a.assumableRole("lead", 3600, mint)
				a.createTrust(`{"role_id":"` + lead + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + ada + `"}`)
				boss := a.assumableRole("boss", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
				app := a.provider(`{"name":"app","audiences":["keyward"],"redirect_uris":["https://app.example/cb"]}`)
				var iss issuerBody
				a.do("POST", "/v2/oidc/issuer", a.root, `{"issuer":{"uri":"`+app.Provider.Issuer+`","audiences":["keyward","`+app.Provider.ID+`"]}}`, http.StatusCreated, &iss)

				var key struct {
					APIKey apiKeyOut `json:"api_key"`
				}
				body := `{"name":"ci"}`
				if kind == "key" {
					body = `{"name":"ci","policy":` + mint + `}`
				}
				a.do("POST", "/v2/users/"+ada+"/api-keys", a.root, body, http.StatusCreated, &key)
				cred, sub := key.APIKey.Key, "user:"+ada
				revoke := func() {
					a.do("DELETE", "/v2/users/"+ada+"/api-keys/"+key.APIKey.ID, a.root, "", http.StatusNoContent, nil)
				}
				switch kind {
				case "key":
					sub = "key:" + key.APIKey.ID
				case "id token":
					sub = ada
				case "session":
					var s sessionOut
					a.do("POST", "/v2/assumed-roles/assume", cred, `{"role_id":"`+lead+`","session_name":"ci","duration":900}`, http.StatusCreated, &s)
					cred, sub = s.SessionToken, "session:"+s.ID
					revoke = func() { a.do("DELETE", "/v2/assumed-roles/"+s.SessionToken, a.root, "", http.StatusNoContent, nil) }
				}
				a.createTrust(`{"role_id":"` + boss + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + iss.Issuer.ID +
					`","claim_conditions":{"sub":"` + sub + `"}}`)
				var jwt string
				if kind == "id token" {
					jwt = a.idToken(cred, app)
				} else {
					jwt = a.workload(cred, `{"grant_type":"client_credentials","client_id":"`+app.Provider.ID+`","audience":"keyward"}`, http.StatusCreated).Token.AccessToken
				}
				exchange, _ := json.Marshal(map[string]any{"role_id": boss, "organization_id": a.orgID, "web_identity_token": jwt, "session_name": "x"})
				a.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", string(exchange), http.StatusCreated, nil)
				ev.fire(a, ada, revoke)
				want := http.StatusUnauthorized
				if kind == ev.survives || kind == "id token" && ev.survives == "user" {
					want = http.StatusCreated
				}
				a.do("POST", "/v2/assumed-roles/assume-with-web-identity", "", string(exchange), want, nil)
			})
		}
	}
}

// idToken signs in to app with token through the code flow, as an API
// caller does (the code in the answer), and returns the ID token the
// application gets for the code.
func (a *api) idToken(token string, app providerOut) string {
	a.t.Helper()
	q := url.Values{"client_id": {app.Provider.ID}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"code"}, "scope": {"openid"}}
	var back struct {
		RedirectURI string `json:"redirect_uri"`
	}
	a.do("GET", "/v2/oidc/authorize?"+q.Encode(), token, "", http.StatusOK, &back)
	u, _ := url.Parse(back.RedirectURI)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "redirect_uri": {"https://app.example/cb"}}
	req, _ := http.NewRequest("POST", app.Provider.Issuer+oidcprovider.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(app.Provider.ID, app.Provider.ClientSecret)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		a.t.Fatalf("code exchange = %d, %v: want an ID token", res.StatusCode, err)
	}
	return tok.IDToken
}
