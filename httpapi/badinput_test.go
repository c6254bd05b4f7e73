package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestBadInput sends every endpoint malformed or wrong input and checks each
// gets a 4xx in Vultr's error shape naming what is wrong, never a 5xx.
func TestBadInput(t *testing.T) {
	a := newAPI(t)
	uid, ukey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	var other struct{ ID string }
	a.do("POST", "/v2/organizations", a.root, `{"name":"other"}`, http.StatusCreated, &other)
	const zeroID = "00000000-0000-7000-8000-000000000000"
	long := strings.Repeat("x", 201)
	huge := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
	gid := a.postGroup(a.root, "g")
	rid := a.postRole(a.root, "r", "assignable")
	pid := a.postPolicy(a.root, "p", readDoc)
	_, otherKey := a.otherOrg("elsewhere")
	otherGroup, otherRole, otherPolicy := a.postGroup(otherKey, "og"), a.postRole(otherKey, "or", ""), a.postPolicy(otherKey, "op", readDoc)
	otherUser, _ := a.createUserWith(otherKey, `{"email":"eve@example.com"}`)
	managed := policyID("ReadOnlyAccess")
	doc := func(stmt string) string {
		return `{"name":"bad","policy_document":{"Version":"2026-03-20","Statement":[` + stmt + `]}}`
	}

	tests := []struct {
		name, method, path, token, body string
		wantStatus                      int
		wantCode, wantField             string
	}{
		{"no token", "GET", "/v2/users", "-", "", 401, "unauthenticated", ""},
		{"malformed token", "GET", "/v2/users", "kw_abc", "", 401, "unauthenticated", ""},
		{"unknown key id", "GET", "/v2/users", "kw_" + zeroID + "_" + strings.Repeat("0", 64), "", 401, "unauthenticated", ""},
		{"wrong secret", "GET", "/v2/users", ukey[:len(ukey)-1] + "x", "", 401, "unauthenticated", ""},
		{"malformed json", "POST", "/v2/users", "", `{"email":`, 400, "invalid", ""},
		{"not an object", "POST", "/v2/users", "", `[1,2]`, 400, "invalid", ""},
		{"trailing data", "POST", "/v2/organizations", "", `{"name":"a"} {}`, 400, "invalid", ""},
		{"unknown field", "POST", "/v2/users", "", `{"email":"c@example.com","nmae":"C"}`, 400, "invalid", "nmae"},
		{"wrong type", "POST", "/v2/users", "", `{"email":"c@example.com","api_enabled":"yes"}`, 400, "invalid", "api_enabled"},
		{"bad email", "POST", "/v2/users", "", `{"email":"not-an-email"}`, 400, "invalid", "email"},
		{"missing email", "POST", "/v2/users", "", `{"name":"C"}`, 400, "invalid", "email"},
		{"short password", "POST", "/v2/users", "", `{"email":"c@example.com","password":"short"}`, 400, "invalid", "password"},
		{"password of ten spaces", "POST", "/v2/users", "", `{"email":"c@example.com","password":"          "}`, 400, "invalid", "password"},
		{"password of twelve NULs", "POST", "/v2/users", "", `{"email":"c@example.com","password":"` + strings.Repeat(`\u0000`, 12) + `"}`, 400, "invalid", "password"},
		{"new password with a tab", "PUT", "/v2/users/me/password", "", `{"current_password":"x","new_password":"kx7q9\twvz!?"}`, 400, "invalid", "new_password"},
		{"unknown acl", "POST", "/v2/users", "", `{"email":"c@example.com","acls":["root"]}`, 400, "invalid", "acls"},
		{"long user name", "POST", "/v2/users", "", `{"email":"c@example.com","name":"` + long + `"}`, 400, "invalid", "name"},
		{"body over 1 MiB", "POST", "/v2/organizations", "", huge, 413, "too_large", ""},
		{"empty org name", "POST", "/v2/organizations", "", `{"name":"   "}`, 400, "invalid", "name"},
		{"missing org name", "POST", "/v2/organizations", "", ``, 400, "invalid", "name"},
		{"long org name", "POST", "/v2/organizations", "", `{"name":"` + long + `"}`, 400, "invalid", "name"},
		{"bad org type", "POST", "/v2/organizations", "", `{"name":"x","type":"galactic"}`, 400, "invalid", "type"},
		{"control chars", "POST", "/v2/organizations", "", `{"name":"a\u0000b"}`, 400, "invalid", "name"},
		{"bad org uuid", "GET", "/v2/organizations/nope", "", "", 400, "invalid", "organization_id"},
		{"unknown org", "GET", "/v2/organizations/" + zeroID, "", "", 404, "not_found", ""},
		{"org caller is not in", "GET", "/v2/organizations/" + other.ID, ukey, "", 404, "not_found", ""},
		{"update unknown org", "PUT", "/v2/organizations/" + zeroID, "", `{"name":"x"}`, 404, "not_found", ""},
		{"update org bad body", "PUT", "/v2/organizations/" + a.orgID, "", `{"name":1}`, 400, "invalid", "name"},
		{"org key for unknown org", "POST", "/v2/organizations/" + zeroID + "/api-keys", "", ``, 404, "not_found", ""},
		{"bad per_page", "GET", "/v2/users?per_page=0", "", "", 400, "invalid", "per_page"},
		{"huge per_page", "GET", "/v2/users?per_page=100000", "", "", 400, "invalid", "per_page"},
		{"bad cursor", "GET", "/v2/users?cursor=bm90LWEtY3Vyc29y", "", "", 400, "invalid", "cursor"},
		{"malformed query", "GET", "/v2/users?cursor=%%%", "", "", 400, "invalid", "query"},
		{"unknown endpoint", "GET", "/v2/nowhere", "", "", 404, "not_found", ""},
		{"bad kind filter", "GET", "/v2/users?kind=alien", "", "", 400, "invalid", "kind"},
		{"bad user uuid", "GET", "/v2/users/12345", "", "", 400, "invalid", "user_id"},
		{"unknown user", "GET", "/v2/users/" + zeroID, "", "", 404, "not_found", ""},
		{"patch unknown user", "PATCH", "/v2/users/" + zeroID, "", `{"name":"x"}`, 404, "not_found", ""},
		{"patch bad field", "PATCH", "/v2/users/" + uid, "", `{"emial":"x"}`, 400, "invalid", "emial"},
		{"delete unknown user", "DELETE", "/v2/users/" + zeroID, "", "", 404, "not_found", ""},
		{"key for unknown user", "POST", "/v2/users/" + zeroID + "/api-keys", "", ``, 404, "not_found", ""},
		{"key expiry in the past", "POST", "/v2/users/" + uid + "/api-keys", "", `{"expires_at":"2001-01-01T00:00:00Z"}`, 400, "invalid", "expires_at"},
		{"key expiry not a time", "POST", "/v2/users/" + uid + "/api-keys", "", `{"expires_at":"tomorrow"}`, 400, "invalid", "expires_at"},
		{"bad key uuid", "GET", "/v2/users/" + uid + "/api-keys/xyz", "", "", 400, "invalid", "key_id"},
		{"unknown key", "GET", "/v2/users/" + uid + "/api-keys/" + zeroID, "", "", 404, "not_found", ""},
		{"revoke unknown key", "DELETE", "/v2/users/" + uid + "/api-keys/" + zeroID, "", "", 404, "not_found", ""},
		{"audit bad since", "GET", "/v2/audit-events?since=yesterday", "", "", 400, "invalid", "since"},
		{"audit bad actor", "GET", "/v2/audit-events?actor_id=bob", "", "", 400, "invalid", "actor_id"},
		{"audit until before since", "GET", "/v2/audit-events?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "", "", 400, "invalid", "until"},
		{"bad group uuid", "GET", "/v2/groups/nope", "", "", 400, "invalid", "group_id"},
		{"unknown group", "GET", "/v2/groups/" + zeroID, "", "", 404, "not_found", ""},
		{"group of another org", "GET", "/v2/groups/" + otherGroup, "", "", 404, "not_found", ""},
		{"update group of another org", "PUT", "/v2/groups/" + otherGroup, "", `{"display_name":"x"}`, 404, "not_found", ""},
		{"group unknown field", "POST", "/v2/groups", "", `{"display_name":"g2","name":"g2"}`, 400, "invalid", "name"},
		{"group without name", "POST", "/v2/groups", "", `{"display_name":"  ","description":""}`, 400, "invalid", "display_name"},
		{"long group name", "POST", "/v2/groups", "", `{"display_name":"` + long + `"}`, 400, "invalid", "display_name"},
		{"long description", "POST", "/v2/groups", "", `{"display_name":"g3","description":"` + strings.Repeat("d", 1001) + `"}`, 400, "invalid", "description"},
		{"member without user", "POST", "/v2/groups/" + gid + "/members", "", `{"display_name":""}`, 400, "invalid", "user_id"},
		{"member bad user id", "POST", "/v2/groups/" + gid + "/members", "", `{"user_id":"bob"}`, 400, "invalid", "user_id"},
		{"member of another org", "POST", "/v2/groups/" + gid + "/members", "", `{"user_id":"` + otherUser + `"}`, 404, "not_found", ""},
		{"remove bad member id", "DELETE", "/v2/groups/" + gid + "/members/bob", "", "", 400, "invalid", "user_id"},
		{"bad role uuid", "GET", "/v2/roles/xyz", "", "", 400, "invalid", "role_id"},
		{"role of another org", "GET", "/v2/roles/" + otherRole, "", "", 404, "not_found", ""},
		{"bad role_type", "POST", "/v2/roles", "", `{"name":"r2","role_type":"superuser"}`, 400, "invalid", "role_type"},
		{"short session", "POST", "/v2/roles", "", `{"name":"r2","max_session_duration":10}`, 400, "invalid", "max_session_duration"},
		{"long session", "PUT", "/v2/roles/" + rid, "", `{"name":"r","max_session_duration":43201}`, 400, "invalid", "max_session_duration"},
		{"session not a number", "POST", "/v2/roles", "", `{"name":"r2","max_session_duration":"1h"}`, 400, "invalid", "max_session_duration"},
		{"long role name", "POST", "/v2/roles", "", `{"name":"` + long + `"}`, 400, "invalid", "name"},
		{"role list bad type", "GET", "/v2/roles?role_type=root", "", "", 400, "invalid", "role_type"},
		{"role list bad deleted", "GET", "/v2/roles?deleted=maybe", "", "", 400, "invalid", "deleted"},
		{"role policy of another org", "POST", "/v2/roles/" + rid + "/policies/" + otherPolicy, "", "", 404, "not_found", ""},
		{"role policy bad body id", "POST", "/v2/roles/" + rid + "/policies", "", `{"policy_id":"p"}`, 400, "invalid", "policy_id"},
		{"role user of another org", "POST", "/v2/roles/" + rid + "/users/" + otherUser, "", "", 404, "not_found", ""},
		{"role group of another org", "POST", "/v2/roles/" + rid + "/groups/" + otherGroup, "", "", 404, "not_found", ""},
		{"bad policy uuid", "GET", "/v2/policies/p1", "", "", 400, "invalid", "policy_id"},
		{"policy of another org", "GET", "/v2/policies/" + otherPolicy, "", "", 404, "not_found", ""},
		{"attach policy of another org", "POST", "/v2/policies/" + otherPolicy + "/users/" + uid, "", "", 404, "not_found", ""},
		{"attach policy to a group of another org", "POST", "/v2/policies/" + pid + "/groups/" + otherGroup, "", "", 404, "not_found", ""},
		{"policy without document", "POST", "/v2/policies", "", `{"name":"bad"}`, 400, "invalid", "policy_document"},
		{"policy unknown action", "POST", "/v2/policies", "", doc(`{"Effect":"Allow","Action":["compute.instance.Read"],"Resource":"*"},{"Effect":"Allow","Action":["compute.instanse.Create"],"Resource":"*"}`), 400, "invalid", "policy_document.Statement[1].Action[0]"},
		{"policy null Action", "POST", "/v2/policies", "", doc(`{"Effect":"Allow","Action":null,"Resource":"*"}`), 400, "invalid", "policy_document.Statement[0].Action"},
		{"policy bad effect", "POST", "/v2/policies", "", doc(`{"Effect":"Maybe","Action":"*","Resource":"*"}`), 400, "invalid", "policy_document.Statement[0].Effect"},
		{"policy document not an object", "POST", "/v2/policies", "", `{"name":"bad","policy_document":[]}`, 400, "invalid", "policy_document"},
		{"policy named like a managed one", "POST", "/v2/policies", "", `{"name":"ReadOnlyAccess","policy_document":` + readDoc + `}`, 409, "conflict", "name"},
		{"policy list bad kind", "GET", "/v2/policies?kind=system", "", "", 400, "invalid", "kind"},
		{"edit a managed policy", "PUT", "/v2/policies/" + managed, "", `{"name":"x","policy_document":` + readDoc + `}`, 422, "unprocessable", ""},
		{"delete a managed policy", "DELETE", "/v2/policies/" + managed, "", "", 422, "unprocessable", ""},
		{"view of another org's user", "GET", "/v2/users/" + otherUser + "/policies", "", "", 404, "not_found", ""},
		{"view bad cursor", "GET", "/v2/users/" + uid + "/roles?cursor=abc", "", "", 400, "invalid", "cursor"},
		{"non-owner creates a group", "POST", "/v2/groups", ukey, `{"display_name":"mine"}`, 403, "permission_denied", ""},
		{"non-owner attaches a policy", "POST", "/v2/policies/" + managed + "/users/" + uid, ukey, "", 403, "permission_denied", ""},
		{"non-owner mutates", "POST", "/v2/users", ukey, `{"email":"d@example.com"}`, 403, "permission_denied", ""},
		{"non-owner lists audit", "GET", "/v2/audit-events", ukey, "", 403, "permission_denied", ""},
		{"unknown endpoint", "GET", "/v2/nothing-here", "", "", 404, "not_found", ""},
		{"wrong method", "PUT", "/v2/users", "", `{}`, 405, "method_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := tt.token
			switch token {
			case "":
				token = a.root
			case "-":
				token = ""
			}
			a.t = t
			var got apiError
			a.do(tt.method, tt.path, token, tt.body, tt.wantStatus, &got)
			if got.Status != tt.wantStatus || got.Code != tt.wantCode || got.Field != tt.wantField || got.Error == "" || got.RequestID == "" {
				t.Errorf("%s %s: body = %+v, want status %d code %q field %q and a message",
					tt.method, tt.path, got, tt.wantStatus, tt.wantCode, tt.wantField)
			}
			if tt.wantStatus == 403 && len(got.Explain) == 0 {
				t.Errorf("%s %s: 403 without an explanation", tt.method, tt.path)
			}
		})
	}

	// Faults in a header: an If-Match that names no current version.
	a.t = t
	for _, ifMatch := range []string{`"7"`, `W/"0"`, `"abc"`} {
		_, b := a.doWith("PUT", "/v2/policies/"+pid, a.root, `{"name":"p","policy_document":`+readDoc+`}`,
			map[string]string{"If-Match": ifMatch}, http.StatusPreconditionFailed)
		var got apiError
		if err := json.Unmarshal(b, &got); err != nil || got.Status != 412 || got.Code != "precondition_failed" || got.Error == "" {
			t.Errorf("If-Match %s: body %s, want a 412 precondition_failed", ifMatch, b)
		}
	}
}

// TestUnknownFieldSuggestions: an unknown field close to a known one of the
// request (at any depth) is answered with a "did you mean"; one close to
// none, without; a known name in the wrong object, with the object that
// holds it.
func TestUnknownFieldSuggestions(t *testing.T) {
	a := newAPI(t)
	tests := []struct {
		path, body, field, want string
	}{
		{"/v2/users", `{"email":"c@example.com","nmae":"C"}`, "nmae", `(did you mean "name"?)`},
		{"/v2/authorize", `{"acton":"iam.user.List"}`, "acton", `(did you mean "action"?)`},
		{"/v2/authorize", `{"action":"iam.user.List","resource":{"projct_id":"x"}}`, "projct_id", `(did you mean "project_id"?)`},
		{"/v2/users", `{"email":"c@example.com","zzzzzzzz":"C"}`, "zzzzzzzz", `Unknown field "zzzzzzzz".`},
		// The right name in the wrong object: say which object holds it.
		{"/v2/oidc/issuer", `{"name":"gh","uri":"https://token.actions.githubusercontent.com"}`, "name", `Unknown field "name" here: it belongs inside "issuer".`},
	}
	for _, tt := range tests {
		var e apiError
		a.do("POST", tt.path, a.root, tt.body, http.StatusBadRequest, &e)
		if e.Field != tt.field || !strings.Contains(e.Error, tt.want) {
			t.Errorf("POST %s %s: field %q, error %q; want field %q and an error with %q", tt.path, tt.body, e.Field, e.Error, tt.field, tt.want)
		}
	}
}
