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

// inviterFixture is an organization with a role admins (administrator
// access), a group ops, and bob, who may invite and grant both; bob has
// invited x@example.com with both.
type inviterFixture struct {
	*mailAPI
	bob, may, admins, ops, invitation string
}

func newInviterFixture(t *testing.T) *inviterFixture {
	f := &inviterFixture{mailAPI: newMailAPI(t, false)}
	f.admins = f.postRole(f.root, "admins", "assignable")
	f.do("POST", "/v2/roles/"+f.admins+"/policies/"+policyID("AdministratorAccess"), f.root, "", http.StatusCreated, nil)
	f.ops = f.postGroup(f.root, "ops")
	var bobKey string
	f.bob, bobKey = f.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	f.may = f.createPolicy("inviter", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.invitation.Create","Resource":"*"},`+
		`{"Effect":"Allow","Action":"iam.role.AttachUser","Resource":"`+f.admins+`"},{"Effect":"Allow","Action":"iam.group.AddMember","Resource":"`+f.ops+`"}]}`)
	f.attach(f.may, f.bob)
	var inv struct{ ID string }
	f.do("POST", "/v2/invitation", bobKey, `{"email_invited":"x@example.com","permissions":{"api_enabled":true},"role_ids":["`+f.admins+`"],"group_ids":["`+f.ops+`"]}`,
		http.StatusCreated, &inv)
	f.invitation = inv.ID
	return f
}

// TestInvitationGrantsRecheckedAtAccept: an invitation is accepted only if
// its inviter may still grant what it grants, as the inviter stands now;
// removing the inviter revokes its pending invitations. An invitation used
// to keep its grants after its inviter lost them, and even after the
// inviter was removed: x was admin.
func TestInvitationGrantsRecheckedAtAccept(t *testing.T) {
	for _, tc := range []struct {
		name    string
		change  func(f *inviterFixture)
		want    int
		says    string
		granted []string // the roles the new member holds
	}{
		{"inviter unchanged", func(f *inviterFixture) {}, http.StatusCreated, "", []string{"admins"}},
		{"inviter's rights removed", func(f *inviterFixture) {
			f.do("DELETE", "/v2/policies/"+f.may+"/users/"+f.bob, f.root, "", http.StatusNoContent, nil)
		}, http.StatusConflict, "may no longer grant", nil},
		{"inviter may no longer add to the group", func(f *inviterFixture) {
			deny := f.createPolicy("no-ops", `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"iam.group.AddMember","Resource":"`+f.ops+`"}]}`)
			f.attach(deny, f.bob)
		}, http.StatusConflict, "may no longer grant", nil},
		{"inviter suspended", func(f *inviterFixture) {
			f.do("PUT", "/v2/organizations/"+f.orgID+"/user/"+f.bob+"/suspend", f.root, "", http.StatusNoContent, nil)
		}, http.StatusConflict, "no longer an active member", nil},
		{"inviter's rights removed, then inviter removed", func(f *inviterFixture) {
			f.do("DELETE", "/v2/policies/"+f.may+"/users/"+f.bob, f.root, "", http.StatusNoContent, nil)
			f.do("DELETE", "/v2/organizations/"+f.orgID+"/user/"+f.bob, f.root, "", http.StatusNoContent, nil)
		}, http.StatusGone, "revoked", nil},
		{"inviter deleted", func(f *inviterFixture) {
			f.do("DELETE", "/v2/users/"+f.bob, f.root, "", http.StatusNoContent, nil)
		}, http.StatusGone, "revoked", nil},
		{"granted role deleted since", func(f *inviterFixture) {
			f.do("DELETE", "/v2/roles/"+f.admins, f.root, "", http.StatusNoContent, nil)
		}, http.StatusCreated, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newInviterFixture(t)
			f.api = f.in(t)
			tc.change(f)
			link := f.outboxLink(f.invitation)
			if tc.want != http.StatusCreated {
				var e apiError
				f.do("POST", "/v2/invitations/accept", "", `{"token":"`+token(t, link)+`","name":"X","password":"correct horse battery"}`, tc.want, &e)
				if !strings.Contains(e.Error, tc.says) {
					t.Errorf("refusal %q, want it to say %q", e.Error, tc.says)
				}
				// Nothing was written: no account, and the invitation is as
				// it was.
				var users struct {
					Users []struct{ ID string } `json:"users"`
				}
				f.do("GET", "/v2/users?email=x@example.com", f.root, "", http.StatusOK, &users)
				var inv map[string]any
				f.do("GET", "/v2/invitation/"+f.invitation, f.root, "", http.StatusOK, &inv)
				wantState := "pending"
				if tc.want == http.StatusGone {
					wantState = "revoked"
				}
				if len(users.Users) != 0 || inv["invite_status"] != wantState {
					t.Errorf("after the refusal: users %v, invitation %v; want none, %s", users.Users, inv["invite_status"], wantState)
				}
				return
			}
			var got accepted
			f.accept(link, "", "X", "correct horse battery", http.StatusCreated, &got)
			var names []string
			var roles struct {
				Roles struct {
					Direct []struct{ Name string } `json:"direct"`
				} `json:"roles"`
			}
			f.do("GET", "/v2/users/me/roles", got.User.APIKey, "", http.StatusOK, &roles)
			for _, r := range roles.Roles.Direct {
				names = append(names, r.Name)
			}
			if !slices.Equal(names, tc.granted) {
				t.Errorf("roles of the new member = %v, want %v", names, tc.granted)
			}
		})
	}
}

// TestRemovedInviterInvitationsRevoked: removing a member revokes its
// pending invitations, and the removal's one audit event counts them.
func TestRemovedInviterInvitationsRevoked(t *testing.T) {
	f := newInviterFixture(t)
	f.do("DELETE", "/v2/organizations/"+f.orgID+"/user/"+f.bob, f.root, "", http.StatusNoContent, nil)
	var events struct {
		Events []struct {
			Action string `json:"action"`
			After  struct {
				InvitationsRevoked int `json:"invitations_revoked"`
			} `json:"after"`
		} `json:"audit_events"`
	}
	f.do("GET", "/v2/audit-events?target_id="+f.bob, f.root, "", http.StatusOK, &events)
	if len(events.Events) == 0 || events.Events[0].Action != "iam.organization.RemoveUser" || events.Events[0].After.InvitationsRevoked != 1 {
		t.Errorf("audit events of bob = %+v, want his removal first, counting 1 invitation revoked", events.Events)
	}
	var inv map[string]any
	f.do("GET", "/v2/invitation/"+f.invitation, f.root, "", http.StatusOK, &inv)
	if inv["invite_status"] != "revoked" {
		t.Errorf("bob's invitation is %v, want revoked", inv["invite_status"])
	}
}
