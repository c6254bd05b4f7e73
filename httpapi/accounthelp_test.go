package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// helpingRoutes are the administrator's routes that help someone into
// another member's account: a password set, a second factor removed, a
// sign-in lockout lifted so that the guessing may go on. Each needs its
// action and what the policy below grants with it.
var helpingRoutes = []struct {
	name, method, path, body string
	actions                  string // a JSON list: all the route needs, and nothing more
}{
	{"set password", "PUT", "/v2/users/%s/password", `{"password":"a brand new passphrase"}`, `["iam.user.SetPassword","iam.user.List"]`},
	{"reset MFA", "DELETE", "/v2/users/%s/mfa", "", `["iam.user.ResetMFA","iam.user.List"]`},
	{"unlock", "DELETE", "/v2/users/%s/lockout", "", `["iam.user.Update","iam.user.List"]`},
}

// TestHelpingIntoAnAccount: every route that helps someone into another
// member's account obeys the same two rules as setting its password. An
// organization's admin never touches the root owner's account (403) nor
// an account that belongs to other organizations too (409), and whoever
// does it must hold everything the account holds (403 naming a right the
// account has and the caller lacks): lifting the lockout of a stronger
// member would let a weaker one guess its password without end.
func TestHelpingIntoAnAccount(t *testing.T) {
	a := newAPI(t)
	admin, adminKey := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true,"password":"ada's long passphrase"}`)
	a.attach(managedID(t, a, "AdministratorAccess"), admin)
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true,"password":"bob's long passphrase"}`)
	a.do("POST", "/v2/organizations", bobKey, `{"name":"Bob's"}`, http.StatusCreated, nil)
	erin, _ := a.createErin()
	root := a.rootID()
	for _, rt := range helpingRoutes {
		t.Run(rt.name, func(t *testing.T) {
			a := a.in(t)
			helper, helperKey := a.createUser(`{"email":"help-` + strings.ReplaceAll(rt.name, " ", "-") + `@example.com","name":"Help","api_enabled":true}`)
			a.attach(a.createPolicy("help "+rt.name, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":`+rt.actions+`,"Resource":"*"}]}`), helper)
			tests := []struct {
				name, token, user string
				want              int
				code              string
			}{
				{"the root owner's, by an administrator", adminKey, root, http.StatusForbidden, "permission_denied"},
				{"an account in two organizations, by an administrator", adminKey, bob, http.StatusConflict, "conflict"},
				{"an administrator's, by a member with the action alone", helperKey, admin, http.StatusForbidden, "permission_denied"},
				{"a local member's, by an administrator", adminKey, erin, http.StatusNoContent, ""},
				{"a local member's, by the root owner", a.root, erin, http.StatusNoContent, ""},
			}
			for _, tt := range tests {
				res, b := a.send(rt.method, fmt.Sprintf(rt.path, tt.user), rt.body, map[string]string{"Authorization": "Bearer " + tt.token}, 0)
				var e apiError
				if len(b) > 0 {
					json.Unmarshal(b, &e)
				}
				if got := res.StatusCode; got != tt.want || e.Code != tt.code {
					t.Errorf("%s = %d %q, want %d %q (%s)", tt.name, got, e.Code, tt.want, tt.code, b)
				}
			}
		})
	}
}
