package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// The cases of the escalation report, one named test each: each failed
// before its fix. The escalation suite (escalation_test.go) covers the
// rules they break in general.

// mintKeyAs creates a key for user with token and returns it, checking the
// status.
func (a *api) mintKeyAs(token, user, body string, want int) string {
	a.t.Helper()
	var k struct {
		APIKey struct {
			Key string `json:"key"`
		} `json:"api_key"`
	}
	a.do("POST", "/v2/users/"+user+"/api-keys", token, body, want, &k)
	return k.APIKey.Key
}

// member creates a member with one policy allowing actions on "*" and
// returns its id and key.
func (a *api) member(email string, actions ...string) (string, string) {
	a.t.Helper()
	id, key := a.createUser(`{"email":"` + email + `","name":"M","api_enabled":true}`)
	if len(actions) > 0 {
		p := a.createPolicy(email, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["`+strings.Join(actions, `","`)+`"],"Resource":"*"}]}`)
		a.attach(p, id)
	}
	return id, key
}

func (a *api) rootID() string {
	a.t.Helper()
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, &me)
	return me.User.ID
}

// Finding 1: minting a key checks nothing.
func TestMintingKeyNeedsTheRightAndAnUnnarrowedCredential(t *testing.T) {
	a := newAPI(t)
	viewer, viewerKey := a.createUser(`{"email":"viewer@example.com","name":"V","api_enabled":true}`)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/role-assignments", a.root,
		`{"role_assignments":[{"identity_id":"`+viewer+`","identity_type":"user","role_name":"Viewer"}]}`, http.StatusOK, nil)
	a.do("POST", "/v2/organizations/"+a.orgID+"/api-keys", viewerKey, `{}`, http.StatusForbidden, nil)
	a.do("POST", "/v2/users/"+viewer+"/api-keys", viewerKey, `{}`, http.StatusForbidden, nil)

	// A narrowed key and a role session mint nothing, even for their own
	// member, even the root owner's.
	root := a.rootID()
	narrowed := a.mintKeyAs(a.root, root, `{"name":"n","policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"compute.*","Resource":"*"}]}}`, http.StatusCreated)
	var e apiError
	a.do("POST", "/v2/users/"+root+"/api-keys", narrowed, `{}`, http.StatusForbidden, &e)
	if !strings.Contains(string(e.Explain), `"layer":"token"`) {
		t.Errorf("narrowed root key minting: %s, want the token layer", e.Explain)
	}
	a.do("POST", "/v2/organizations/"+a.orgID+"/api-keys", narrowed, `{}`, http.StatusForbidden, nil)

	alice, aliceKey := a.member("alice@example.com", "iam.apikey.Create")
	role := a.assumableRole("keys", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.apikey.*","Resource":"*"}]}`)
	a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + alice + `"}`)
	var s sessionOut
	a.do("POST", "/v2/assumed-roles/assume", aliceKey, `{"role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
	a.do("POST", "/v2/users/"+alice+"/api-keys", s.SessionToken, `{}`, http.StatusForbidden, nil)
	a.do("POST", "/v2/organizations/"+a.orgID+"/api-keys", s.SessionToken, `{}`, http.StatusForbidden, nil)

	// Allowed to, a member mints its own keys.
	a.mintKeyAs(aliceKey, alice, `{}`, http.StatusCreated)
	a.do("POST", "/v2/organizations/"+a.orgID+"/api-keys", aliceKey, `{}`, http.StatusCreated, nil)
}

// Finding 2: a member with iam.apikey.Create minted the root owner's key.
func TestRootOwnersKeysAreTheRootOwners(t *testing.T) {
	a := newAPI(t)
	root := a.rootID()
	_, key := a.member("minter@example.com", "iam.apikey.*")
	a.do("POST", "/v2/users/"+root+"/api-keys", key, `{}`, http.StatusForbidden, nil)
	a.do("GET", "/v2/users/"+root+"/api-keys", key, "", http.StatusForbidden, nil)
	var keys struct {
		Keys []struct{ ID string } `json:"api_keys"`
	}
	a.do("GET", "/v2/users/"+root+"/api-keys", a.root, "", http.StatusOK, &keys)
	a.do("DELETE", "/v2/users/"+root+"/api-keys/"+keys.Keys[0].ID, key, "", http.StatusForbidden, nil)

	// Nor the key of anyone who may do more than the minter.
	admin, _ := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+managedID(t, a, "AdministratorAccess")+"/users/"+admin, a.root, "", http.StatusNoContent, nil)
	var e apiError
	a.do("POST", "/v2/users/"+admin+"/api-keys", key, `{}`, http.StatusForbidden, &e)
	if !strings.Contains(e.Error, "reach beyond") {
		t.Errorf("minting an admin's key: %q, want the reason", e.Error)
	}
	// A member the minter covers gets one.
	svc, _ := a.createUser(`{"service_user":true,"name":"ci","api_enabled":true}`)
	a.mintKeyAs(key, svc, `{}`, http.StatusCreated)
}

// Finding 3: ACLs granted without the grant check.
func TestACLsNeedTheRightToAttachTheirPolicies(t *testing.T) {
	a := newAPI(t)
	self, key := a.member("self@example.com", "iam.user.Update")
	a.do("PATCH", "/v2/users/"+self, key, `{"acls":["manage_users"]}`, http.StatusForbidden, nil)
	_, creator := a.member("creator@example.com", "iam.user.Create")
	a.do("POST", "/v2/users", creator, `{"service_user":true,"name":"svc","api_enabled":true,"acls":["manage_users","billing"]}`, http.StatusForbidden, nil)
	a.do("POST", "/v2/users", creator, `{"service_user":true,"name":"svc","api_enabled":false,"acls":[]}`, http.StatusCreated, nil)

	// With the right to attach the ACL's policy, it may.
	_, granter := a.member("granter@example.com", "iam.user.Update", "iam.policy.AttachUser")
	a.do("PATCH", "/v2/users/"+self, granter, `{"acls":["billing"]}`, http.StatusNoContent, nil)
}

// Finding 4: an organization's admin changed an account that belongs to
// another organization too, and the root owner's.
func TestAccountFieldsBelongToTheAccount(t *testing.T) {
	a := newAPI(t)
	admin, adminKey := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+managedID(t, a, "AdministratorAccess")+"/users/"+admin, a.root, "", http.StatusNoContent, nil)

	// bob founds an organization of his own: his account is in two.
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	a.do("POST", "/v2/organizations", bobKey, `{"name":"Bob's"}`, http.StatusCreated, nil)
	a.do("PATCH", "/v2/users/"+bob, adminKey, `{"email":"stolen@evil.example"}`, http.StatusConflict, nil)
	a.do("PATCH", "/v2/users/"+bob, adminKey, `{"name":"Robert"}`, http.StatusConflict, nil)
	a.do("PATCH", "/v2/users/"+bob, bobKey, `{"name":"Robert"}`, http.StatusForbidden, nil) // no iam.user.Update
	a.do("PATCH", "/v2/users/"+bob, adminKey, `{"api_enabled":false}`, http.StatusNoContent, nil)

	root := a.rootID()
	a.do("PATCH", "/v2/users/"+root, adminKey, `{"email":"stolen@evil.example"}`, http.StatusForbidden, nil)
	a.do("PUT", "/v2/users/"+root+"/password", adminKey, `{"password":"a rarely used passphrase"}`, http.StatusForbidden, nil)

	// An account of this organization alone is the admin's to manage.
	carol, _ := a.createUser(`{"email":"carol@example.com","name":"Carol"}`)
	a.do("PATCH", "/v2/users/"+carol, adminKey, `{"email":"carol@example.org","name":"Caroline"}`, http.StatusNoContent, nil)
}

// Finding 5: creating organizations ignored Deny and sessions.
func TestCreatingOrganizationsIsDecided(t *testing.T) {
	a := newAPI(t)
	denied, deniedKey := a.createUser(`{"email":"d@example.com","name":"D","api_enabled":true}`)
	p := a.createPolicy("no-orgs", `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"iam.organization.Create","Resource":"*"}]}`)
	a.attach(p, denied)
	var e apiError
	a.do("POST", "/v2/organizations", deniedKey, `{"name":"X"}`, http.StatusForbidden, &e)
	if !strings.Contains(string(e.Explain), "explicit_deny") {
		t.Errorf("denied: %s, want an explicit deny", e.Explain)
	}

	reader, readerKey := a.member("r@example.com")
	role := a.assumableRole("ro", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["*.*.Read","*.*.List"],"Resource":"*"}]}`)
	a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + reader + `"}`)
	var s sessionOut
	a.do("POST", "/v2/assumed-roles/assume", readerKey, `{"role_id":"`+role+`","session_name":"s","duration":900}`, http.StatusCreated, &s)
	a.do("POST", "/v2/organizations", s.SessionToken, `{"name":"X"}`, http.StatusForbidden, nil)

	// Every member may found organizations, up to the per-account limit.
	for i := 0; i < 10; i++ {
		a.do("POST", "/v2/organizations", readerKey, `{"name":"Mine"}`, http.StatusCreated, nil)
	}
	a.do("POST", "/v2/organizations", readerKey, `{"name":"One too many"}`, http.StatusConflict, &e)
	if e.Field != "owned_organizations" {
		t.Errorf("past the limit: field %q, want owned_organizations", e.Field)
	}
}

// Finding 9: iam.roletrust.Create alone made an admin.
func TestTrustsNeedTheRightToHandOutTheRole(t *testing.T) {
	a := newAPI(t)
	mallory, key := a.member("m@example.com", "iam.roletrust.Create")
	boss := a.assumableRole("boss", 900, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	body := `{"role_id":"` + boss + `","trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_user_id":"` + mallory + `"}`
	var e apiError
	a.do("POST", "/v2/role-trusts", key, body, http.StatusForbidden, &e)
	if !strings.Contains(string(e.Explain), "iam.role.AttachUser") {
		t.Errorf("trust: %s, want the grant's action", e.Explain)
	}
	a.do("GET", "/v2/users", key, "", http.StatusForbidden, nil)

	_, granter := a.member("g@example.com", "iam.roletrust.Create", "iam.role.AttachUser")
	a.do("POST", "/v2/role-trusts", granter, body, http.StatusCreated, nil)
}
