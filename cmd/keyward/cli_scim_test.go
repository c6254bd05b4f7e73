package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestCLISCIM drives `keyward scim token` against the server run() starts
// and provisions a user through the token it printed: the wiring of SCIM,
// from the CLI to the endpoint. A deleted token is refused.
func TestCLISCIM(t *testing.T) {
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	org := table(root.ok("org", "list"))[1][0]
	root.ok("fleet", "org", "identity-mode", org, "idp")
	var tok struct {
		ID          string `json:"id"`
		Token       string `json:"token"`
		SCIMBaseURL string `json:"scim_base_url"`
	}
	root.json(&tok, "scim", "token", "create", "--name", "okta")
	if !strings.HasPrefix(tok.Token, "kwscim_") || tok.SCIMBaseURL != "/scim/v2/"+org {
		t.Fatalf("scim token create = %+v, want a kwscim_ token for /scim/v2/%s", tok, org)
	}
	if out := root.ok("scim", "token", "list"); !strings.Contains(out, tok.ID) || strings.Contains(out, tok.Token) {
		t.Errorf("scim token list = %s, want the token's id and not its secret", out)
	}

	provision := func(want int) {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+tok.SCIMBaseURL+"/Users", strings.NewReader(
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"lin@example.com","displayName":"Lin"}`))
		req.Header.Set("Authorization", "Bearer "+tok.Token)
		req.Header.Set("Content-Type", "application/scim+json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("POST %s/Users = %d, want %d", tok.SCIMBaseURL, res.StatusCode, want)
		}
	}
	provision(http.StatusCreated)
	if out := root.ok("user", "list"); !strings.Contains(out, "lin@example.com") {
		t.Errorf("user list after provisioning = %s, want lin@example.com", out)
	}
	root.ok("scim", "token", "delete", tok.ID)
	provision(http.StatusUnauthorized)
}
