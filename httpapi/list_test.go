package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestListEnvelope checks the bytes of listings: the items (or object of
// lists) under the listing's key first, then meta, and [] for no items,
// as Vultr's client and scripts reading the raw JSON see them.
func TestListEnvelope(t *testing.T) {
	a := newAPI(t)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"ops"}`, http.StatusCreated, &g)
	uid, _ := a.createUser(`{"email":"ada@example.com"}`)
	noMeta := `,"meta":{"total":0,"links":{"next":"","prev":""}}}` + "\n"
	exact := []struct{ path, want string }{
		{"/v2/groups/" + g.ID + "/members", `{"members":[]` + noMeta},
		{"/v2/groups/" + g.ID + "/roles", `{"roles":{"all":[],"inherited":[],"direct":[]}` + noMeta},
		{"/v2/groups/" + g.ID + "/policies", `{"policies":{"direct":[],"from_roles":[],"all":[]}` + noMeta},
		{"/v2/users/" + uid + "/groups", `{"groups":[]` + noMeta},
		{"/v2/users/" + uid + "/roles", `{"roles":{"all":[],"direct":[],"inherited":[]}` + noMeta},
		{"/v2/users/" + uid + "/policies", `{"policies":{"all":[],"direct":[],"inherited":[]}` + noMeta},
	}
	for _, tt := range exact {
		if _, got := a.doWith("GET", tt.path, a.root, "", nil, http.StatusOK); string(got) != tt.want {
			t.Errorf("GET %s = %s, want %s", tt.path, got, tt.want)
		}
	}
	keyed := []struct{ path, key string }{
		{"/v2/groups", "groups"},
		{"/v2/users", "users"},
		{"/v2/roles", "roles"},
		{"/v2/policies", "policies"},
		{"/v2/users/" + uid + "/api-keys", "api_keys"},
		{"/v2/audit-events", "audit_events"},
		{"/v2/actions?per_page=2", "actions"},
		{"/v2/endpoint-action-maps?per_page=2", "endpoint_action_maps"},
		{"/v2/endpoint-action-maps/available-actions?per_page=2", "actions"},
	}
	for _, tt := range keyed {
		_, got := a.doWith("GET", tt.path, a.root, "", nil, http.StatusOK)
		re := regexp.MustCompile(`^\{"` + tt.key + `":\[.*\],"meta":\{"total":\d+,"links":\{"next":"[^"]*","prev":"[^"]*"\}\}\}\n$`)
		if !re.Match(got) {
			t.Errorf("GET %s = %s, want {%q: [...], \"meta\": {...}}", tt.path, got, tt.key)
		}
		if !json.Valid(got) {
			t.Errorf("GET %s: not JSON: %s", tt.path, got)
		}
	}
}

// TestListErrorOrder checks which of several wrong inputs of a listing is
// named: the path id, then the page, then the listing's own filters.
func TestListErrorOrder(t *testing.T) {
	a := newAPI(t)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"ops"}`, http.StatusCreated, &g)
	tests := []struct{ path, field string }{
		{"/v2/groups/nope/members?per_page=0", "group_id"},
		{"/v2/groups/" + g.ID + "/members?per_page=0", "per_page"},
		{"/v2/groups/nope/roles?per_page=0", "group_id"},
		{"/v2/users/nope/policies?per_page=0", "user_id"},
		{"/v2/roles/nope/users?cursor=" + strings.Repeat("x", 600), "role_id"},
		{"/v2/roles?per_page=0&deleted=maybe", "per_page"},
		{"/v2/roles?deleted=maybe", "deleted"},
		{"/v2/policies?per_page=0&deleted=maybe", "per_page"},
		{"/v2/audit-events?per_page=0&since=yesterday", "per_page"},
		{"/v2/audit-events?since=yesterday&until=tomorrow", "since"},
	}
	for _, tt := range tests {
		var e apiError
		a.do("GET", tt.path, a.root, "", http.StatusBadRequest, &e)
		if e.Field != tt.field {
			t.Errorf("GET %s names field %q, want %q", tt.path, e.Field, tt.field)
		}
	}
}
