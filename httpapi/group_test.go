package httpapi_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/console"
	fed "github.com/keyward-iam/keyward/federation"
	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// newAPIWith is newAPI over a service with the given options.
func newAPIWith(t *testing.T, opts service.Options) *api {
	t.Helper()
	return newAPIOn(t, opts, nil)
}

// newAPIOn is newAPIWith serving on l (nil: a listener of its own), for a
// test that must know the server's address before the service is made;
// configure, if any, changes the server's configuration.
func newAPIOn(t *testing.T, opts service.Options, l net.Listener, configure ...func(*httpapi.Config)) *api {
	t.Helper()
	store := keywardtest.OpenStore(t)
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if opts.WebIdentity == nil {
		opts.WebIdentity = webIdentity(opts.Now)
	}
	return serveAPI(t, service.New(store, opts), opts.Logger, l, configure...)
}

// webIdentity is the web identity verifier cmd/keyward wires, on the
// clock now (nil: time.Now), reaching issuers on this machine as the
// tests' in-process issuers are.
func webIdentity(now func() time.Time) service.WebIdentityVerifier {
	return fed.New(fed.Options{Now: now, HTTPClient: fed.PublicClient(true)})
}

// serveAPI bootstraps svc and serves it, on ln if not nil, as the api of
// the bootstrap organization's root owner, every response held to
// api/openapi.yaml; configure, if any, changes the server's configuration.
func serveAPI(t *testing.T, svc *service.Service, logger *slog.Logger, ln net.Listener, configure ...func(*httpapi.Config)) *api {
	t.Helper()
	token, created, err := svc.Bootstrap(context.Background(), service.BootstrapInput{})
	if err != nil || !created {
		t.Fatalf("Bootstrap = %v, %v", created, err)
	}
	// As keyward server serves it: the console's pages, the API for every
	// other path.
	cfg := httpapi.Config{Service: svc, Logger: logger, Spec: []byte("openapi: 3.0.3\n"),
		Pages: console.New(console.Config{Service: svc, Logger: logger})}
	for _, f := range configure {
		f(&cfg)
	}
	h := httpapi.NewServer(cfg)
	srv := httptest.NewUnstartedServer(keywardtest.Contract(t, h))
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	a := &api{t: t, srv: srv, root: token, svc: svc}
	var orgs struct {
		Orgs []struct{ ID string } `json:"orgs"`
	}
	a.do("GET", "/v2/organizations", token, "", http.StatusOK, &orgs)
	a.orgID = orgs.Orgs[0].ID
	return a
}

// doWith is do with extra request headers; it returns the response and
// its body.
func (a *api) doWith(method, path, token, body string, header map[string]string, want int) (*http.Response, []byte) {
	a.t.Helper()
	h := map[string]string{"Authorization": "Bearer " + token}
	maps.Copy(h, header)
	return a.send(method, path, body, h, want)
}

// otherOrg creates a second organization owned by the root owner's account
// and returns it with a root key for it.
func (a *api) otherOrg(name string) (id, token string) {
	a.t.Helper()
	var org struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"`+name+`"}`, http.StatusCreated, &org)
	var key struct {
		APIKey struct{ Key string } `json:"api_key"`
	}
	a.do("POST", "/v2/organizations/"+org.ID+"/api-keys", a.root, "", http.StatusCreated, &key)
	return org.ID, key.APIKey.Key
}

// createUserWith creates a user with token's credentials.
func (a *api) createUserWith(token, body string) (id, key string) {
	a.t.Helper()
	var out struct {
		User struct {
			ID     string `json:"id"`
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	a.do("POST", "/v2/users", token, body, http.StatusCreated, &out)
	return out.User.ID, out.User.APIKey
}

type groupOut struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Description string `json:"description"`
	Members     []struct {
		ID           string `json:"id"`
		Email        string `json:"email"`
		ServiceUser  bool   `json:"service_user"`
		AssignedDate string `json:"assigned_date"`
	} `json:"members"`
	MemberCount int    `json:"member_count"`
	DateCreated string `json:"date_created"`
}

type metaOut struct {
	Total int `json:"total"`
	Links struct {
		Next string `json:"next"`
		Prev string `json:"prev"`
	} `json:"links"`
}

func (a *api) postGroup(token, name string) string {
	a.t.Helper()
	var g groupOut
	a.do("POST", "/v2/groups", token, `{"display_name":"`+name+`","description":""}`, http.StatusCreated, &g)
	return g.ID
}

func groupIDs(gs []groupOut) []string {
	var ids []string
	for _, g := range gs {
		ids = append(ids, g.ID)
	}
	return ids
}

func TestGroups(t *testing.T) {
	a := newAPI(t)
	uid, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	bot, _ := a.createUser(`{"name":"ci-bot","service_user":true}`)
	_, otherKey := a.otherOrg("other")
	var stranger struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("POST", "/v2/users", otherKey, `{"email":"eve@example.com"}`, http.StatusCreated, &stranger)

	var g groupOut
	a.do("POST", "/v2/groups", a.root, `{"display_name":"  ops  ","description":"on call"}`, http.StatusCreated, &g)
	if g.ID == "" || g.DisplayName != "ops" || g.Description != "on call" || g.Members == nil || g.DateCreated == "" {
		t.Fatalf("create = %+v, want a bare group named ops with an empty members array", g)
	}
	var e apiError
	a.do("POST", "/v2/groups", a.root, `{"display_name":"OPS","description":""}`, http.StatusConflict, &e)
	if e.Field != "display_name" {
		t.Errorf("duplicate name: %+v, want a conflict on display_name", e)
	}
	g2 := a.postGroup(a.root, "dev")

	var got struct {
		Group groupOut `json:"group"`
	}
	a.do("GET", "/v2/groups/"+g.ID, a.root, "", http.StatusOK, &got)
	if got.Group.ID != g.ID || got.Group.DisplayName != "ops" {
		t.Errorf("get = %+v, want the group wrapped in \"group\"", got)
	}
	var list struct {
		Groups []groupOut `json:"groups"`
		Meta   metaOut    `json:"meta"`
	}
	a.do("GET", "/v2/groups?per_page=1", a.root, "", http.StatusOK, &list)
	if len(list.Groups) != 1 || list.Groups[0].ID != g.ID || list.Meta.Total != 2 || list.Meta.Links.Next == "" {
		t.Fatalf("list page 1 = %+v", list)
	}
	a.do("GET", "/v2/groups?per_page=1&cursor="+list.Meta.Links.Next, a.root, "", http.StatusOK, &list)
	if len(list.Groups) != 1 || list.Groups[0].ID != g2 || list.Meta.Links.Next != "" {
		t.Fatalf("list page 2 = %+v", list)
	}

	var upd groupOut
	a.do("PUT", "/v2/groups/"+g.ID, a.root, `{"display_name":"ops-b","description":""}`, http.StatusOK, &upd)
	if upd.ID != g.ID || upd.DisplayName != "ops-b" || upd.Description != "" {
		t.Errorf("update = %+v, want name ops-b and the description wiped", upd)
	}
	a.do("PUT", "/v2/groups/"+g.ID, a.root, `{"display_name":"dev","description":""}`, http.StatusConflict, &e)

	// Members: users and service users of the organization, once each.
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+uid+`","display_name":""}`, http.StatusNoContent, nil)
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+bot+`"}`, http.StatusNoContent, nil)
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+uid+`"}`, http.StatusConflict, &e)
	if e.Field != "user_id" {
		t.Errorf("member twice: %+v, want a conflict on user_id", e)
	}
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+stranger.User.ID+`"}`, http.StatusNotFound, nil)
	a.do("GET", "/v2/groups/"+g.ID, a.root, "", http.StatusOK, &got)
	if len(got.Group.Members) != 2 || got.Group.Members[0].ID != uid || got.Group.Members[1].ID != bot ||
		!got.Group.Members[1].ServiceUser || got.Group.MemberCount != 2 || got.Group.Members[0].AssignedDate == "" {
		t.Errorf("members = %+v, want bob then the bot", got.Group)
	}
	var members struct {
		Members []struct{ ID string } `json:"members"`
		Meta    metaOut               `json:"meta"`
	}
	a.do("GET", "/v2/groups/"+g.ID+"/members?per_page=1", a.root, "", http.StatusOK, &members)
	if len(members.Members) != 1 || members.Members[0].ID != uid || members.Meta.Total != 2 || members.Meta.Links.Next == "" {
		t.Errorf("list members = %+v", members)
	}
	a.do("GET", "/v2/users/"+uid+"/groups", a.root, "", http.StatusOK, &list)
	if !slices.Equal(groupIDs(list.Groups), []string{g.ID}) || list.Meta.Total != 1 {
		t.Errorf("bob's groups = %v, want [%s]", groupIDs(list.Groups), g.ID)
	}

	a.do("DELETE", "/v2/groups/"+g.ID+"/members/"+uid, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/groups/"+g.ID+"/members/"+uid, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/users/"+uid+"/groups", a.root, "", http.StatusOK, &list)
	if len(list.Groups) != 0 || list.Meta.Total != 0 {
		t.Errorf("bob's groups after removal = %v", groupIDs(list.Groups))
	}

	// Deleting a group (softly) takes it out of its members' and policies' lists.
	pid := a.postPolicy(a.root, "reader", readDoc)
	a.do("POST", "/v2/policies/"+pid+"/groups/"+g.ID, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/groups/"+g.ID, a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/groups/"+g.ID, a.root, "", http.StatusNotFound, nil)
	a.do("DELETE", "/v2/groups/"+g.ID, a.root, "", http.StatusNotFound, nil)
	a.do("GET", "/v2/users/"+bot+"/groups", a.root, "", http.StatusOK, &list)
	if len(list.Groups) != 0 {
		t.Errorf("bot's groups after delete = %v", groupIDs(list.Groups))
	}
	a.do("GET", "/v2/policies/"+pid+"/groups", a.root, "", http.StatusOK, &list)
	if len(list.Groups) != 0 || list.Meta.Total != 0 {
		t.Errorf("policy's groups after the group's delete = %v", groupIDs(list.Groups))
	}

	// Audit: every mutation is recorded with its catalog action.
	want := []string{"iam.group.Create", "iam.group.Create", "iam.group.Update", "iam.group.AddMember", "iam.group.AddMember",
		"iam.group.RemoveMember", "iam.group.Delete"}
	if actions := a.auditActions("iam.group."); !slices.Equal(actions, want) {
		t.Errorf("group audit actions = %v, want %v", actions, want)
	}
}

// TestLimits checks that every per-organization limit gives a 409 naming
// it and its value, and that the next object under it still works.
func TestLimits(t *testing.T) {
	a := newAPIWith(t, service.Options{Limits: service.Limits{
		Users: 3, Groups: 1, Roles: 1, Policies: 1, PoliciesPerPrincipal: 1, MembersPerGroup: 1,
	}})
	u1, _ := a.createUser(`{"email":"u1@example.com"}`)
	u2, _ := a.createUser(`{"email":"u2@example.com"}`)
	g := a.postGroup(a.root, "g")
	r := a.postRole(a.root, "r", "assignable")
	p := a.postPolicy(a.root, "p", readDoc)
	a.do("POST", "/v2/groups/"+g+"/members", a.root, `{"user_id":"`+u1+`"}`, http.StatusNoContent, nil)
	a.do("POST", "/v2/policies/"+p+"/users/"+u1, a.root, "", http.StatusNoContent, nil)
	a.do("DELETE", "/v2/roles/"+r, a.root, "", http.StatusNoContent, nil)
	a.postRole(a.root, "r2", "assignable") // the deleted role does not count

	for _, tt := range []struct {
		name, method, path, body, limit string
	}{
		{"users", "POST", "/v2/users", `{"email":"u3@example.com"}`, "users = 3"},
		{"groups", "POST", "/v2/groups", `{"display_name":"g2"}`, "groups = 1"},
		{"roles", "POST", "/v2/roles", `{"name":"r3"}`, "roles = 1"},
		{"roles on restore", "PATCH", "/v2/roles/" + r + "/restore", "", "roles = 1"},
		{"policies", "POST", "/v2/policies", `{"name":"p2","policy_document":` + readDoc + `}`, "policies = 1"},
		{"policies_per_principal", "POST", "/v2/policies/" + policyID("ReadOnlyAccess") + "/users/" + u1, "", "policies_per_principal = 1"},
		{"members_per_group", "POST", "/v2/groups/" + g + "/members", `{"user_id":"` + u2 + `"}`, "members_per_group = 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a.t = t
			var e apiError
			a.do(tt.method, tt.path, a.root, tt.body, http.StatusConflict, &e)
			field, _, _ := strings.Cut(tt.limit, " ")
			if e.Code != "conflict" || e.Field != field || !strings.Contains(e.Error, "(limit "+tt.limit+")") {
				t.Errorf("got %+v, want a conflict naming %q", e, tt.limit)
			}
		})
	}
	a.t = t
	// Under the limit the same calls work.
	a.do("POST", "/v2/policies/"+policyID("ReadOnlyAccess")+"/users/"+u2, a.root, "", http.StatusNoContent, nil)
}
