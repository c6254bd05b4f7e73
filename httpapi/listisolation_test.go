package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
)

// TestListsShowNothingOfAnother reads every list and view a member of
// organization B can call (every authenticated GET route, with B's own
// objects in its path, and who-can), as B's administrator and as B's root
// owner (an account that owns A too), and requires that no answer holds
// an id or an email of A's objects, live or deleted, and that a list's
// meta.total counts what it lists: a count that took in another
// organization's objects would tell how many it has.
func TestListsShowNothingOfAnother(t *testing.T) {
	a := newAPI(t)
	live, _ := a.makeObjects(t)
	gone := a.deletedObjects(t)
	b := a.stranger(t)
	// The root owner's account is a member of both: its own ids are in
	// both, by design.
	shared := map[string]bool{a.rootID(): true}
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", b.root, "", http.StatusOK, &me)
	shared[me.User.ID] = true
	var foreign []string
	for _, objs := range []objects{live, gone} {
		for k, v := range objs {
			if k != "action_name" && k != "role" && k != "map_id" && !shared[v] {
				foreign = append(foreign, v)
			}
		}
	}
	foreign = append(foreign, "bob@example.com", "ivy@example.com", "bobgone@example.com", "ivygone@example.com")

	type call struct{ method, path, body string }
	var calls []call
	for _, rt := range httpapi.Routes() {
		method, path, _ := strings.Cut(rt.Pattern, " ")
		if method != "GET" || rt.Access == httpapi.AccessPublic || strings.HasPrefix(path, "/v2/fleet/") || strings.HasPrefix(path, "/scim/") {
			continue
		}
		if path == "/v2/oidc/authorize" {
			continue // an application's sign-in, not a read (TestBodyIDsRevealNothing)
		}
		calls = append(calls, call{method, b.objs.path(t, path) + queries[rt.Pattern], ""})
	}
	calls = append(calls,
		call{"POST", "/v2/who-can", `{"action":"compute.instance.List"}`},
		call{"POST", "/v2/who-can", `{"action":"iam.user.Read"}`},
		call{"GET", "/v2/audit-events?refusals=true", ""},
		call{"GET", "/v2/groups?deleted=true", ""},
		call{"GET", "/v2/roles?deleted=true", ""},
		call{"GET", "/v2/policies?deleted=true", ""},
		call{"GET", "/v2/role-trusts?deleted=true", ""},
		call{"GET", "/v2/organizations?deleted=true", ""},
	)
	for _, caller := range []struct{ name, token string }{{"admin", b.admin}, {"root owner", b.root}} {
		for _, c := range calls {
			if caller.token == b.root && (c.path == "/v2/organizations" || c.path == "/v2/organizations?deleted=true") {
				continue // the account's organizations, A among them, by design
			}
			t.Run(caller.name+"/"+c.method+" "+c.path, func(t *testing.T) {
				a := a.in(t)
				res, body := a.doWith(c.method, c.path, caller.token, c.body, nil, 0)
				if res.StatusCode >= 300 {
					return // refused: nothing listed
				}
				for _, id := range foreign {
					if strings.Contains(string(body), id) {
						t.Errorf("%s holds %s, of organization A: %s", c.path, id, body)
					}
				}
				checkTotal(t, body)
			})
		}
	}
}

// checkTotal fails t when body is a list whose meta.total is not the
// number of its items, all on one page.
func checkTotal(t *testing.T, body []byte) {
	t.Helper()
	var page map[string]json.RawMessage
	if json.Unmarshal(body, &page) != nil || page["meta"] == nil {
		return
	}
	var meta metaOut
	if err := json.Unmarshal(page["meta"], &meta); err != nil {
		t.Fatalf("meta %s: %v", page["meta"], err)
	}
	if meta.Links.Next != "" || meta.Links.Prev != "" {
		return
	}
	for k, v := range page {
		var items []json.RawMessage
		if k == "meta" || json.Unmarshal(v, &items) != nil {
			continue
		}
		if len(items) != meta.Total {
			t.Errorf("%s: %d items, meta.total %d", k, len(items), meta.Total)
		}
	}
}

// TestSearchesRevealNothing searches B for what A holds (a member's or an
// invitee's email) and requires the answer to a search for something that
// never was.
func TestSearchesRevealNothing(t *testing.T) {
	a := newAPI(t)
	a.makeObjects(t)
	a.deletedObjects(t)
	b := a.stranger(t)
	for _, s := range []struct{ caller, token, path string }{
		{"admin", b.admin, "/v2/users?email="},
		{"admin", b.admin, "/v2/invitation?email="},
		{"root owner", b.root, "/v2/mail?to="},
		{"no policy", b.plain, "/v2/users?email="},
	} {
		t.Run(s.caller+"/"+s.path, func(t *testing.T) {
			a := a.in(t)
			var want answer
			for n, email := range []string{"nobody@example.com", "bobgone@example.com", "ivygone@example.com", "bob@example.com", "ivy@example.com"} {
				got := a.ask("GET", s.path+url.QueryEscape(email), s.token, "", map[string]string{email: "{email}"})
				if n == 0 {
					want = got
					continue
				}
				if got != want {
					t.Errorf("%s: %+v\nnever existed: %+v", email, got, want)
				}
			}
		})
	}
}
