package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/vultr/govultr/v3"
)

// callLog records every response govultr sees, because govultr hides
// status codes behind its own error values.
type callLog struct {
	mu    sync.Mutex
	calls []call
}

type call struct {
	method, path, contentType string
	status                    int
	length                    int64
}

func (l *callLog) record(req *http.Request, res *http.Response) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, call{req.Method, req.URL.Path, res.Header.Get("Content-Type"), res.StatusCode, res.ContentLength})
}

func (l *callLog) last(t *testing.T) call {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.calls) == 0 {
		t.Fatal("no call recorded")
	}
	return l.calls[len(l.calls)-1]
}

// check fails on any 5xx and on any body sent with a Content-Type other
// than exactly application/json.
func (l *callLog) check(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.calls {
		if c.status >= 500 {
			t.Errorf("%s %s answered %d", c.method, c.path, c.status)
		}
		if c.status != http.StatusNoContent && c.contentType != "application/json" {
			t.Errorf("%s %s answered Content-Type %q, want exactly application/json", c.method, c.path, c.contentType)
		}
	}
}

// newGovultrRoot returns a govultr client with the key of ts's root owner,
// and the log of its calls, for the test's other clients too. The log is
// checked when the test ends.
func newGovultrRoot(t *testing.T, ts *testServer) (*govultr.Client, *callLog) {
	t.Helper()
	log := &callLog{}
	t.Cleanup(func() { log.check(t) })
	return newGovultr(t, ts, ts.Token, log), log
}

func newGovultr(t *testing.T, ts *testServer, token string, log *callLog) *govultr.Client {
	t.Helper()
	c := govultr.NewClient(httpClient(token))
	if err := c.SetBaseURL(ts.URL); err != nil {
		t.Fatal(err)
	}
	c.SetRetryLimit(0)
	c.OnRequestCompleted(log.record)
	return c
}

// newGovultrUser creates, through root, a user with an API key.
func newGovultrUser(t *testing.T, root *govultr.Client, email, name string) *govultr.User {
	t.Helper()
	yes := true
	u, _, err := root.User.Create(context.Background(), &govultr.UserReq{Email: email, Name: name, APIEnabled: &yes})
	if err != nil || u.ID == "" || u.APIKey == "" {
		t.Fatalf("User.Create(%s) = %+v, %v", email, u, err)
	}
	return u
}

func wantStatus(t *testing.T, log *callLog, what string, want int) {
	t.Helper()
	if got := log.last(t).status; got != want {
		t.Fatalf("%s: status %d, want %d", what, got, want)
	}
}

// TestGovultr drives the real server through Vultr's official Go client:
// organizations and users exactly as a Vultr user scripts them.
func TestGovultr(t *testing.T) {
	driveGovultr(t, startServer(t, nil))
}

// driveGovultr is TestGovultr's scenario, on the server ts.
func driveGovultr(t *testing.T, ts *testServer) {
	ctx := context.Background()
	root, log := newGovultrRoot(t, ts)

	// Organizations.
	orgs, meta, _, err := root.Organization.ListOrganizations(ctx, nil)
	if err != nil || len(orgs) != 1 || meta == nil || meta.Total != 1 || meta.Links == nil {
		t.Fatalf("ListOrganizations = %v, %+v, %v; want the bootstrap org and meta", orgs, meta, err)
	}
	home := orgs[0]
	o2, _, err := root.Organization.CreateOrganization(ctx, &govultr.OrganizationReq{Name: " o2 ", Type: "business"})
	if err != nil || o2.ID == "" || o2.Name != "o2" || o2.Type != "business" || o2.DateCreated == "" {
		t.Fatalf("CreateOrganization = %+v, %v", o2, err)
	}
	wantStatus(t, log, "CreateOrganization", http.StatusCreated)
	got, _, err := root.Organization.GetOrganization(ctx, o2.ID)
	if err != nil || got.ID != o2.ID || got.Name != "o2" {
		t.Fatalf("GetOrganization = %+v, %v", got, err)
	}
	upd, _, err := root.Organization.UpdateOrganization(ctx, o2.ID, &govultr.OrganizationReq{Name: "o2b"})
	if err != nil || upd.Name != "o2b" || upd.Type != "business" {
		t.Fatalf("UpdateOrganization = %+v, %v", upd, err)
	}
	page1, meta, _, err := root.Organization.ListOrganizations(ctx, &govultr.ListOptions{PerPage: 1})
	if err != nil || len(page1) != 1 || meta.Total != 2 || meta.Links.Next == "" || meta.Links.Prev != "" {
		t.Fatalf("ListOrganizations(per_page 1) = %v, %+v, %v", page1, meta, err)
	}
	page2, meta, _, err := root.Organization.ListOrganizations(ctx, &govultr.ListOptions{PerPage: 1, Cursor: meta.Links.Next})
	if err != nil || len(page2) != 1 || page2[0].ID == page1[0].ID || meta.Links.Next != "" || meta.Links.Prev == "" {
		t.Fatalf("ListOrganizations(page 2) = %v, %+v, %v", page2, meta, err)
	}
	if _, _, err := root.Organization.GetOrganization(ctx, "00000000-0000-7000-8000-000000000000"); err == nil {
		t.Fatal("GetOrganization(unknown) succeeded")
	}
	wantStatus(t, log, "GetOrganization(unknown)", http.StatusNotFound)

	// Users.
	yes := true
	u1, _, err := root.User.Create(ctx, &govultr.UserReq{Email: "ada@example.com", Name: "Ada", Password: "correct horse battery", APIEnabled: &yes})
	if err != nil || u1.ID == "" || u1.APIKey == "" || u1.Email != "ada@example.com" || u1.APIEnabled == nil || !*u1.APIEnabled {
		t.Fatalf("User.Create = %+v, %v", u1, err)
	}
	wantStatus(t, log, "User.Create", http.StatusCreated)
	svc, _, err := root.User.Create(ctx, &govultr.UserReq{Name: "ci-bot", ServiceUser: true})
	if err != nil || !svc.ServiceUser || svc.APIKey == "" {
		t.Fatalf("User.Create(service) = %+v, %v", svc, err)
	}
	if _, _, err := root.User.Create(ctx, &govultr.UserReq{Name: "bad", ServiceUser: true, Password: "a long password"}); err == nil {
		t.Fatal("User.Create(service user with password) succeeded")
	}
	wantStatus(t, log, "User.Create(service with password)", http.StatusBadRequest)
	if _, _, err := root.User.Create(ctx, &govultr.UserReq{Email: "ADA@example.com", Name: "Ada again"}); err == nil {
		t.Fatal("User.Create(duplicate email) succeeded")
	}
	wantStatus(t, log, "User.Create(duplicate)", http.StatusConflict)

	gotU, _, err := root.User.Get(ctx, u1.ID)
	if err != nil || gotU.ID != u1.ID || gotU.Name != "Ada" || gotU.APIKey != "" {
		t.Fatalf("User.Get = %+v, %v", gotU, err)
	}
	if err := root.User.Update(ctx, u1.ID, &govultr.UserReq{Name: "Ada L."}); err != nil {
		t.Fatalf("User.Update: %v", err)
	}
	wantStatus(t, log, "User.Update", http.StatusNoContent)
	if gotU, _, _ = root.User.Get(ctx, u1.ID); gotU.Name != "Ada L." || gotU.Email != "ada@example.com" {
		t.Fatalf("after Update, User.Get = %+v", gotU)
	}
	users, meta, _, err := root.User.List(ctx, &govultr.ListOptions{PerPage: 2})
	if err != nil || len(users) != 2 || meta.Total != 3 || meta.Links.Next == "" {
		t.Fatalf("User.List = %+v, %+v, %v", users, meta, err)
	}

	// A member who is not the root owner may read itself but not manage
	// others, until it is granted more.
	ada := newGovultr(t, ts, u1.APIKey, log)
	if _, _, err := ada.User.Get(ctx, u1.ID); err != nil {
		t.Fatalf("Ada reads herself: %v", err)
	}
	if _, _, err := ada.User.Create(ctx, &govultr.UserReq{Email: "eve@example.com"}); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("Ada creates a user: err = %v, want a denial", err)
	}
	wantStatus(t, log, "Ada creates a user", http.StatusForbidden)
	adaOrgs, _, _, err := ada.Organization.ListOrganizations(ctx, nil)
	if err != nil || len(adaOrgs) != 1 || adaOrgs[0].ID != home.ID {
		t.Fatalf("Ada's organizations = %+v, %v; want only %s", adaOrgs, err, home.ID)
	}
	if _, _, err := ada.Organization.GetOrganization(ctx, o2.ID); err == nil {
		t.Fatal("Ada sees an organization she is not a member of")
	}
	wantStatus(t, log, "Ada reads another org", http.StatusNotFound)

	// Deleting the user kills its key at once.
	if err := root.User.Delete(ctx, u1.ID); err != nil {
		t.Fatalf("User.Delete: %v", err)
	}
	wantStatus(t, log, "User.Delete", http.StatusNoContent)
	if _, _, err := ada.User.Get(ctx, u1.ID); err == nil {
		t.Fatal("a deleted user's key still works")
	}
	wantStatus(t, log, "deleted user's key", http.StatusUnauthorized)
	if err := root.User.Delete(ctx, u1.ID); err == nil {
		t.Fatal("deleting a deleted user succeeded")
	}
	wantStatus(t, log, "User.Delete again", http.StatusNotFound)

	// A wrong key is refused with Vultr's error shape.
	bad := newGovultr(t, ts, "kw_nope", log)
	if _, _, _, err := bad.Organization.ListOrganizations(ctx, nil); err == nil || !strings.Contains(err.Error(), "Invalid") {
		t.Fatalf("wrong key: err = %v", err)
	}
	wantStatus(t, log, "wrong key", http.StatusUnauthorized)
}
