package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestRepeatedKeys sends bodies with a key given twice, or in two
// spellings, to real routes, at every depth, and checks that each is
// refused with a 400 naming the key, before anything is done.
func TestRepeatedKeys(t *testing.T) {
	a := newAPI(t)
	doc := func(stmt string) string {
		return `{"name":"dup","policy_document":{"Version":"2026-03-20","Statement":[` + stmt + `]}}`
	}
	tests := []struct {
		name, method, path, body string
		wantField, wantKey       string
	}{
		{"authorize: two spellings", "POST", "/v2/authorize", `{"action":"compute.instance.List","Action":"iam.user.Delete"}`, "Action", `"Action"`},
		{"authorize: twice", "POST", "/v2/authorize", `{"action":"iam.user.Delete","action":"compute.instance.List"}`, "action", `"action"`},
		{"authorize: escaped", "POST", "/v2/authorize", `{"action":"compute.instance.List","\u0061ction":"iam.user.Delete"}`, "action", `"action"`},
		{"authorize: long s", "POST", "/v2/authorize", `{"action":"compute.instance.List","resource":{},"re\u017fource":{}}`, "re\u017fource", "\"re\u017fource\""},
		{"authorize: nested", "POST", "/v2/authorize", `{"action":"compute.instance.List","resource":{"id":"0193a000-0000-7000-8000-000000000012","ID":"0193a000-0000-7000-8000-000000000013"}}`, "resource.ID", `"ID"`},
		{"authorize: whole members", "POST", "/v2/authorize", `{"action":"compute.instance.List","context":{"mfa":true},"CONTEXT":{"mfa":false}}`, "CONTEXT", `"CONTEXT"`},
		{"authorize batch", "POST", "/v2/authorize/batch", `{"checks":[{"action":"compute.instance.List"},{"action":"compute.instance.List","ACTION":"iam.user.Delete"}]}`, "checks[1].ACTION", `"ACTION"`},
		{"create a user", "POST", "/v2/users", `{"email":"c@example.com","Email":"d@example.com"}`, "Email", `"Email"`},
		{"create a group", "POST", "/v2/groups", `{"display_name":"g","description":"","display_name":"h"}`, "display_name", `"display_name"`},
		{"change a password", "PUT", "/v2/users/me/password", `{"current_password":"x","new_password":"kx7q9wvz!?","New_Password":"another one!"}`, "New_Password", `"New_Password"`},
		{"policy: a statement field twice", "POST", "/v2/policies", doc(`{"Effect":"Deny","Effect":"Allow","Action":"*","Resource":"*"}`), "policy_document.Statement[0].Effect", `"Effect"`},
		{"policy: a statement field in two spellings", "POST", "/v2/policies", doc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","effect":"Deny","Action":"*","Resource":"*"}`), "policy_document.Statement[1].effect", `"effect"`},
		{"policy: condition keys", "POST", "/v2/policies", doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/team":"a","keyward:PrincipalTag/Team":"b"}}}`),
			"policy_document.Statement[0].Condition.StringEquals.keyward:PrincipalTag/Team", `"keyward:PrincipalTag/Team"`},
		{"policy: the document itself", "POST", "/v2/policies", `{"name":"dup","policy_document":{"Version":"2026-03-20","Statement":[],"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}`, "policy_document.Statement", `"Statement"`},
		{"assume: the session policy", "POST", "/v2/assumed-roles/assume", `{"role_id":"0193a000-0000-7000-8000-000000000012","session_policy":{"Version":"2026-03-20","version":"2012-10-17","Statement":[]}}`, "session_policy.version", `"version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.t = t
			var got apiError
			a.do(tt.method, tt.path, a.root, tt.body, http.StatusBadRequest, &got)
			if got.Code != "invalid" || got.Field != tt.wantField || !strings.Contains(got.Error, tt.wantKey) {
				t.Errorf("%s %s: %+v, want invalid, field %q, naming %s", tt.method, tt.path, got, tt.wantField, tt.wantKey)
			}
		})
	}
	// Nothing was made.
	a.t = t
	var users struct {
		Users []struct{ Email string } `json:"users"`
	}
	a.do("GET", "/v2/users", a.root, "", http.StatusOK, &users)
	for _, u := range users.Users {
		if u.Email == "c@example.com" || u.Email == "d@example.com" {
			t.Errorf("a user was created from a refused body: %+v", u)
		}
	}
}
