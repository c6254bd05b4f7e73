package cli_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRoleCommands_Endpoints(t *testing.T) {
	r := "/v2/roles/" + roleID
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/roles":                         {200, `{"roles":[` + roleJSON + `],` + oneMeta + `}`},
		"POST /v2/roles":                        {201, roleJSON},
		"GET " + r:                              {200, `{"role":` + roleJSON + `}`},
		"PUT " + r:                              {200, roleJSON},
		"DELETE " + r:                           {204, ""},
		"PATCH " + r + "/restore":               {200, roleJSON},
		"GET " + r + "/policies":                {200, `{"policies":[` + policyJSON + `],` + oneMeta + `}`},
		"POST " + r + "/policies/" + policyID:   {201, rolePolicyJSON},
		"DELETE " + r + "/policies/" + policyID: {204, ""},
		"GET " + r + "/users":                   {200, `{"assignments":[` + roleUserJSON + `],` + oneMeta + `}`},
		"POST " + r + "/users/" + userID:        {201, roleUserJSON},
		"DELETE " + r + "/users/" + userID:      {204, ""},
		"GET " + r + "/groups":                  {200, `{"assignments":[` + roleGroupJSON + `],` + oneMeta + `}`},
		"POST " + r + "/groups/" + groupID:      {201, roleGroupJSON},
		"DELETE " + r + "/groups/" + groupID:    {204, ""},
	})
	checkEndpoints(t, api, []endpointTest{
		{[]string{"role", "list"}, "GET /v2/roles"},
		{[]string{"role", "create", "--name", "deployer"}, "POST /v2/roles"},
		{[]string{"role", "get", roleID}, "GET " + r},
		{[]string{"role", "update", roleID, "--description", "d"}, "PUT " + r},
		{[]string{"role", "delete", roleID}, "DELETE " + r},
		{[]string{"role", "restore", roleID}, "PATCH " + r + "/restore"},
		{[]string{"role", "policies", roleID}, "GET " + r + "/policies"},
		{[]string{"role", "attach-policy", roleID, policyID}, "POST " + r + "/policies/" + policyID},
		{[]string{"role", "detach-policy", roleID, policyID}, "DELETE " + r + "/policies/" + policyID},
		{[]string{"role", "users", roleID}, "GET " + r + "/users"},
		{[]string{"role", "attach-user", roleID, userID}, "POST " + r + "/users/" + userID},
		{[]string{"role", "detach-user", roleID, userID}, "DELETE " + r + "/users/" + userID},
		{[]string{"role", "groups", roleID}, "GET " + r + "/groups"},
		{[]string{"role", "attach-group", roleID, groupID}, "POST " + r + "/groups/" + groupID},
		{[]string{"role", "detach-group", roleID, groupID}, "DELETE " + r + "/groups/" + groupID},
	})
}

func TestRoleCreateAndUpdate_Bodies(t *testing.T) {
	r := "/v2/roles/" + roleID
	api := newFakeAPI(t, map[string]reply{
		"POST /v2/roles": {201, roleJSON},
		"GET " + r:       {200, `{"role":` + roleJSON + `}`},
		"PUT " + r:       {200, roleJSON},
	})
	checkRequests(t, api, []requestTest{
		{[]string{"role", "create", "--name", "break-glass", "--type", "assumable", "--max-session-duration", "2h"},
			[]string{`POST /v2/roles {"description":"","max_session_duration":7200,"name":"break-glass","role_type":"assumable"}`}},
		// Unset type and duration go as "" and 0: the server's defaults.
		{[]string{"role", "create", "--name", "deployer", "--description", "Deploys"},
			[]string{`POST /v2/roles {"description":"Deploys","max_session_duration":0,"name":"deployer","role_type":""}`}},
		// On update "" and 0 keep the current values; name and description
		// are replaced, so the ones not given are sent as read.
		{[]string{"role", "update", roleID, "--type", "assumable"},
			[]string{"GET " + r + " ",
				`PUT ` + r + ` {"description":"Deploys the web tier","max_session_duration":0,"name":"deployer","role_type":"assumable"}`}},
		{[]string{"role", "update", roleID, "--name", "ship-it", "--max-session-duration", "15m"},
			[]string{"GET " + r + " ",
				`PUT ` + r + ` {"description":"Deploys the web tier","max_session_duration":900,"name":"ship-it","role_type":""}`}},
	})
}

func TestRoleList_Filters(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"GET /v2/roles": {200, `{"roles":[` + roleJSON + `],` + oneMeta + `}`}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	stdout, _, err := run(getenv, "", "role", "list", "--type", "assumable", "--deleted")
	if err != nil {
		t.Fatal(err)
	}
	if q, want := api.Calls()[0].Query, "role_type=assumable&deleted=true"; q != want {
		t.Errorf("query = %q, want %q", q, want)
	}
	want := `ID                                    NAME      TYPE        MAX_SESSION  CREATED
0192f4a2-2b3c-7d4e-8f50-6a7b8c9d0e12  deployer  assignable  3600         2026-11-22T10:30:00Z
`
	if diff := cmp.Diff(want, stdout); diff != "" {
		t.Errorf("role list mismatch (-want +got):\n%s", diff)
	}
}

func TestRole_Output(t *testing.T) {
	r := "/v2/roles/" + roleID
	api := newFakeAPI(t, map[string]reply{
		"GET " + r:                            {200, `{"role":` + roleJSON + `}`},
		"POST " + r + "/policies/" + policyID: {201, rolePolicyJSON},
		"GET " + r + "/groups":                {200, `{"assignments":[` + roleGroupJSON + `],` + oneMeta + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"role", "get", roleID}, `id                    0192f4a2-2b3c-7d4e-8f50-6a7b8c9d0e12
name                  deployer
description           Deploys the web tier
role_type             assignable
max_session_duration  3600
policies              vm-operator
date_created          2026-11-22T10:30:00Z
date_deleted          -
`},
		{[]string{"role", "attach-policy", roleID, policyID}, `role_id        0192f4a2-2b3c-7d4e-8f50-6a7b8c9d0e12
role_type      assignable
policy_id      0192f4a2-4d5e-7f60-8b70-8293a4b5c6d7
policy_name    vm-operator
date_assigned  2026-11-22T11:10:00Z
assigned_by    0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81
`},
		{[]string{"role", "groups", roleID}, `GROUP_ID                              GROUP  ROLE      ASSIGNED
0192f4a2-1a2b-7c3d-8e4f-5a6b7c8d9e01  ops    deployer  2026-11-22T11:20:00Z
`},
		{[]string{"role", "get", roleID, "-o", "json"}, indent(t, roleJSON)},
		{[]string{"role", "attach-policy", roleID, policyID, "-o", "json"}, indent(t, rolePolicyJSON)},
	}
	for _, tt := range tests {
		checkPrints(t, getenv, tt.args, tt.want)
	}
}

func TestRoleCommands_BadArgs(t *testing.T) {
	getenv := env(map[string]string{"KEYWARD_TOKEN": "kw_x", "KEYWARD_URL": "http://127.0.0.1:1"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"role", "create", "--name", "r", "--max-session-duration", "1500ms"}, "invalid --max-session-duration 1.5s"},
		{[]string{"role", "create", "--name", "r", "--max-session-duration", "-1h"}, "invalid --max-session-duration"},
		{[]string{"role", "update", roleID}, "nothing to change"},
		{[]string{"role", "attach-policy", roleID, "vm-operator"}, `/v2/policies?per_page=500`}, // names are looked up
		{[]string{"role", "attach-group", "deployer", groupID}, `/v2/roles?per_page=500`},
		{[]string{"role", "restore"}, "accepts 1 arg(s), received 0"},
	}
	for _, tt := range tests {
		_, _, err := run(getenv, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error = %v, want it to contain %q", tt.args, err, tt.want)
		}
	}
}
