package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/policy"
)

// directRoles returns the ids of the roles bound to the holder of key.
func (a *api) directRoles(key string) []string {
	a.t.Helper()
	var roles struct {
		Roles struct {
			Direct []struct{ ID string } `json:"direct"`
		} `json:"roles"`
	}
	a.do("GET", "/v2/users/me/roles", key, "", http.StatusOK, &roles)
	var ids []string
	for _, r := range roles.Roles.Direct {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestInvitationBindsBuiltinRole: a built-in role granted by an invitation
// is bound at acceptance, as a role assignment binds it. It used to be
// looked up among the stored roles, where built-in roles are not, and
// silently dropped.
func TestInvitationBindsBuiltinRole(t *testing.T) {
	m := newMailAPI(t, false)
	viewer := policy.BuiltinRoleID("Viewer")
	id := m.invite(`{"email_invited":"vera@example.com","permissions":{"api_enabled":true},"role_ids":["` + viewer + `"]}`)
	var got accepted
	m.accept(m.outboxLink(id), "", "Vera", "correct horse battery", http.StatusCreated, &got)
	if roles := m.directRoles(got.User.APIKey); !slices.Equal(roles, []string{viewer}) {
		t.Errorf("direct roles of the new member = %v, want Viewer %s", roles, viewer)
	}
	for action, want := range map[string]bool{"compute.instance.List": true, "compute.instance.Delete": false, "iam.user.Delete": false} {
		if allowed := m.allowed(got.User.ID, action); allowed != want {
			t.Errorf("%s = %v, want %v (Viewer)", action, allowed, want)
		}
	}
}

// TestInvitationBuiltinRoleRules: granting a built-in role by invitation
// needs the right to assign that role, as an assignment does, and only
// its exact id names it.
func TestInvitationBuiltinRoleRules(t *testing.T) {
	m := newMailAPI(t, false)
	admin, viewer := policy.BuiltinRoleID("Admin"), policy.BuiltinRoleID("Viewer")
	bob, bobKey := m.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	may := m.createPolicy("invite-viewers", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.invitation.Create","Resource":"*"},`+
		`{"Effect":"Allow","Action":"iam.role.AttachUser","Resource":"`+viewer+`"}]}`)
	m.attach(may, bob)
	for _, tc := range []struct {
		name, roles string
		want        int
		field       string
	}{
		{"a built-in role it may assign", viewer, http.StatusCreated, ""},
		{"a built-in role it may not assign", admin, http.StatusForbidden, ""},
		{"an id in capitals", strings.ToUpper(viewer), http.StatusBadRequest, "role_ids"},
		{"a role name", "Viewer", http.StatusBadRequest, "role_ids"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			m.in(t).do("POST", "/v2/invitation", bobKey, `{"email_invited":"`+strings.ReplaceAll(tc.name, " ", "-")+`@example.com","role_ids":["`+tc.roles+`"]}`, tc.want, &e)
			if e.Field != tc.field {
				t.Errorf("field = %q (%s), want %q", e.Field, e.Error, tc.field)
			}
		})
	}
}
