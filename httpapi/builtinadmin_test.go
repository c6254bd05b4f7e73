package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"
)

// TestAdminCannotTouchRootOwner binds the built-in Admin role to a member:
// it manages the team, but cannot remove, suspend or take over the root
// owner, nor delete the organization (seed 004: "Admin: everything ...;
// cannot remove the root owner").
func TestAdminCannotTouchRootOwner(t *testing.T) {
	a := newAPI(t)
	ada, adaKey := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/role-assignments", a.root,
		fmt.Sprintf(`{"role_assignments":[{"identity_id":%q,"identity_type":"user","role_name":"Admin"}]}`, ada), http.StatusOK, nil)
	root := a.rootID()

	// Admin manages the team...
	bob, _ := a.createUser(`{"email":"bob@example.com","name":"Bob"}`)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/user/"+bob+"/suspend", adaKey, "", http.StatusNoContent, nil)
	a.do("POST", "/v2/users", adaKey, `{"email":"carol@example.com","name":"Carol"}`, http.StatusCreated, nil)
	// ...but the root owner is out of its reach.
	for _, c := range []struct{ method, path, body string }{
		{"DELETE", "/v2/users/" + root, ""},
		{"DELETE", "/v2/organizations/" + a.orgID + "/user/" + root, ""},
		{"PUT", "/v2/organizations/" + a.orgID + "/user/" + root + "/suspend", ""},
		{"PATCH", "/v2/users/" + root, `{"password":"taken over by admin"}`},
		{"POST", "/v2/organizations/" + a.orgID + "/transfer-ownership", fmt.Sprintf(`{"user_id":%q}`, ada)},
		{"DELETE", "/v2/organizations/" + a.orgID, ""},
	} {
		res := a.raw(c.method, c.path, adaKey, c.body)
		if res < 400 || res >= 500 {
			t.Errorf("Admin %s %s = %d, want a 4xx refusal", c.method, c.path, res)
		}
	}
	a.do("GET", "/v2/users/"+root, a.root, "", http.StatusOK, nil)
	a.do("GET", "/v2/organizations/"+a.orgID, a.root, "", http.StatusOK, nil)
}

// raw sends a request and returns its status, whatever it is.
func (a *api) raw(method, path, token, body string) int {
	a.t.Helper()
	res, _ := a.send(method, path, body, map[string]string{"Authorization": "Bearer " + token}, 0)
	return res.StatusCode
}
