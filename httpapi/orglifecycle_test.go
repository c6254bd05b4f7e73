package httpapi_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// newClockedAPI is newAPI with a fake clock that both the store and the
// service read, and opts for the service.
func newClockedAPI(t *testing.T, opts service.Options) (*api, *keywardtest.Clock) {
	t.Helper()
	store, clock := openClockedStore(t, time.Now().UTC())
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts.Now, opts.Logger = clock.Now, logger
	return serveAPI(t, service.New(store, opts), logger, nil), clock
}

// orgIDs lists the ids of the organizations token's account sees, or with
// deleted, of the deleted ones it owns.
func (a *api) orgIDs(token string, deleted bool) []string {
	a.t.Helper()
	path := "/v2/organizations"
	if deleted {
		path += "?deleted=true"
	}
	var out struct {
		Orgs []struct {
			ID        string `json:"id"`
			DatePurge string `json:"date_purge"`
		} `json:"orgs"`
	}
	a.do("GET", path, token, "", http.StatusOK, &out)
	var ids []string
	for _, o := range out.Orgs {
		if deleted && o.DatePurge == "" {
			a.t.Errorf("deleted organization %s has no date_purge", o.ID)
		}
		ids = append(ids, o.ID)
	}
	return ids
}

// body returns the raw body of a GET that must answer 200.
func (a *api) body(path, token string) []byte {
	a.t.Helper()
	_, b := a.doWith("GET", path, token, "", nil, http.StatusOK)
	return b
}

const allowIAM = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.*","Resource":"*"}]}`

// TestOrganizationDeleteRestore: deleting an organization shuts out every
// member at once and destroys nothing; restoring gives back exactly what
// was there.
func TestOrganizationDeleteRestore(t *testing.T) {
	a := newAPI(t)
	o2, k2 := a.otherOrg("Doomed")
	bob, bobKey := a.createUserWith(k2, `{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	g := a.postGroup(k2, "ops")
	a.do("POST", "/v2/groups/"+g+"/members", k2, `{"user_id":"`+bob+`"}`, http.StatusNoContent, nil)
	p := a.postPolicy(k2, "admin", allowIAM)
	a.do("POST", "/v2/policies/"+p+"/users/"+bob, k2, "", http.StatusNoContent, nil)
	before := a.body("/v2/users/me/groups", bobKey)
	beforePolicies := a.body("/v2/users/me/policies", bobKey)

	// An admin who is not the root owner cannot delete it.
	a.do("DELETE", "/v2/organizations/"+o2, bobKey, "", http.StatusForbidden, nil)

	a.do("DELETE", "/v2/organizations/"+o2, a.root, "", http.StatusNoContent, nil)
	for _, key := range []string{bobKey, k2} {
		a.do("GET", "/v2/users/me", key, "", http.StatusUnauthorized, nil)
	}
	a.do("GET", "/v2/organizations/"+o2, a.root, "", http.StatusNotFound, nil)
	if got := a.orgIDs(a.root, false); slices.Contains(got, o2) {
		t.Errorf("live organizations %v include the deleted %s", got, o2)
	}
	if got := a.orgIDs(a.root, true); !slices.Equal(got, []string{o2}) {
		t.Errorf("deleted organizations = %v, want [%s]", got, o2)
	}
	a.do("DELETE", "/v2/organizations/"+o2, a.root, "", http.StatusNotFound, nil)

	a.do("PATCH", "/v2/organizations/"+o2+"/restore", a.root, "", http.StatusNoContent, nil)
	a.do("PATCH", "/v2/organizations/"+o2+"/restore", a.root, "", http.StatusConflict, nil)
	if got := a.body("/v2/users/me/groups", bobKey); !bytes.Equal(got, before) {
		t.Errorf("groups after restore = %s, want %s", got, before)
	}
	if got := a.body("/v2/users/me/policies", bobKey); !bytes.Equal(got, beforePolicies) {
		t.Errorf("policies after restore = %s, want %s", got, beforePolicies)
	}
	a.do("GET", "/v2/organizations/"+o2, k2, "", http.StatusOK, nil)
	if got := a.orgIDs(a.root, true); len(got) != 0 {
		t.Errorf("deleted organizations after restore = %v, want none", got)
	}
}

// TestOrganizationPurge: past the retention window a deleted organization
// can no longer be restored and the purge deletes it for good.
func TestOrganizationPurge(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{OrgRetention: 48 * time.Hour})
	o2, k2 := a.otherOrg("Doomed")
	a.createUserWith(k2, `{"name":"robot","service_user":true}`)
	a.do("DELETE", "/v2/organizations/"+o2, k2, "", http.StatusNoContent, nil)

	clock.Advance(47 * time.Hour)
	if n, err := a.svc.PurgeOrganizations(t.Context()); err != nil || n != 0 {
		t.Fatalf("PurgeOrganizations inside the window = %d, %v; want 0", n, err)
	}
	if got := a.orgIDs(a.root, true); !slices.Equal(got, []string{o2}) {
		t.Errorf("deleted organizations = %v, want [%s]", got, o2)
	}

	clock.Advance(2 * time.Hour)
	a.do("PATCH", "/v2/organizations/"+o2+"/restore", a.root, "", http.StatusNotFound, nil)
	if n, err := a.svc.PurgeOrganizations(t.Context()); err != nil || n != 1 {
		t.Fatalf("PurgeOrganizations past the window = %d, %v; want 1", n, err)
	}
	if got := a.orgIDs(a.root, true); len(got) != 0 {
		t.Errorf("deleted organizations after the purge = %v, want none", got)
	}
	a.do("PATCH", "/v2/organizations/"+o2+"/restore", a.root, "", http.StatusNotFound, nil)
	// The root owner's account and its other organization stay.
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, nil)
	if got := a.orgIDs(a.root, false); !slices.Equal(got, []string{a.orgID}) {
		t.Errorf("organizations after the purge = %v, want [%s]", got, a.orgID)
	}
	if n, err := a.svc.PurgeOrganizations(t.Context()); err != nil || n != 0 {
		t.Errorf("second PurgeOrganizations = %d, %v; want 0", n, err)
	}
}

// TestSuspendUnsuspend: a suspended member's keys, sessions and logins are
// refused until it is unsuspended, and nothing of it is lost.
func TestSuspendUnsuspend(t *testing.T) {
	a := newAPI(t)
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true,"password":"a long unusual passphrase"}`)
	session := a.login("bob@example.com", "a long unusual passphrase", "", http.StatusCreated)
	org := "/v2/organizations/" + a.orgID

	a.do("PUT", org+"/user/"+bob+"/suspend", a.root, "", http.StatusNoContent, nil)
	a.do("PUT", org+"/user/"+bob+"/suspend", a.root, "", http.StatusNoContent, nil)
	for _, cred := range []string{bobKey, session} {
		a.do("GET", "/v2/users/me", cred, "", http.StatusUnauthorized, nil)
	}
	a.login("bob@example.com", "a long unusual passphrase", "", http.StatusUnauthorized)
	var list struct {
		Users []struct {
			ID            string `json:"id"`
			DateSuspended string `json:"date_suspended"`
		} `json:"users"`
		Meta metaOut `json:"meta"`
	}
	a.do("GET", org+"/suspended-users", a.root, "", http.StatusOK, &list)
	if len(list.Users) != 1 || list.Users[0].ID != bob || list.Users[0].DateSuspended == "" || list.Meta.Total != 1 {
		t.Errorf("suspended users = %+v, want bob with date_suspended", list)
	}

	a.do("PUT", org+"/user/"+bob+"/unsuspend", a.root, "", http.StatusNoContent, nil)
	for _, cred := range []string{bobKey, session} {
		a.do("GET", "/v2/users/me", cred, "", http.StatusOK, nil)
	}
	a.do("GET", org+"/suspended-users", a.root, "", http.StatusOK, &list)
	if len(list.Users) != 0 {
		t.Errorf("suspended users after unsuspend = %+v, want none", list.Users)
	}
}

// TestRootOwnerAndTransfer: the root owner cannot be removed or suspended
// by an admin; it may hand ownership over, after which the new owner may
// remove the old one, whose account keeps its other organization.
func TestRootOwnerAndTransfer(t *testing.T) {
	a := newAPI(t)
	o2, k2 := a.otherOrg("Shared")
	org := "/v2/organizations/" + o2
	root := a.rootID()
	carol, carolKey := a.createUserWith(k2, `{"email":"carol@example.com","name":"Carol","api_enabled":true}`)
	dave, daveKey := a.createUserWith(k2, `{"email":"dave@example.com","name":"Dave","api_enabled":true}`)
	robot, _ := a.createUserWith(k2, `{"name":"robot","service_user":true}`)
	p := a.postPolicy(k2, "admin", allowIAM)
	a.do("POST", "/v2/policies/"+p+"/users/"+dave, k2, "", http.StatusNoContent, nil)
	g := a.postGroup(k2, "ops")
	a.do("POST", "/v2/groups/"+g+"/members", k2, `{"user_id":"`+root+`"}`, http.StatusNoContent, nil)

	// An admin may do everything but these to the root owner.
	a.do("DELETE", org+"/user/"+root, daveKey, "", http.StatusConflict, nil)
	a.do("PUT", org+"/user/"+root+"/suspend", daveKey, "", http.StatusConflict, nil)
	a.do("POST", org+"/transfer-ownership", daveKey, `{"user_id":"`+dave+`"}`, http.StatusForbidden, nil)
	a.do("DELETE", org, daveKey, "", http.StatusForbidden, nil)

	// The new owner must be an active human member.
	a.do("POST", org+"/transfer-ownership", k2, `{"user_id":"`+robot+`"}`, http.StatusBadRequest, nil)
	a.do("PUT", org+"/user/"+carol+"/suspend", k2, "", http.StatusNoContent, nil)
	a.do("POST", org+"/transfer-ownership", k2, `{"user_id":"`+carol+`"}`, http.StatusBadRequest, nil)
	a.do("PUT", org+"/user/"+carol+"/unsuspend", k2, "", http.StatusNoContent, nil)

	a.do("POST", org+"/transfer-ownership", k2, `{"user_id":"`+carol+`"}`, http.StatusNoContent, nil)
	var u struct {
		User struct{ Kind string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", carolKey, "", http.StatusOK, &u)
	if u.User.Kind != "root_owner" {
		t.Errorf("carol's kind after the transfer = %q, want root_owner", u.User.Kind)
	}
	a.do("GET", "/v2/users", k2, "", http.StatusForbidden, nil) // the old owner is a plain member now

	a.do("DELETE", org+"/user/"+root, carolKey, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me", k2, "", http.StatusUnauthorized, nil)
	var members struct {
		Members []struct{ ID string } `json:"members"`
	}
	a.do("GET", "/v2/groups/"+g+"/members", carolKey, "", http.StatusOK, &members)
	if len(members.Members) != 0 {
		t.Errorf("group members after the removal = %+v, want none", members.Members)
	}
	if got := a.orgIDs(a.root, false); !slices.Equal(got, []string{a.orgID}) {
		t.Errorf("the removed account's organizations = %v, want only [%s]", got, a.orgID)
	}
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, nil)

	// Removing a service user removes its account: it is gone for good.
	a.do("DELETE", org+"/user/"+robot, carolKey, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/users/"+robot, carolKey, "", http.StatusNotFound, nil)
}
