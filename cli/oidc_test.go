package cli_test

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	issuerID   = "0192f4a2-5e6f-7a80-8c90-a1b2c3d4e5f6"
	issuerJSON = `{"id":"` + issuerID + `","name":"GitHub","source":"external","uri":"https://token.actions.githubusercontent.com",` +
		`"audiences":["keyward"],"kty":"","kid":"","n":"","e":"","alg":"","use":"","jwks_fetched_at":"","jwks_expires_at":"",` +
		`"date_created":"2026-11-23T11:00:00Z"}`
)

func TestOIDCCommands_Endpoints(t *testing.T) {
	i := "/v2/oidc/issuer/" + issuerID
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/oidc/issuer":  {200, `{"issuers":[` + issuerJSON + `],` + oneMeta + `}`},
		"POST /v2/oidc/issuer": {201, `{"issuer":` + issuerJSON + `}`},
		"GET " + i:             {200, `{"issuer":` + issuerJSON + `}`},
		"DELETE " + i:          {204, ""},
	})
	checkEndpoints(t, api, []endpointTest{
		{[]string{"oidc", "issuer", "list"}, "GET /v2/oidc/issuer"},
		{[]string{"oidc", "issuer", "create", "--uri", "https://token.actions.githubusercontent.com", "--audience", "keyward", "--audience", "sts",
			"--name", "GitHub"}, "POST /v2/oidc/issuer"},
		{[]string{"oidc", "issuer", "get", issuerID}, "GET " + i},
		{[]string{"oidc", "issuer", "delete", issuerID}, "DELETE " + i},
	})

	// create sends Vultr's IssuerReq with keyward's fields inside it.
	var sent struct {
		Issuer map[string]any `json:"issuer"`
	}
	for _, c := range api.Calls() {
		if c.Method == "POST" {
			if err := json.Unmarshal([]byte(c.Body), &sent); err != nil {
				t.Fatalf("create body %q: %v", c.Body, err)
			}
		}
	}
	want := map[string]any{"uri": "https://token.actions.githubusercontent.com", "source": "external", "name": "GitHub",
		"audiences": []any{"keyward", "sts"}}
	for k, v := range want {
		if b1, _ := json.Marshal(sent.Issuer[k]); string(b1) != mustJSON(v) {
			t.Errorf("create sent %s = %s, want %s", k, b1, mustJSON(v))
		}
	}

	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	if _, _, err := run(getenv, "", "oidc", "issuer", "get", "nope"); err == nil || !strings.Contains(err.Error(), "invalid issuer ID") {
		t.Errorf("get with a bad id: %v", err)
	}
	if _, _, err := run(getenv, "", "oidc", "issuer", "create"); err == nil || !strings.Contains(err.Error(), "uri") {
		t.Errorf("create without --uri: %v", err)
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
