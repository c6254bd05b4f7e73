package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// TestUpdateUserPassword checks that a password set through Vultr's PATCH
// /v2/users/{id} follows the rules of PUT /v2/users/{id}/password: an admin
// may not set the root owner's, and setting one ends the user's login
// sessions.
func TestUpdateUserPassword(t *testing.T) {
	a := newAPI(t)
	admin, adminKey := a.createUser(`{"email":"admin@example.com","name":"Admin","api_enabled":true}`)
	a.attach(policy.ManagedPolicyID("IAMFullAccess"), admin)
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob","password":"first correct horse"}`)

	me := a.rootID()
	var e apiError
	a.do("PATCH", "/v2/users/"+me, adminKey, `{"password":"taken over by admin"}`, http.StatusForbidden, &e)
	if e.Code != "permission_denied" {
		t.Errorf("admin setting the root owner's password: %+v, want permission_denied", e)
	}

	session := a.login("bob@example.com", "first correct horse", a.orgID, http.StatusCreated)
	a.do("GET", "/v2/users/me", session, "", http.StatusOK, nil)
	a.do("PATCH", "/v2/users/"+bob, adminKey, `{"password":"second correct horse"}`, http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me", session, "", http.StatusUnauthorized, nil)
	a.login("bob@example.com", "second correct horse", a.orgID, http.StatusCreated)
}
