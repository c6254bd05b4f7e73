package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward/policy"
)

type catalogAction struct {
	Name        string `json:"name"`
	Service     string `json:"service"`
	Resource    string `json:"resource"`
	Operation   string `json:"operation"`
	Level       string `json:"level"`
	Description string `json:"description"`
}

type endpointActionMap struct {
	ID              string `json:"id"`
	EndpointPattern string `json:"endpoint_pattern"`
	HTTPMethod      string `json:"http_method"`
	RequiredAction  string `json:"required_action"`
	ResourceType    string `json:"resource_type"`
	ResourcePattern string `json:"resource_pattern"`
	Description     string `json:"description"`
	DateCreated     string `json:"date_created"`
}

type pageMeta struct {
	Total int `json:"total"`
	Links struct {
		Next string `json:"next"`
		Prev string `json:"prev"`
	} `json:"links"`
}

// listAll follows next links from the first page of path (which has a
// query string) and returns every item, checking each page's meta.
func listAll[T any](a *api, path, envelope string) []T {
	a.t.Helper()
	var all []T
	cursor, total := "", -1
	for range 1000 {
		p := path
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		var items []T
		var m pageMeta
		getPage(a, p, envelope, &items, &m)
		if total >= 0 && m.Total != total {
			a.t.Fatalf("%s: total changed from %d to %d", p, total, m.Total)
		}
		total = m.Total
		if cursor != "" && m.Links.Prev == "" {
			a.t.Errorf("%s: a page after the first has no prev link", p)
		}
		all = append(all, items...)
		if m.Links.Next == "" {
			if len(all) != total {
				a.t.Fatalf("%s: %d items in all pages, total %d", path, len(all), total)
			}
			return all
		}
		cursor = m.Links.Next
	}
	a.t.Fatalf("%s: more than 1000 pages", path)
	return nil
}

// getPage gets path and decodes its list, under envelope, and its meta.
func getPage[T any](a *api, path, envelope string, items *[]T, m *pageMeta) {
	a.t.Helper()
	var raw map[string]json.RawMessage
	a.do("GET", path, a.root, "", http.StatusOK, &raw)
	if err := json.Unmarshal(raw[envelope], items); err != nil || *items == nil {
		a.t.Fatalf("%s: %q is not an array of items: %v", path, envelope, err)
	}
	if err := json.Unmarshal(raw["meta"], m); err != nil {
		a.t.Fatalf("%s: meta: %v", path, err)
	}
}

func TestListActions(t *testing.T) {
	a := newAPI(t)
	cat := policy.DefaultCatalog()
	names := func(as []catalogAction) []string {
		var out []string
		for _, x := range as {
			out = append(out, x.Name)
		}
		return out
	}
	where := func(f func(policy.Action) bool) []string {
		var out []string
		for _, x := range cat.Actions() {
			if f(x) {
				out = append(out, x.Name)
			}
		}
		return out
	}

	all := listAll[catalogAction](a, "/v2/actions?per_page=37", "actions")
	if got, want := names(all), where(func(policy.Action) bool { return true }); !slices.Equal(got, want) {
		t.Fatalf("paging through /v2/actions gave %d actions, want the %d of the catalog in order", len(got), len(want))
	}
	for _, x := range all {
		want, _ := cat.Lookup(x.Name)
		if x.Service != want.Service || x.Resource != want.Resource || x.Operation != want.Operation || x.Level != string(want.Level) || x.Description != want.Description || x.Description == "" {
			t.Errorf("action %+v, catalog says %+v", x, want)
		}
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"service=compute", where(func(x policy.Action) bool { return x.Service == "compute" })},
		{"level=admin", where(func(x policy.Action) bool { return x.Level == policy.LevelAdmin })},
		{"q=SNAPSHOT", where(func(x policy.Action) bool {
			return strings.Contains(strings.ToLower(x.Name+"\x00"+x.Description), "snapshot")
		})},
		{"service=iam&level=read&q=role", where(func(x policy.Action) bool {
			return x.Service == "iam" && x.Level == policy.LevelRead && strings.Contains(strings.ToLower(x.Name+"\x00"+x.Description), "role")
		})},
		{"q=no-such-thing-anywhere", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := names(listAll[catalogAction](a, "/v2/actions?per_page=5&"+tt.query, "actions"))
			if !slices.Equal(got, tt.want) {
				t.Errorf("/v2/actions?%s = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
	if len(tests[0].want) == 0 || len(tests[2].want) == 0 || len(tests[3].want) == 0 {
		t.Fatal("the filter cases select nothing: the test proves little")
	}
}

// TestListActions_prev walks back from the last page by prev links.
func TestListActions_prev(t *testing.T) {
	a := newAPI(t)
	var forward, backward []catalogAction
	var m pageMeta
	var items []catalogAction
	getPage(a, "/v2/actions?per_page=100", "actions", &items, &m)
	forward = append(forward, items...)
	for m.Links.Next != "" {
		items = nil
		getPage(a, "/v2/actions?per_page=100&cursor="+url.QueryEscape(m.Links.Next), "actions", &items, &m)
		forward = append(forward, items...)
	}
	backward = items
	for m.Links.Prev != "" {
		items = nil
		getPage(a, "/v2/actions?per_page=100&cursor="+url.QueryEscape(m.Links.Prev), "actions", &items, &m)
		backward = append(items, backward...)
	}
	if len(forward) < 300 || !slices.Equal(forward, backward) {
		t.Errorf("forward %d actions, back again %d, or they differ", len(forward), len(backward))
	}
}

func TestEndpointActionMaps(t *testing.T) {
	a := newAPI(t)
	cat := policy.DefaultCatalog()
	maps := listAll[endpointActionMap](a, "/v2/endpoint-action-maps?per_page=7", "endpoint_action_maps")
	byRoute := map[string]endpointActionMap{}
	for _, m := range maps {
		route := m.HTTPMethod + " " + m.EndpointPattern
		if _, dup := byRoute[route]; dup {
			t.Errorf("%s: listed twice", route)
		}
		byRoute[route] = m
		act, ok := cat.Lookup(m.RequiredAction)
		if !ok {
			t.Errorf("%s: required_action %q is not in the catalog", route, m.RequiredAction)
			continue
		}
		wantID := uuid.NewSHA1(uuid.NameSpaceURL, []byte("keyward:endpoint-action-map:"+route)).String()
		if m.ID != wantID || m.ResourceType != act.Service+"."+act.Resource || m.Description != act.Description || m.DateCreated != "2026-03-20T00:00:00Z" {
			t.Errorf("%s: %+v; want id %s, resource_type and description from %+v", route, m, wantID, act)
		}
		var got struct {
			Map endpointActionMap `json:"endpoint_action_map"`
		}
		a.do("GET", "/v2/endpoint-action-maps/"+m.ID, a.root, "", http.StatusOK, &got)
		if got.Map != m {
			t.Errorf("GET %s = %+v, listed as %+v", m.ID, got.Map, m)
		}
	}
	wants := []endpointActionMap{
		{HTTPMethod: "GET", EndpointPattern: "/v2/users/{user_id}", RequiredAction: "iam.user.Read", ResourcePattern: "{user_id}"},
		{HTTPMethod: "POST", EndpointPattern: "/v2/users", RequiredAction: "iam.user.Create", ResourcePattern: "*"},
		{HTTPMethod: "DELETE", EndpointPattern: "/v2/users/{user_id}/api-keys/{key_id}", RequiredAction: "iam.apikey.Delete", ResourcePattern: "{user_id}"},
		{HTTPMethod: "GET", EndpointPattern: "/v2/endpoint-action-maps/{map_id}", RequiredAction: "iam.catalog.List", ResourcePattern: "{map_id}"},
		{HTTPMethod: "GET", EndpointPattern: "/v2/actions", RequiredAction: "iam.catalog.List", ResourcePattern: "*"},
		{HTTPMethod: "DELETE", EndpointPattern: "/v2/groups/{group_id}/members/{user_id}", RequiredAction: "iam.group.RemoveMember", ResourcePattern: "{group_id}"},
	}
	for _, w := range wants {
		m, ok := byRoute[w.HTTPMethod+" "+w.EndpointPattern]
		if !ok || m.RequiredAction != w.RequiredAction || m.ResourcePattern != w.ResourcePattern {
			t.Errorf("%s %s: got %+v, want action %s on %s", w.HTTPMethod, w.EndpointPattern, m, w.RequiredAction, w.ResourcePattern)
		}
	}
	for _, public := range []string{"GET /healthz", "GET /v2/openapi.yaml", "GET /metrics"} {
		if _, ok := byRoute[public]; ok {
			t.Errorf("%s needs no action but is listed", public)
		}
	}
	sorted := slices.IsSortedFunc(maps, func(x, y endpointActionMap) int {
		if c := strings.Compare(x.EndpointPattern, y.EndpointPattern); c != 0 {
			return c
		}
		return strings.Compare(x.HTTPMethod, y.HTTPMethod)
	})
	if !sorted {
		t.Error("maps are not sorted by path and method")
	}

	// A second server, as on another run, gives every map the same id.
	again := listAll[endpointActionMap](newAPI(t), "/v2/endpoint-action-maps?per_page=500", "endpoint_action_maps")
	if !slices.Equal(again, maps) {
		t.Error("a second server lists different maps")
	}
}

func TestAvailableActions(t *testing.T) {
	a := newAPI(t)
	type available struct {
		ResourceType string `json:"resource_type"`
		Action       string `json:"action"`
		Description  string `json:"description"`
	}
	got := listAll[available](a, "/v2/endpoint-action-maps/available-actions?view=kv&per_page=64", "actions")
	cat := policy.DefaultCatalog()
	if len(got) != cat.Len() {
		t.Fatalf("%d available actions, the catalog has %d", len(got), cat.Len())
	}
	for i, x := range cat.Actions() {
		if want := (available{x.Service + "." + x.Resource, x.Name, x.Description}); got[i] != want {
			t.Errorf("available action %d = %+v, want %+v", i, got[i], want)
		}
	}
}

// TestCatalog_badInput: every bad parameter is a 400 naming it, never a 5xx.
func TestCatalog_badInput(t *testing.T) {
	a := newAPI(t)
	var first struct {
		Meta pageMeta `json:"meta"`
	}
	a.do("GET", "/v2/actions?per_page=2", a.root, "", http.StatusOK, &first)
	tests := []struct {
		name, path string
		token      string
		wantStatus int
		wantField  string
	}{
		{"per_page zero", "/v2/actions?per_page=0", a.root, 400, "per_page"},
		{"per_page too big", "/v2/endpoint-action-maps?per_page=501", a.root, 400, "per_page"},
		{"per_page not a number", "/v2/endpoint-action-maps/available-actions?per_page=ten", a.root, 400, "per_page"},
		{"cursor not base64", "/v2/actions?cursor=%21%21", a.root, 400, "cursor"},
		{"cursor of nothing", "/v2/actions?cursor=bm90LWEtY3Vyc29y", a.root, 400, "cursor"},
		{"cursor of another listing", "/v2/endpoint-action-maps?cursor=" + url.QueryEscape(first.Meta.Links.Next), a.root, 400, "cursor"},
		{"cursor after the filter changed", "/v2/actions?service=iam&cursor=" + url.QueryEscape(first.Meta.Links.Next), a.root, 400, "cursor"},
		{"bad level", "/v2/actions?level=superuser", a.root, 400, "level"},
		{"level in capitals", "/v2/actions?level=Read", a.root, 400, "level"},
		{"unknown service", "/v2/actions?service=teleport", a.root, 400, "service"},
		{"query too long", "/v2/actions?q=" + strings.Repeat("x", 201), a.root, 400, "q"},
		{"bad map id", "/v2/endpoint-action-maps/nope", a.root, 400, "map_id"},
		{"unknown map id", "/v2/endpoint-action-maps/" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("nothing")).String(), a.root, 404, ""},
		{"no token", "/v2/actions", "", 401, ""},
		{"no token for the maps", "/v2/endpoint-action-maps", "", 401, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e apiError
			a.do("GET", tt.path, tt.token, "", tt.wantStatus, &e)
			if e.Field != tt.wantField || e.Status != tt.wantStatus || e.Error == "" {
				t.Errorf("GET %s: %+v; want status %d naming field %q", tt.path, e, tt.wantStatus, tt.wantField)
			}
		})
	}
	if first.Meta.Links.Next == "" {
		t.Fatal("the first page of two actions has no next link")
	}
}

// TestEndpointMapsSayTheAccess: the maps are built from the route table,
// which says per route whether the self layer grants its action.
func TestEndpointMapsSayTheAccess(t *testing.T) {
	a := newAPI(t)
	var maps struct {
		Maps []struct {
			Pattern string `json:"endpoint_pattern"`
			Method  string `json:"http_method"`
			Action  string `json:"required_action"`
			Access  string `json:"access"`
		} `json:"endpoint_action_maps"`
	}
	a.do("GET", "/v2/endpoint-action-maps?per_page=500", a.root, "", http.StatusOK, &maps)
	got := map[string]string{}
	for _, m := range maps.Maps {
		got[m.Method+" "+m.Pattern] = m.Access
	}
	for route, want := range map[string]string{
		"GET /v2/users/me": "self", "POST /v2/organizations": "self", "DELETE /v2/users/{user_id}": "action",
		"POST /v2/organizations/{organization_id}/api-keys": "action",
	} {
		if got[route] != want {
			t.Errorf("%s: access %q, want %q", route, got[route], want)
		}
	}
	if _, listed := got["POST /v2/auth/login"]; listed {
		t.Error("a public route is listed among the endpoints a policy decides")
	}
}
