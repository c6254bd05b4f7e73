package cli_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Objects of the group, role and policy tests, as the API sends them.
const (
	groupID   = "0192f4a2-1a2b-7c3d-8e4f-5a6b7c8d9e01"
	roleID    = "0192f4a2-2b3c-7d4e-8f50-6a7b8c9d0e12"
	policyID  = "0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7"
	managedID = "6b1f4b1e-0d6a-5c2e-9a4b-3c2d1e0f9a8b"

	orgUserJSON = `{"id":"` + userID + `","name":"Ada Lovelace","email":"ada@example.com",` +
		`"date_created":"2026-11-22T10:05:00Z","date_suspended":"","assigned_date":"2026-11-22T11:00:00Z"}`
	groupJSON = `{"id":"` + groupID + `","display_name":"ops","description":"On-call operators",` +
		`"members":[` + orgUserJSON + `],"date_created":"2026-11-22T10:20:00Z"}`
	policyDoc  = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["compute.instance.Read"],"Resource":["*"]}]}`
	policyJSON = `{"id":"` + policyID + `","name":"vm-operator","description":"Read instances","policy_document":` + policyDoc +
		`,"version":"3","is_system_policy":false,"date_created":"2026-11-22T10:40:00Z"}`
	managedJSON = `{"id":"` + managedID + `","name":"ReadOnlyAccess","description":"Every read-level action on every resource.",` +
		`"policy_document":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["*"],"Resource":["*"]}]},` +
		`"version":"1","is_system_policy":true,"date_created":""}`
	roleJSON = `{"id":"` + roleID + `","name":"deployer","description":"Deploys the web tier","role_type":"assignable",` +
		`"max_session_duration":3600,"policies":[` + policyJSON + `],"date_created":"2026-11-22T10:30:00Z"}`
	groupRoleJSON = `{"id":"` + roleID + `","display_name":"deployer","description":"Deploys the web tier",` +
		`"role_type":"assignable","date_assigned":"2026-11-22T11:05:00Z"}`
	roleUserJSON = `{"user_id":"` + userID + `","role_id":"` + roleID + `","role_name":"deployer",` +
		`"role_description":"Deploys the web tier","role_type":"assignable","date_assigned":"2026-11-22T11:15:00Z"}`
	roleGroupJSON = `{"group_id":"` + groupID + `","group_name":"ops","role_id":"` + roleID + `","role_name":"deployer",` +
		`"role_description":"Deploys the web tier","role_type":"assignable","date_assigned":"2026-11-22T11:20:00Z"}`
	rolePolicyJSON = `{"policy_id":"` + policyID + `","policy_name":"vm-operator","role_id":"` + roleID + `",` +
		`"role_description":"Deploys the web tier","role_type":"assignable","date_assigned":"2026-11-22T11:10:00Z",` +
		`"assigned_by":"` + userID + `"}`
	oneMeta = `"meta":{"total":1,"links":{"next":"","prev":""}}`
)

// endpointTest is one command line and the last request it must make.
type endpointTest struct {
	args []string
	want string // "METHOD /path"
}

// checkEndpoints runs each command line in table and JSON output against
// api, and checks its last request and that it prints what it should: an
// object or list when the call returns one, and nothing in JSON when it
// returns no body.
func checkEndpoints(t *testing.T, api *fakeAPI, tests []endpointTest) {
	t.Helper()
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	for _, tt := range tests {
		for _, format := range []string{"table", "json"} {
			args := append([]string{"-o", format}, tt.args...)
			stdout, stderr, err := run(getenv, "", args...)
			if err != nil {
				t.Errorf("keyward %v: %v (stderr %q)", args, err, stderr)
				continue
			}
			calls := api.Calls()
			last := calls[len(calls)-1]
			if got := last.Method + " " + last.Path; got != tt.want {
				t.Errorf("keyward %v: last request %s, want %s", args, got, tt.want)
			}
			noBody := api.replies[tt.want].status == 204
			switch {
			case stdout == "" && (format == "table" || !noBody):
				t.Errorf("keyward %v: printed nothing", args)
			case format == "json" && noBody && stdout != "":
				t.Errorf("keyward %v: stdout %q, want none", args, stdout)
			case format == "json" && !noBody && !json.Valid([]byte(stdout)):
				t.Errorf("keyward %v: stdout is not JSON:\n%s", args, stdout)
			}
		}
	}
}

// requestTest is one command line and every request it must make.
type requestTest struct {
	args     []string
	wantReqs []string // "METHOD /path body", the body compacted with its keys sorted
}

// checkRequests runs each command line against api and checks every
// request it makes.
func checkRequests(t *testing.T, api *fakeAPI, tests []requestTest) {
	t.Helper()
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	for _, tt := range tests {
		before := len(api.Calls())
		if _, stderr, err := run(getenv, "", tt.args...); err != nil {
			t.Errorf("keyward %v: %v (stderr %q)", tt.args, err, stderr)
			continue
		}
		var got []string
		for _, c := range api.Calls()[before:] {
			got = append(got, c.Method+" "+c.Path+" "+compactJSON(t, c.Body))
		}
		if diff := cmp.Diff(tt.wantReqs, got); diff != "" {
			t.Errorf("keyward %v: requests mismatch (-want +got):\n%s", tt.args, diff)
		}
	}
}

// checkPrints runs a command line with getenv and checks that it succeeds
// and prints want. It returns what the command wrote on stderr, and false
// if the command failed.
func checkPrints(t *testing.T, getenv func(string) string, args []string, want string) (stderr string, ok bool) {
	t.Helper()
	stdout, stderr, err := run(getenv, "", args...)
	if err != nil {
		t.Errorf("keyward %v: %v", args, err)
		return stderr, false
	}
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("keyward %v mismatch (-want +got):\n%s", args, diff)
	}
	return stderr, true
}

func TestGroupCommands_Endpoints(t *testing.T) {
	g := "/v2/groups/" + groupID
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/groups":                     {200, `{"groups":[` + groupJSON + `],` + oneMeta + `}`},
		"POST /v2/groups":                    {201, groupJSON},
		"GET " + g:                           {200, `{"group":` + groupJSON + `}`},
		"PUT " + g:                           {200, groupJSON},
		"DELETE " + g:                        {204, ""},
		"PATCH " + g + "/restore":            {200, groupJSON},
		"GET " + g + "/members":              {200, `{"members":[` + orgUserJSON + `],` + oneMeta + `}`},
		"POST " + g + "/members":             {204, ""},
		"DELETE " + g + "/members/" + userID: {204, ""},
		"GET " + g + "/policies": {200, `{"policies":{"all":[` + policyJSON + `],"direct":[` + policyJSON + `],"from_roles":[]},` +
			oneMeta + `}`},
		"GET " + g + "/roles": {200, `{"roles":{"all":[` + groupRoleJSON + `],"direct":[` + groupRoleJSON + `],"inherited":[]},` +
			oneMeta + `}`},
	})
	checkEndpoints(t, api, []endpointTest{
		{[]string{"group", "list"}, "GET /v2/groups"},
		{[]string{"group", "create", "--name", "ops"}, "POST /v2/groups"},
		{[]string{"group", "get", groupID}, "GET " + g},
		{[]string{"group", "update", groupID, "--name", "operators"}, "PUT " + g},
		{[]string{"group", "delete", groupID}, "DELETE " + g},
		{[]string{"group", "restore", groupID}, "PATCH " + g + "/restore"},
		{[]string{"group", "members", groupID}, "GET " + g + "/members"},
		{[]string{"group", "add-member", groupID, userID}, "POST " + g + "/members"},
		{[]string{"group", "remove-member", groupID, userID}, "DELETE " + g + "/members/" + userID},
		{[]string{"group", "policies", groupID}, "GET " + g + "/policies"},
		{[]string{"group", "roles", groupID}, "GET " + g + "/roles"},
	})
}

func TestGroupList_Deleted(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"GET /v2/groups": {200, `{"groups":[` + groupJSON + `],` + oneMeta + `}`}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"group", "list"}, ""},
		{[]string{"group", "list", "--deleted"}, "deleted=true"},
	} {
		if _, _, err := run(getenv, "", tc.args...); err != nil {
			t.Fatal(err)
		}
		calls := api.Calls()
		if got := calls[len(calls)-1].Query; got != tc.want {
			t.Errorf("keyward %v: query = %q, want %q", tc.args, got, tc.want)
		}
	}
}

func TestGroupCreateAndUpdate_Bodies(t *testing.T) {
	g := "/v2/groups/" + groupID
	api := newFakeAPI(t, map[string]reply{
		"POST /v2/groups": {201, groupJSON},
		"GET " + g:        {200, `{"group":` + groupJSON + `}`},
		"PUT " + g:        {200, groupJSON},
	})
	checkRequests(t, api, []requestTest{
		{[]string{"group", "create", "--name", "ops", "--description", "On-call"},
			[]string{`POST /v2/groups {"description":"On-call","display_name":"ops"}`}},
		{[]string{"group", "create", "--name", "ops"},
			[]string{`POST /v2/groups {"description":"","display_name":"ops"}`}},
		// The API replaces both fields: the one not given keeps its value.
		{[]string{"group", "update", groupID, "--name", "operators"},
			[]string{"GET " + g + " ", `PUT ` + g + ` {"description":"On-call operators","display_name":"operators"}`}},
		{[]string{"group", "update", groupID, "--description", ""},
			[]string{"GET " + g + " ", `PUT ` + g + ` {"description":"","display_name":"ops"}`}},
	})
}

func TestGroupAddMember_Me(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/users/me":                        {200, `{"user":` + ada + `}`},
		"POST /v2/groups/" + groupID + "/members": {204, ""},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	stdout, _, err := run(getenv, "", "group", "add-member", groupID, "me")
	if err != nil {
		t.Fatal(err)
	}
	calls := api.Calls()
	if len(calls) != 2 || calls[0].Path != "/v2/users/me" {
		t.Fatalf("requests = %+v, want GET /v2/users/me then POST", calls)
	}
	if got, want := compactJSON(t, calls[1].Body), `{"user_id":"`+userID+`"}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
	if want := "Added user " + userID + " to group " + groupID + ".\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}

func TestGroup_Output(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/groups/" + groupID:              {200, `{"group":` + groupJSON + `}`},
		"GET /v2/groups/" + groupID + "/members": {200, `{"members":[` + orgUserJSON + `],` + oneMeta + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"group", "get", groupID}, `id            0192f4a2-1a2b-7c3d-8e4f-5a6b7c8d9e01
display_name  ops
description   On-call operators
members       1
date_created  2026-11-22T10:20:00Z
date_deleted  -
`},
		{[]string{"group", "members", groupID}, `ID                                    EMAIL            NAME          ADDED
0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81  ada@example.com  Ada Lovelace  2026-11-22T11:00:00Z
`},
		{[]string{"group", "get", groupID, "-o", "json"}, indent(t, groupJSON)},
		{[]string{"group", "members", groupID, "-o", "json"}, indent(t, "["+orgUserJSON+"]")},
	}
	for _, tt := range tests {
		checkPrints(t, getenv, tt.args, tt.want)
	}
}

func TestGroupCommands_BadArgs(t *testing.T) {
	getenv := env(map[string]string{"KEYWARD_TOKEN": "kw_x", "KEYWARD_URL": "http://127.0.0.1:1"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"group", "create"}, `required flag(s) "name" not set`},
		{[]string{"group", "get", "ops"}, `/v2/groups?per_page=500`}, // names are looked up
		{[]string{"group", "update", groupID}, "nothing to change"},
		{[]string{"group", "add-member", groupID}, "accepts 2 arg(s), received 1"},
		{[]string{"group", "restore"}, "accepts 1 arg(s), received 0"},
		{[]string{"group", "add-member", groupID, "ada"}, `/v2/users?per_page=500`},
		{[]string{"group", "remove-member", "x", userID}, `/v2/groups?per_page=500`},
	}
	for _, tt := range tests {
		_, _, err := run(getenv, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error = %v, want it to contain %q", tt.args, err, tt.want)
		}
	}
}

// compactJSON returns s compacted with its object keys sorted, or "" for
// an empty body.
func compactJSON(t *testing.T, s string) string {
	t.Helper()
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("request body %q is not JSON: %v", s, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// indent returns s indented as the -o json output is, keys in their order.
func indent(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "", "  "); err != nil {
		t.Fatalf("%q is not JSON: %v", s, err)
	}
	return b.String() + "\n"
}
