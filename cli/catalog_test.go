package cli_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/cli"
)

// Catalog objects as the API sends them.
const (
	actionCreate = `{"name":"compute.snapshot.Create","service":"compute","resource":"snapshot","operation":"Create",` +
		`"level":"write","description":"Create snapshot","source":"vultr","grid_group":"images_isos"}`
	actionList = `{"name":"compute.snapshot.List","service":"compute","resource":"snapshot","operation":"List",` +
		`"level":"read","description":"List all snapshots"}`
	mapID      = "5d0c7f5e-3b4a-5a4e-8f1b-2c3d4e5f6a7b"
	mapGetUser = `{"id":"` + mapID + `","endpoint_pattern":"/v2/users/{user_id}","http_method":"GET",` +
		`"required_action":"iam.user.Read","resource_type":"iam.user","resource_pattern":"{user_id}",` +
		`"description":"Read a user","date_created":"2026-03-20T00:00:00Z"}`
)

func TestCatalogList(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/actions":           {200, `{"actions":[` + actionCreate + `],"meta":{"total":2,"links":{"next":"c2","prev":""}}}`},
		"GET /v2/actions?cursor=c2": {200, `{"actions":[` + actionList + `],"meta":{"total":2,"links":{"next":"","prev":"c1"}}}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})

	t.Run("one page, filtered", func(t *testing.T) {
		checkFirstPage(t, api, getenv, []string{"catalog", "list", "--service", "compute", "--level", "write", "-q", "snap", "--per-page", "1"},
			`ACTION                   LEVEL  SOURCE  DESCRIPTION
compute.snapshot.Create  write  vultr   Create snapshot
`, "per_page=1&service=compute&level=write&q=snap")
	})

	t.Run("all as json", func(t *testing.T) {
		got := allAsJSON(t, getenv, "catalog", "list")
		if len(got) != 2 || got[0]["name"] != "compute.snapshot.Create" || got[1]["level"] != "read" {
			t.Errorf("got %v; want both actions as sent", got)
		}
	})
}

func TestCatalogList_badLevel(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/actions": {400, `{"error":"level must be one of read, write, delete or admin, not \"root\".","status":400,"code":"invalid","field":"level"}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	_, stderr, err := run(getenv, "", "catalog", "list", "--level", "root")
	var e *cli.APIError
	if !errors.As(err, &e) || e.Status != 400 || e.Field != "level" {
		t.Fatalf("error = %v, want a 400 naming level", err)
	}
	if want := "Error: level must be one of read, write, delete or admin, not \"root\". (status 400, code invalid, field level)\n"; stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

func TestCatalogEndpoints(t *testing.T) {
	api := newFakeAPI(t, map[string]reply{
		"GET /v2/endpoint-action-maps": {200, `{"endpoint_action_maps":[` + mapGetUser + `],` + oneMeta + `}`},
		"GET /v2/actions":              {200, `{"actions":[` + actionList + `],` + oneMeta + `}`},
	})
	getenv := env(map[string]string{"KEYWARD_URL": api.URL, "KEYWARD_TOKEN": "kw_x"})
	stdout, stderr, err := run(getenv, "", "catalog", "endpoints")
	if err != nil {
		t.Fatal(err)
	}
	want := `METHOD  PATH                 ACTION         RESOURCE   ID
GET     /v2/users/{user_id}  iam.user.Read  {user_id}  ` + mapID + `
`
	if diff := cmp.Diff(want, stdout); diff != "" || stderr != "" {
		t.Errorf("catalog endpoints mismatch (-want +got):\n%s\nstderr %q", diff, stderr)
	}
	checkEndpoints(t, api, []endpointTest{
		{[]string{"catalog", "endpoints", "--per-page", "10"}, "GET /v2/endpoint-action-maps"},
		{[]string{"actions", "list"}, "GET /v2/actions"},
	})
}
