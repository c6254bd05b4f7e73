package cli_test

import (
	"strings"
	"testing"
)

// TestLinkCommands_Done checks what each command that links or unlinks two
// objects says after a 204 answer: both IDs, each in its place in the
// sentence, which is not always the order of the arguments.
func TestLinkCommands_Done(t *testing.T) {
	p, r, g := "/v2/policies/"+policyID, "/v2/roles/"+roleID, "/v2/groups/"+groupID
	tests := []struct {
		args  []string
		route string
		want  string
	}{
		{[]string{"policy", "attach-user", policyID, userID}, "POST " + p + "/users/" + userID,
			"Attached policy " + policyID + " to user " + userID + "."},
		{[]string{"policy", "detach-user", policyID, userID}, "DELETE " + p + "/users/" + userID,
			"Detached policy " + policyID + " from user " + userID + "."},
		{[]string{"policy", "attach-group", policyID, groupID}, "POST " + p + "/groups/" + groupID,
			"Attached policy " + policyID + " to group " + groupID + "."},
		{[]string{"policy", "detach-group", policyID, groupID}, "DELETE " + p + "/groups/" + groupID,
			"Detached policy " + policyID + " from group " + groupID + "."},
		{[]string{"role", "detach-policy", roleID, policyID}, "DELETE " + r + "/policies/" + policyID,
			"Detached policy " + policyID + " from role " + roleID + "."},
		{[]string{"role", "detach-user", roleID, userID}, "DELETE " + r + "/users/" + userID,
			"Unassigned role " + roleID + " from user " + userID + "."},
		{[]string{"role", "detach-group", roleID, groupID}, "DELETE " + r + "/groups/" + groupID,
			"Unassigned role " + roleID + " from group " + groupID + "."},
		{[]string{"group", "add-member", groupID, userID}, "POST " + g + "/members",
			"Added user " + userID + " to group " + groupID + "."},
		{[]string{"group", "remove-member", groupID, userID}, "DELETE " + g + "/members/" + userID,
			"Removed user " + userID + " from group " + groupID + "."},
	}
	for _, tt := range tests {
		api := newFakeAPI(t, map[string]reply{tt.route: {204, ""}})
		getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
		stdout, _, err := run(getenv, "", tt.args...)
		if err != nil {
			t.Errorf("keyward %v: %v", tt.args, err)
			continue
		}
		if got := strings.TrimSuffix(stdout, "\n"); got != tt.want {
			t.Errorf("keyward %v printed %q, want %q", tt.args, got, tt.want)
		}
	}
}

// TestLinkCommands_Status checks that a link command holds the server to
// its status: 201 with the new link where it shows one, 204 elsewhere.
func TestLinkCommands_Status(t *testing.T) {
	r := "/v2/roles/" + roleID
	tests := []struct {
		args  []string
		route string
		reply reply
		want  string // in the error
	}{
		{[]string{"role", "attach-policy", roleID, policyID}, "POST " + r + "/policies/" + policyID, reply{204, ""}, "status 204"},
		{[]string{"role", "detach-policy", roleID, policyID}, "DELETE " + r + "/policies/" + policyID,
			reply{201, rolePolicyJSON}, "status 201"},
		{[]string{"policy", "attach-group", policyID, groupID}, "POST /v2/policies/" + policyID + "/groups/" + groupID,
			reply{404, `{"error":"Policy not found.","status":404,"code":"not_found"}`}, "Policy not found. (status 404, code not_found)"},
	}
	for _, tt := range tests {
		api := newFakeAPI(t, map[string]reply{tt.route: tt.reply})
		getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
		stdout, _, err := run(getenv, "", tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("keyward %v: error %v, want one with %q", tt.args, err, tt.want)
		}
		if stdout != "" {
			t.Errorf("keyward %v printed %q after a wrong answer, want nothing", tt.args, stdout)
		}
	}
}
