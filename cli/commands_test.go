package cli_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/cli"
)

func TestUserList(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/users":           {200, `{"users":[` + ada + `],"meta":{"total":2,"links":{"next":"c2","prev":""}}}`},
		"GET /v2/users?cursor=c2": {200, `{"users":[` + bob + `],"meta":{"total":2,"links":{"next":"","prev":"c1"}}}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	t.Run("one page", func(t *testing.T) {
		checkFirstPage(t, api, getenv, []string{"user", "list", "--kind", "normal", "--per-page", "1"},
			`ID                                    EMAIL            NAME          KIND    STATUS  API  CREATED
0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81  ada@example.com  Ada Lovelace  normal  active  yes  2026-11-22T10:05:00Z
`, "per_page=1&kind=normal")
	})

	t.Run("all as json", func(t *testing.T) {
		before := len(api.Calls())
		got := allAsJSON(t, getenv, "user", "list")
		if len(got) != 2 || got[0]["name"] != "Ada Lovelace" || got[1]["name"] != "Bob" {
			t.Errorf("got %v, want Ada and Bob", got)
		}
		var queries []string
		for _, c := range api.Calls()[before:] {
			queries = append(queries, c.Query)
		}
		if diff := cmp.Diff([]string{"per_page=500", "per_page=500&cursor=c2"}, queries); diff != "" {
			t.Errorf("queries mismatch (-want +got):\n%s", diff)
		}
	})
}

// checkFirstPage runs a list command line that gets the first page of
// two, and checks that it prints want, notes the next page's cursor and
// sends the query wantQuery.
func checkFirstPage(t *testing.T, api *fakeAPI, getenv func(string) string, args []string, want, wantQuery string) {
	t.Helper()
	stdout, stderr, err := run(getenv, "", args...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("keyward %v mismatch (-want +got):\n%s", args, diff)
	}
	if want := "More results: pass --cursor c2, or --all.\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	calls := api.Calls()
	if q := calls[len(calls)-1].Query; q != wantQuery {
		t.Errorf("query = %q, want %s", q, wantQuery)
	}
}

// allAsJSON runs a list command line with --all -o json and returns the
// items it prints. The command must print a JSON array and nothing on
// stderr: no next page is left to note.
func allAsJSON(t *testing.T, getenv func(string) string, args ...string) []map[string]any {
	t.Helper()
	stdout, stderr, err := run(getenv, "", append(args, "--all", "-o", "json")...)
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, stdout)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want none", stderr)
	}
	return got
}

func TestAPIError(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"POST /v2/users":                 {409, `{"error":"Email is already in use.","status":409,"code":"conflict","field":"email","request_id":"r1"}`},
		"DELETE /v2/users/" + userID:     {502, `<html>bad gateway</html>`},
		"GET /v2/users/" + userID:        {404, `{"error":"User not found.","status":404,"code":"not_found"}`},
		"GET /v2/organizations/" + keyID: {401, `{"error":"Invalid API key.","status":401}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args       []string
		want       cli.APIError
		wantStderr string
	}{
		{[]string{"user", "create", "--name", "Ada", "--email", "ada@example.com"},
			cli.APIError{Status: 409, Code: "conflict", Message: "Email is already in use.", Field: "email", RequestID: "r1"},
			"Error: Email is already in use. (status 409, code conflict, field email)\n"},
		{[]string{"user", "get", userID},
			cli.APIError{Status: 404, Code: "not_found", Message: "User not found."},
			"Error: User not found. (status 404, code not_found)\n"},
		{[]string{"user", "delete", userID},
			cli.APIError{Status: 502, Message: "Bad Gateway"},
			"Error: Bad Gateway (status 502)\n"},
		{[]string{"org", "get", keyID},
			cli.APIError{Status: 401, Message: "Invalid API key."},
			"Error: Invalid API key. (status 401)\n"},
	}
	for _, tt := range tests {
		stdout, stderr, err := run(getenv, "", tt.args...)
		var got *cli.APIError
		if !errors.As(err, &got) {
			t.Errorf("keyward %v: error = %v, want an *APIError", tt.args, err)
			continue
		}
		if diff := cmp.Diff(tt.want, *got); diff != "" {
			t.Errorf("keyward %v: APIError mismatch (-want +got):\n%s", tt.args, diff)
		}
		if stderr != tt.wantStderr || stdout != "" {
			t.Errorf("keyward %v: stdout %q, stderr %q; want none and %q", tt.args, stdout, stderr, tt.wantStderr)
		}
	}
}

func TestUserCreate(t *testing.T) {
	created := `{"user":` + strings.Replace(ada, `"has_password":true`, `"has_password":true,"api_key":"kw_`+keyID+`_s3cret"`, 1) + `}`
	api := newFakeAPI(t, map[string]reply{"POST /v2/users": {201, created}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	stdout, stderr, err := run(getenv, "correct horse battery\n",
		"user", "create", "--email", "ada@example.com", "--name", "Ada Lovelace", "--password-stdin", "--api-enabled",
		"--acl", "manage_users", "--acl", "billing")
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls()
	// The users are listed first (is the name in use?), then the user made.
	post := calls[len(calls)-1]
	if post.Method != "POST" {
		t.Fatalf("last request %s %s, want the POST", post.Method, post.Path)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(post.Body), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"email": "ada@example.com", "name": "Ada Lovelace", "password": "correct horse battery",
		"api_enabled": true, "acls": []any{"manage_users", "billing"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request body mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(stdout, "api_key         kw_"+keyID+"_s3cret\n") {
		t.Errorf("stdout does not show the new key:\n%s", stdout)
	}
	if !strings.Contains(stderr, "not shown again") {
		t.Errorf("stderr = %q, want a warning that the key is shown once", stderr)
	}
}

func TestUserUpdate(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"PATCH /v2/users/" + userID: {204, ""}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--api-enabled=false"}, "", `{"api_enabled":false}`},
		{[]string{"--acl", ""}, "", `{"acls":[]}`},
		{[]string{"--name", "Ada King", "--password-stdin"}, "a new password\r\n", `{"name":"Ada King","password":"a new password"}`},
	}
	for _, tt := range tests {
		args := append([]string{"user", "update", userID}, tt.args...)
		stdout, _, err := run(getenv, tt.stdin, args...)
		if err != nil {
			t.Errorf("keyward %v: %v", args, err)
			continue
		}
		calls := api.Calls()
		if got := strings.TrimSpace(calls[len(calls)-1].Body); got != tt.want {
			t.Errorf("keyward %v: body %s, want %s", args, got, tt.want)
		}
		if want := "Updated user " + userID + ".\n"; stdout != want {
			t.Errorf("keyward %v: stdout %q, want %q", args, stdout, want)
		}
	}
}

func TestTokenCreate(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/users/me":                       {200, `{"user":` + ada + `}`},
		"POST /v2/users/" + userID + "/api-keys": {201, newKey},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	stdout, _, err := run(getenv, "", "token", "create", "--user", "me", "--name", "ci", "--expires-in", "720h", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls()
	if len(calls) != 2 || calls[0].Path != "/v2/users/me" || calls[1].Method != http.MethodPost {
		t.Fatalf("requests = %+v, want GET me then POST", calls)
	}
	var body struct {
		Name      string    `json:"name"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := json.Unmarshal([]byte(calls[1].Body), &body); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(body.ExpiresAt) - 720*time.Hour; body.Name != "ci" || d > time.Minute || d < -time.Minute {
		t.Errorf("body = %s, want name ci and expires_at in 720h", calls[1].Body)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil || out["key"] != "kw_"+keyID+"_s3cret" {
		t.Errorf("stdout = %s (%v), want the api_key object with its key", stdout, err)
	}
}

func TestAuditList_Filters(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"GET /v2/audit-events": {200, `{"audit_events":[],"meta":{"total":0,"links":{"next":"","prev":""}}}`}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	stdout, _, err := run(getenv, "", "audit", "list", "--actor", userID, "--action", "iam.user.Create",
		"--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	if stdout != "[]\n" {
		t.Errorf("stdout = %q, want []", stdout)
	}
	want := "actor_id=" + userID + "&action=iam.user.Create&since=2026-11-01T00%3A00%3A00Z&until=2026-12-01T00%3A00%3A00Z"
	if q := api.Calls()[0].Query; q != want {
		t.Errorf("query = %q, want %q", q, want)
	}
}

// TestCommands_Endpoints runs every command once and checks the request it
// makes and that it prints something.
func TestCommands_Endpoints(t *testing.T) {
	const orgID = "0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a80"
	org := `{"id":"` + orgID + `","name":"Acme","type":"team","date_created":"2026-11-22T10:00:00Z"}`
	key := strings.Replace(newKey, `"key":"kw_`+keyID+`_s3cret",`, "", 1)
	event := `{"id":"0192f4a1-3c4d-7e5f-8a60-718293a4b5c6","time":"2026-11-22T10:05:00Z","actor_type":"user",` +
		`"actor_id":"` + userID + `","actor_key_id":"","action":"iam.user.Create","target_type":"user",` +
		`"target_id":"` + userID + `","before":null,"after":{"name":"Ada"},"request_id":"r1","source_ip":"203.0.113.7"}`
	meta := `"meta":{"total":1,"links":{"next":"","prev":""}}`
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/organizations":                             {200, `{"orgs":[` + org + `],` + meta + `}`},
		"GET /v2/organizations/" + orgID:                    {200, org},
		"POST /v2/organizations":                            {201, org},
		"PUT /v2/organizations/" + orgID:                    {200, org},
		"POST /v2/organizations/" + orgID + "/api-keys":     {201, newKey},
		"GET /v2/users":                                     {200, `{"users":[` + ada + `],` + meta + `}`},
		"GET /v2/users/" + userID:                           {200, `{"user":` + ada + `}`},
		"GET /v2/users/me":                                  {200, `{"user":` + ada + `}`},
		"POST /v2/users":                                    {201, `{"user":` + bob + `}`},
		"PATCH /v2/users/" + userID:                         {204, ""},
		"DELETE /v2/users/" + userID:                        {204, ""},
		"POST /v2/users/" + userID + "/api-keys":            {201, newKey},
		"GET /v2/users/" + userID + "/api-keys":             {200, `{"api_keys":[` + key[len(`{"api_key":`):len(key)-1] + `],` + meta + `}`},
		"GET /v2/users/" + userID + "/api-keys/" + keyID:    {200, key},
		"DELETE /v2/users/" + userID + "/api-keys/" + keyID: {204, ""},
		"GET /v2/audit-events":                              {200, `{"audit_events":[` + event + `],` + meta + `}`},
	})
	checkEndpoints(t, api, []endpointTest{
		{[]string{"org", "list"}, "GET /v2/organizations"},
		{[]string{"org", "get", orgID}, "GET /v2/organizations/" + orgID},
		{[]string{"org", "create", "--name", "Acme", "--type", "team"}, "POST /v2/organizations"},
		{[]string{"org", "update", orgID, "--name", "Acme"}, "PUT /v2/organizations/" + orgID},
		{[]string{"org", "key", orgID, "--name", "laptop"}, "POST /v2/organizations/" + orgID + "/api-keys"},
		{[]string{"user", "list"}, "GET /v2/users"},
		{[]string{"user", "get", userID}, "GET /v2/users/" + userID},
		{[]string{"user", "me"}, "GET /v2/users/me"},
		{[]string{"whoami"}, "GET /v2/users/me"},
		{[]string{"user", "create", "--service", "--name", "Bob"}, "POST /v2/users"},
		{[]string{"user", "update", userID, "--email", "ada@example.org"}, "PATCH /v2/users/" + userID},
		{[]string{"user", "delete", userID}, "DELETE /v2/users/" + userID},
		{[]string{"token", "create", "--user", userID}, "POST /v2/users/" + userID + "/api-keys"},
		{[]string{"token", "list", "--user", userID}, "GET /v2/users/" + userID + "/api-keys"},
		{[]string{"token", "get", "--user", userID, keyID}, "GET /v2/users/" + userID + "/api-keys/" + keyID},
		{[]string{"token", "revoke", "--user", userID, keyID}, "DELETE /v2/users/" + userID + "/api-keys/" + keyID},
		{[]string{"audit", "list"}, "GET /v2/audit-events"},
	})
}
