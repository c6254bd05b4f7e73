package cli_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestListInCommand checks a list of what belongs to one object through
// "role groups": --all follows the cursor with the object's ID on every
// page, a bad ID fails before any request, and a page left over is noted.
func TestListInCommand(t *testing.T) {
	path := "/v2/roles/" + roleID + "/groups"
	next := `"meta":{"total":2,"links":{"next":"c2","prev":""}}`
	api := newFakeAPI(t, map[string]reply{
		"GET " + path:                {200, `{"assignments":[` + roleGroupJSON + `],` + next + `}`},
		"GET " + path + "?cursor=c2": {200, `{"assignments":[` + roleGroupJSON + `],` + oneMeta + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	stdout, stderr, err := run(getenv, "", "role", "groups", roleID, "--all", "-o", "json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range api.Calls() {
		got = append(got, c.Method+" "+c.Path+"?"+c.Query)
	}
	want := []string{"GET " + path + "?per_page=500", "GET " + path + "?per_page=500&cursor=c2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests mismatch (-want +got):\n%s", diff)
	}
	if n := strings.Count(stdout, `"group_id"`); n != 2 || stderr != "" {
		t.Errorf("printed %d assignments and stderr %q, want 2 and nothing:\n%s", n, stderr, stdout)
	}

	stdout, stderr, err = run(getenv, "", "role", "groups", roleID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "More results: pass --cursor c2, or --all.\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
	if !strings.HasPrefix(stdout, "GROUP_ID") || strings.Count(stdout, groupID) != 1 {
		t.Errorf("table = %q, want a header and one row", stdout)
	}

	before := len(api.Calls())
	if _, _, err := run(getenv, "", "role", "groups", "deployer"); err == nil || !strings.Contains(err.Error(), "GET /v2/roles") {
		t.Errorf("role groups deployer: error %v, want the name looked up in the role list", err)
	}
	if n := len(api.Calls()) - before; n != 1 {
		t.Errorf("a name made %d requests, want 1 (the lookup)", n)
	}
}
