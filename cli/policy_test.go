package cli_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/keyward-iam/keyward/cli"
)

func TestPolicyCommands_Endpoints(t *testing.T) {
	p := "/v2/policies/" + policyID
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/policies":                    {200, `{"policies":[` + managedJSON + `,` + policyJSON + `],` + oneMeta + `}`},
		"POST /v2/policies":                   {201, policyJSON},
		"GET " + p:                            {200, `{"policy":` + policyJSON + `}`},
		"PUT " + p:                            {200, policyJSON},
		"DELETE " + p:                         {204, ""},
		"PATCH " + p + "/restore":             {200, policyJSON},
		"GET " + p + "/users":                 {200, `{"users":[` + orgUserJSON + `],` + oneMeta + `}`},
		"GET " + p + "/groups":                {200, `{"groups":[` + groupJSON + `],` + oneMeta + `}`},
		"GET " + p + "/roles":                 {200, `{"roles":[` + roleJSON + `],` + oneMeta + `}`},
		"POST " + p + "/users/" + userID:      {204, ""},
		"DELETE " + p + "/users/" + userID:    {204, ""},
		"POST " + p + "/groups/" + groupID:    {204, ""},
		"DELETE " + p + "/groups/" + groupID:  {204, ""},
		"GET /v2/users/" + userID + "/groups": {200, `{"groups":[` + groupJSON + `],` + oneMeta + `}`},
		"GET /v2/users/" + userID + "/roles": {200, `{"roles":{"all":[` + roleJSON + `],"direct":[],"inherited":[` + roleJSON +
			`]},` + oneMeta + `}`},
		"GET /v2/users/" + userID + "/policies": {200, `{"policies":{"all":[` + policyJSON + `],"direct":[` + policyJSON +
			`],"inherited":[]},` + oneMeta + `}`},
		"GET /v2/users/me/groups": {200, `{"groups":[],` + oneMeta + `}`},
		"GET /v2/users/me/roles":  {200, `{"roles":{"all":[],"direct":[],"inherited":[]},` + oneMeta + `}`},
		"GET /v2/users/me/policies": {200, `{"policies":{"all":[` + policyJSON + `],"direct":[` + policyJSON +
			`],"inherited":[]},` + oneMeta + `}`},
	})
	checkEndpoints(t, api, []endpointTest{
		{[]string{"policy", "list"}, "GET /v2/policies"},
		{[]string{"policy", "create", "--name", "vm-operator", "--document", policyDoc}, "POST /v2/policies"},
		{[]string{"policy", "get", policyID}, "GET " + p},
		{[]string{"policy", "update", policyID, "--document", policyDoc}, "PUT " + p},
		{[]string{"policy", "delete", policyID}, "DELETE " + p},
		{[]string{"policy", "restore", policyID}, "PATCH " + p + "/restore"},
		{[]string{"policy", "users", policyID}, "GET " + p + "/users"},
		{[]string{"policy", "groups", policyID}, "GET " + p + "/groups"},
		{[]string{"policy", "roles", policyID}, "GET " + p + "/roles"},
		{[]string{"policy", "attach-user", policyID, userID}, "POST " + p + "/users/" + userID},
		{[]string{"policy", "detach-user", policyID, userID}, "DELETE " + p + "/users/" + userID},
		{[]string{"policy", "attach-group", policyID, groupID}, "POST " + p + "/groups/" + groupID},
		{[]string{"policy", "detach-group", policyID, groupID}, "DELETE " + p + "/groups/" + groupID},
		{[]string{"user", "groups", userID}, "GET /v2/users/" + userID + "/groups"},
		{[]string{"user", "roles", userID}, "GET /v2/users/" + userID + "/roles"},
		{[]string{"user", "policies", userID}, "GET /v2/users/" + userID + "/policies"},
		{[]string{"user", "groups", "me"}, "GET /v2/users/me/groups"},
		{[]string{"user", "roles", "me"}, "GET /v2/users/me/roles"},
		{[]string{"user", "policies", "me"}, "GET /v2/users/me/policies"},
	})
}

func TestPolicyCreate_Document(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"POST /v2/policies": {201, policyJSON}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	// As a user writes it: strings for Action and Resource, which the
	// server accepts; the command sends the document unchanged.
	doc := `{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": "compute.*", "Resource": "*"}]}`
	file := filepath.Join(t.TempDir(), "doc.json")
	if err := os.WriteFile(file, []byte(doc+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"file", []string{"--file", file}, ""},
		{"stdin", []string{"--file", "-"}, doc},
		{"inline", []string{"--document", doc}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(api.Calls())
			args := append([]string{"policy", "create", "--name", "compute", "--description", "All of compute"}, tt.args...)
			if _, stderr, err := run(getenv, tt.stdin, args...); err != nil {
				t.Fatalf("keyward %v: %v (stderr %q)", args, err, stderr)
			}
			calls := api.Calls()[before:]
			if len(calls) != 1 {
				t.Fatalf("made %d requests, want 1", len(calls))
			}
			want := `{"description":"All of compute","name":"compute","policy_document":` + compactJSON(t, doc) + `}`
			if got := compactJSON(t, calls[0].Body); got != want {
				t.Errorf("body = %s, want %s", got, want)
			}
		})
	}
}

func TestPolicyCreate_BadDocument(t *testing.T) {
	api := newFakeAPI(t, nil)
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"--document", `{"Version":`}, "", "the policy document in --document is not a JSON object"},
		{[]string{"--document", `["Allow"]`}, "", "not a JSON object"},
		{[]string{"--file", "-"}, "", "the policy document in standard input is not a JSON object"},
		{[]string{"--file", filepath.Join(t.TempDir(), "missing.json")}, "", "--file: open"},
		{nil, "", "no policy document: pass --file or --document"},
		{[]string{"--file", "-", "--document", "{}"}, "", "none of the others can be"},
	}
	for _, tt := range tests {
		args := append([]string{"policy", "create", "--name", "p"}, tt.args...)
		_, _, err := run(getenv, tt.stdin, args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error = %v, want it to contain %q", args, err, tt.want)
		}
	}
	if n := len(api.Calls()); n != 0 {
		t.Errorf("made %d requests, want none", n)
	}
}

// ifMatchAPI answers get and update of one policy at version, records the
// If-Match and body of each update, and answers 412 when If-Match names
// another version, as the server does.
type ifMatchAPI struct {
	version string
	mu      sync.Mutex
	updates []call // Auth holds If-Match
}

func (f *ifMatchAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	pol := strings.Replace(policyJSON, `"version":"3"`, `"version":"`+f.version+`"`, 1)
	switch r.Method {
	case http.MethodGet:
		io.WriteString(w, `{"policy":`+pol+`}`)
	case http.MethodPut:
		body, _ := io.ReadAll(r.Body)
		im := r.Header.Get("If-Match")
		f.mu.Lock()
		f.updates = append(f.updates, call{Method: r.Method, Path: r.URL.Path, Auth: im, Body: string(body)})
		f.mu.Unlock()
		if im != "*" && strings.Trim(im, `"`) != f.version {
			w.WriteHeader(http.StatusPreconditionFailed)
			io.WriteString(w, `{"error":"The policy has changed.","status":412,"code":"precondition_failed"}`)
			return
		}
		io.WriteString(w, pol)
	}
}

func TestPolicyUpdate_IfMatch(t *testing.T) {
	f := &ifMatchAPI{version: "3"}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	getenv := env(map[string]string{"KEYWARD_URL": srv.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args        []string
		wantIfMatch string
		wantBody    string
		wantStatus  int // 0: success
	}{
		// Without --if-match, the version just read: a safe read-modify-write.
		{[]string{"--name", "vm-admin"}, `"3"`,
			`{"description":"Read instances","name":"vm-admin"}`, 0},
		{[]string{"--document", policyDoc, "--if-match", "3"}, `"3"`,
			`{"description":"Read instances","name":"vm-operator","policy_document":` + policyDoc + `}`, 0},
		{[]string{"--description", "", "--if-match", `"3"`}, `"3"`,
			`{"description":"","name":"vm-operator"}`, 0},
		{[]string{"--name", "x", "--if-match", "*"}, `*`, `{"description":"Read instances","name":"x"}`, 0},
		{[]string{"--name", "x", "--if-match", "2"}, `"2"`, `{"description":"Read instances","name":"x"}`, 412},
	}
	for _, tt := range tests {
		args := append([]string{"policy", "update", policyID}, tt.args...)
		_, _, err := run(getenv, "", args...)
		var apiErr *cli.APIError
		switch {
		case tt.wantStatus == 0 && err != nil:
			t.Errorf("keyward %v: %v", args, err)
		case tt.wantStatus != 0 && (!errors.As(err, &apiErr) || apiErr.Status != tt.wantStatus):
			t.Errorf("keyward %v: error = %v, want an APIError with status %d", args, err, tt.wantStatus)
		}
		f.mu.Lock()
		last := f.updates[len(f.updates)-1]
		f.mu.Unlock()
		if last.Auth != tt.wantIfMatch || compactJSON(t, last.Body) != compactJSON(t, tt.wantBody) {
			t.Errorf("keyward %v: sent If-Match %s and %s; want %s and %s", args, last.Auth, last.Body, tt.wantIfMatch, tt.wantBody)
		}
	}
}

func TestPolicy_Output(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/policies":             {200, `{"policies":[` + managedJSON + `,` + policyJSON + `],` + oneMeta + `}`},
		"GET /v2/policies/" + policyID: {200, `{"policy":` + policyJSON + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args      []string
		want      string
		wantQuery string
	}{
		{[]string{"policy", "get", policyID}, `id               0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7
name             vm-operator
description      Read instances
kind             custom
version          3
date_created     2026-11-22T10:40:00Z
date_deleted     -
policy_document  ` + policyDoc + `
`, ""},
		{[]string{"policy", "list", "--kind", "custom", "--deleted"}, `ID                                    NAME            KIND     VERSION  CREATED
6b1f4b1e-0d6a-5c2e-9a4b-3c2d1e0f9a8b  ReadOnlyAccess  managed  1        -
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator     custom   3        2026-11-22T10:40:00Z
`, "kind=custom&deleted=true"},
		{[]string{"policy", "get", policyID, "-o", "json"}, indent(t, policyJSON), ""},
	}
	for _, tt := range tests {
		if _, ok := checkPrints(t, getenv, tt.args, tt.want); !ok {
			continue
		}
		calls := api.Calls()
		if q := calls[len(calls)-1].Query; q != tt.wantQuery {
			t.Errorf("keyward %v: query %q, want %q", tt.args, q, tt.wantQuery)
		}
	}
}

// TestViews_Output checks the grouped views (an object of lists rather
// than a list): the VIA column, the JSON object, and the merge of pages.
func TestViews_Output(t *testing.T) {
	inherited := strings.Replace(policyJSON, `"date_created"`, `"source":"group:ops → role:deployer","date_created"`, 1)
	fromRole := strings.Replace(managedJSON, `"date_created"`, `"from_role":"`+roleID+`","date_created"`, 1)
	page2 := `"meta":{"total":2,"links":{"next":"","prev":"c1"}}`
	// As the server sends them: every entry names its source, and a policy
	// that comes two ways is in "all" once and in the other lists twice.
	viaGroup := strings.Replace(policyJSON, `"date_created"`, `"source":"group:ops","date_created"`, 1)
	viaRole := strings.Replace(inherited, `"source"`, `"from_role":"`+roleID+`","source"`, 1)
	direct := strings.Replace(policyJSON, `"date_created"`, `"source":"direct","date_created"`, 1)
	fromRoleNamed := strings.Replace(policyJSON, `"date_created"`, `"from_role":"`+roleID+`","source":"role:deployer","date_created"`, 1)
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/users/me/policies": {200, `{"policies":{"all":[` + inherited + `],"direct":[],"inherited":[` + inherited + `]},` +
			`"meta":{"total":2,"links":{"next":"c2","prev":""}}}`},
		"GET /v2/users/me/policies?cursor=c2": {200, `{"policies":{"all":[` + managedJSON + `],"direct":[` + managedJSON +
			`],"inherited":[]},` + page2 + `}`},
		"GET /v2/users/" + userID + "/roles": {200, `{"roles":{"all":[` + roleJSON + `],"direct":[` + roleJSON + `],"inherited":[` +
			roleJSON + `]},` + oneMeta + `}`},
		"GET /v2/groups/" + groupID + "/policies": {200, `{"policies":{"all":[` + policyJSON + `,` + fromRole + `],"direct":[` +
			policyJSON + `],"from_roles":[` + fromRole + `]},` + oneMeta + `}`},
		"GET /v2/users/" + userID + "/policies": {200, `{"policies":{"all":[` + viaGroup + `],"direct":[],"inherited":[` +
			viaGroup + `,` + viaRole + `]},` + oneMeta + `}`},
		"GET /v2/groups/" + groupID + "/policies?cursor=named": {200, `{"policies":{"all":[` + direct + `],"direct":[` + direct +
			`],"from_roles":[` + fromRoleNamed + `]},` + oneMeta + `}`},
		"GET /v2/groups/" + groupID + "/roles": {200, `{"roles":{"all":[` + groupRoleJSON + `],"direct":[` + groupRoleJSON +
			`],"inherited":[]},` + oneMeta + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args       []string
		want       string
		wantStderr string
	}{
		{[]string{"user", "policies", "me"}, `ID                                    NAME         KIND    VIA
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator  custom  group:ops → role:deployer
`, "More results: pass --cursor c2, or --all.\n"},
		{[]string{"user", "policies", "me", "--all"}, `ID                                    NAME            KIND     VIA
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator     custom   group:ops → role:deployer
6b1f4b1e-0d6a-5c2e-9a4b-3c2d1e0f9a8b  ReadOnlyAccess  managed  direct
`, ""},
		{[]string{"user", "policies", "me", "--all", "-o", "json"}, indent(t, `{"all":[`+inherited+`,`+managedJSON+`],"direct":[`+
			managedJSON+`],"inherited":[`+inherited+`]}`), ""},
		{[]string{"user", "roles", userID}, `ID                                    NAME      TYPE        VIA
0192f4a2-2b3c-7d4e-8f50-6a7b8c9d0e12  deployer  assignable  direct, inherited
`, ""},
		{[]string{"group", "policies", groupID}, `ID                                    NAME            KIND     VIA
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator     custom   direct
6b1f4b1e-0d6a-5c2e-9a4b-3c2d1e0f9a8b  ReadOnlyAccess  managed  role:` + roleID + `
`, ""},
		{[]string{"user", "policies", userID}, `ID                                    NAME         KIND    VIA
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator  custom  group:ops, group:ops → role:deployer
`, ""},
		{[]string{"group", "policies", groupID, "--cursor", "named"}, `ID                                    NAME         KIND    VIA
0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7  vm-operator  custom  direct, role:deployer
`, ""},
		{[]string{"group", "roles", groupID, "-o", "json"}, indent(t, `{"all":[`+groupRoleJSON+`],"direct":[`+groupRoleJSON+
			`],"inherited":[]}`), ""},
	}
	for _, tt := range tests {
		stderr, ok := checkPrints(t, getenv, tt.args, tt.want)
		if !ok {
			continue
		}
		if stderr != tt.wantStderr {
			t.Errorf("keyward %v: stderr %q, want %q", tt.args, stderr, tt.wantStderr)
		}
	}
	// The JSON of a view is an object, as the API sends it.
	stdout, _, err := run(getenv, "", "user", "roles", userID, "-o", "json")
	var obj map[string][]json.RawMessage
	if err != nil || json.Unmarshal([]byte(stdout), &obj) != nil || len(obj["all"]) != 1 || len(obj["inherited"]) != 1 {
		t.Errorf("user roles -o json = %s (%v), want an object with one role in all and in inherited", stdout, err)
	}
}
