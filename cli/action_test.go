package cli_test

import (
	"strings"
	"testing"
)

// TestActionCommands checks the commands that do one thing to one object
// and answer 204: the request each sends and what it says after.
func TestActionCommands(t *testing.T) {
	const id = "0192f4a3-0a1b-7c2d-8e3f-4a5b6c7d8e9f"
	tests := []struct {
		args  []string
		route string
		query string
		want  string
	}{
		{[]string{"org", "delete", id}, "DELETE /v2/organizations/" + id, "", "Deleted organization " + id + "."},
		{[]string{"org", "restore", id}, "PATCH /v2/organizations/" + id + "/restore", "", "Restored organization " + id + "."},
		{[]string{"project", "delete", id}, "DELETE /v2/projects/" + id, "force=false", "Deleted project " + id + "."},
		{[]string{"project", "delete", id, "--force"}, "DELETE /v2/projects/" + id, "force=true", "Deleted project " + id + "."},
		{[]string{"resource", "delete", id}, "DELETE /v2/resources/" + id, "", "Removed resource " + id + "."},
		{[]string{"trust", "delete", id}, "DELETE /v2/role-trusts/" + id, "", "Deleted role trust " + id + "."},
		{[]string{"invite", "revoke", id}, "DELETE /v2/invitation/" + id, "", "Revoked invitation " + id + "."},
		{[]string{"user", "unlock", id}, "DELETE /v2/users/" + id + "/lockout", "", "Unlocked user " + id + "."},
		{[]string{"password", "invalidate", id}, "DELETE /v2/users/" + id + "/password", "", "Invalidated the password of user " + id + "."},
	}
	for _, tt := range tests {
		api := newFakeAPI(t, map[string]reply{tt.route: {204, ""}})
		getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
		stdout, stderr, err := run(getenv, "", tt.args...)
		if err != nil {
			t.Errorf("keyward %v: %v (stderr %q)", tt.args, err, stderr)
			continue
		}
		calls := api.Calls()
		if len(calls) != 1 {
			t.Errorf("keyward %v made %d requests, want 1", tt.args, len(calls))
			continue
		}
		if got := calls[0].Method + " " + calls[0].Path; got != tt.route || calls[0].Query != tt.query {
			t.Errorf("keyward %v sent %s?%s, want %s?%s", tt.args, got, calls[0].Query, tt.route, tt.query)
		}
		if got := strings.TrimRight(stdout, "\n"); got != tt.want {
			t.Errorf("keyward %v printed %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestActionCommands_Errors checks that an action command refuses an
// argument that is not an ID before any request (or, for a kind that has
// names, looks it up), and holds the server to 204.
func TestActionCommands_Errors(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{"DELETE /v2/roles/" + roleID: {200, `{}`}})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	tests := []struct {
		args []string
		want string // in the error
	}{
		{[]string{"role", "delete", "nope"}, "GET /v2/roles"}, // a name: looked up in the list (the fake has none)
		{[]string{"org", "delete", "nope"}, `invalid organization ID "nope"`},
		{[]string{"role", "delete", roleID}, "200"},
	}
	for _, tt := range tests {
		_, _, err := run(getenv, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error %v, want one with %q", tt.args, err, tt.want)
		}
	}
	if n := len(api.Calls()); n != 2 {
		t.Errorf("the commands made %d requests, want 2 (the name's lookup, the last)", n)
	}
}
