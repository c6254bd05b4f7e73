package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// scimAPI is a server whose organization is in the idp identity mode,
// with a SCIM token and the base path of its SCIM endpoint.
type scimAPI struct {
	*api
	tok, base string
}

func newSCIMAPI(t *testing.T) *scimAPI {
	t.Helper()
	a := newAPI(t)
	a.do("PUT", "/v2/fleet/organizations/"+a.orgID+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	_, tok := a.scimToken(a.root)
	return &scimAPI{a, tok, "/scim/v2/" + a.orgID}
}

// user provisions userName and returns its id.
func (s *scimAPI) user(userName string) string {
	s.t.Helper()
	var u scimUser
	s.scim("POST", s.base+"/Users", s.tok, `{`+scimUserSchema+`,"userName":"`+userName+`"}`, http.StatusCreated, &u)
	return u.ID
}

// scimGroup is a SCIM Group as keyward answers it.
type scimGroup struct {
	ID          string                   `json:"id"`
	DisplayName string                   `json:"displayName"`
	Members     []struct{ Value string } `json:"members"`
}

func (g scimGroup) members() string {
	var ids []string
	for _, m := range g.Members {
		ids = append(ids, m.Value)
	}
	return strings.Join(ids, ",")
}

// TestSCIMGroupsAsEntraSendsThem: Entra ID's PATCH forms (members add,
// remove by filter path, displayName replace without a path), a PUT that
// replaces the group, and a delete; keyward's API cannot change the
// group's name or members (409), but can bind policies to it.
func TestSCIMGroupsAsEntraSendsThem(t *testing.T) {
	s := newSCIMAPI(t)
	ada, bob := s.user("ada@example.com"), s.user("bob@example.com")
	var g scimGroup
	s.scim("POST", s.base+"/Groups", s.tok, `{`+scimGroupSchema+`,"displayName":"ops","externalId":"e-ops","members":[{"value":"`+ada+`"}]}`, http.StatusCreated, &g)
	patch := func(ops string) scimGroup {
		t.Helper()
		var out scimGroup
		s.scim("PATCH", s.base+"/Groups/"+g.ID, s.tok, `{`+scimPatchSchema+`,"Operations":[`+ops+`]}`, http.StatusOK, &out)
		return out
	}
	for _, tc := range []struct {
		name, ops, wantName, wantMembers string
	}{
		{"add bob", `{"op":"Add","path":"members","value":[{"value":"` + bob + `"}]}`, "ops", ada + "," + bob},
		{"remove ada by filter", `{"op":"Remove","path":"members[value eq \"` + ada + `\"]"}`, "ops", bob},
		{"rename without a path", `{"op":"Replace","value":{"displayName":"operations"}}`, "operations", bob},
		{"replace members", `{"op":"replace","path":"members","value":[{"value":"` + ada + `"}]}`, "operations", ada},
		{"remove listed", `{"op":"remove","path":"members","value":[{"value":"` + ada + `"}]}`, "operations", ""},
	} {
		got := patch(tc.ops)
		if got.DisplayName != tc.wantName || got.members() != tc.wantMembers {
			t.Errorf("%s: %s [%s], want %s [%s]", tc.name, got.DisplayName, got.members(), tc.wantName, tc.wantMembers)
		}
	}
	var put scimGroup
	s.scim("PUT", s.base+"/Groups/"+g.ID, s.tok, `{`+scimGroupSchema+`,"displayName":"ops","members":[{"value":"`+bob+`"}]}`, http.StatusOK, &put)
	if put.DisplayName != "ops" || put.members() != bob {
		t.Errorf("after PUT: %s [%s], want ops [%s]", put.DisplayName, put.members(), bob)
	}

	for _, tc := range []struct{ method, path, body string }{
		{"PUT", "/v2/groups/" + g.ID, `{"display_name":"renamed","description":""}`},
		{"POST", "/v2/groups/" + g.ID + "/members", `{"user_id":"` + ada + `"}`},
		{"DELETE", "/v2/groups/" + g.ID + "/members/" + bob, ""},
		{"PATCH", "/v2/users/" + bob, `{"name":"Eve"}`},
	} {
		s.do(tc.method, tc.path, s.root, tc.body, http.StatusConflict, nil)
	}
	pol := s.postPolicy(s.root, "readers", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	s.do("POST", "/v2/policies/"+pol+"/groups/"+g.ID, s.root, "", http.StatusNoContent, nil)
	if !s.allowed(bob, "compute.instance.Read") {
		t.Error("a policy attached to the SCIM group does not reach its member")
	}

	s.scim("DELETE", s.base+"/Groups/"+g.ID, s.tok, "", http.StatusNoContent, nil)
	s.scim("GET", s.base+"/Groups/"+g.ID, s.tok, "", http.StatusNotFound, nil)
	if s.allowed(bob, "compute.instance.Read") {
		t.Error("bob keeps the deleted group's policy")
	}
}

// TestSCIMUserLifecycle: a PUT replaces the user (active false suspends
// it, true lifts it), a DELETE deprovisions it: suspended, gone from
// SCIM, its record kept; provisioning it again takes the record back.
func TestSCIMUserLifecycle(t *testing.T) {
	s := newSCIMAPI(t)
	ada := s.user("ada@example.com")
	status := func() string {
		var out struct {
			User struct{ Status, Email, Name string } `json:"user"`
		}
		s.do("GET", "/v2/users/"+ada, s.root, "", http.StatusOK, &out)
		return out.User.Status + " " + out.User.Email + " " + out.User.Name
	}
	var u scimUser
	s.scim("PUT", s.base+"/Users/"+ada, s.tok, `{`+scimUserSchema+`,"userName":"ada.l@example.com","name":{"givenName":"Ada","familyName":"L"},"active":false}`, http.StatusOK, &u)
	if got, want := status(), "suspended ada.l@example.com Ada L"; got != want || u.Active {
		t.Errorf("after PUT active=false: %q (active %v), want %q", got, u.Active, want)
	}
	s.scim("PATCH", s.base+"/Users/"+ada, s.tok, `{`+scimPatchSchema+`,"Operations":[{"op":"replace","path":"active","value":true},{"op":"replace","path":"displayName","value":"Ada"}]}`, http.StatusOK, &u)
	if got, want := status(), "active ada.l@example.com Ada"; got != want || !u.Active {
		t.Errorf("after PATCH active=true: %q (active %v), want %q", got, u.Active, want)
	}

	// Entra ID's form: a boolean as a string.
	s.scim("PATCH", s.base+"/Users/"+ada, s.tok, `{`+scimPatchSchema+`,"Operations":[{"op":"Replace","path":"active","value":"False"}]}`, http.StatusOK, &u)
	if got, want := status(), "suspended ada.l@example.com Ada"; got != want || u.Active {
		t.Errorf(`after PATCH active="False": %q (active %v), want %q`, got, u.Active, want)
	}

	s.scim("DELETE", s.base+"/Users/"+ada, s.tok, "", http.StatusNoContent, nil)
	s.scim("GET", s.base+"/Users/"+ada, s.tok, "", http.StatusNotFound, nil)
	s.scim("DELETE", s.base+"/Users/"+ada, s.tok, "", http.StatusNotFound, nil)
	if got, want := status(), "suspended ada.l@example.com Ada"; got != want {
		t.Errorf("after DELETE: %q, want the record kept, %q", got, want)
	}
	s.scim("POST", s.base+"/Users", s.tok, `{`+scimUserSchema+`,"userName":"ada.l@example.com","active":true}`, http.StatusCreated, &u)
	if got, want := status(), "active ada.l@example.com Ada"; u.ID != ada || got != want {
		t.Errorf("provisioned again: id %s, %q; want %s, %q", u.ID, got, ada, want)
	}
}

// TestSCIMBadInput: what a provider sends wrong is a 4xx in SCIM's shape,
// never a 5xx.
func TestSCIMBadInput(t *testing.T) {
	s := newSCIMAPI(t)
	ada := s.user("ada@example.com")
	s.scim("POST", s.base+"/Groups", s.tok, `{`+scimGroupSchema+`,"displayName":"ops"}`, http.StatusCreated, nil)
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/Users", `{` + scimUserSchema + `}`, http.StatusBadRequest},
		{"POST", "/Users", `{` + scimUserSchema + `,"userName":"not an email"}`, http.StatusBadRequest},
		{"POST", "/Users", `{` + scimUserSchema + `,"userName":"ADA@example.com"}`, http.StatusConflict},
		{"POST", "/Users", `{"userName":`, http.StatusBadRequest},
		{"POST", "/Users", `{` + scimUserSchema + `,"userName":"x@example.com","active":"maybe"}`, http.StatusBadRequest},
		{"POST", "/Groups", `{` + scimGroupSchema + `,"displayName":"OPS"}`, http.StatusConflict},
		{"POST", "/Groups", `{` + scimGroupSchema + `,"displayName":"devs","members":[{"value":"0193a000-0000-7000-8000-00000000dead"}]}`, http.StatusBadRequest},
		{"POST", "/Groups", `{` + scimGroupSchema + `,"displayName":"devs","members":[{"value":"not-an-id"}]}`, http.StatusBadRequest},
		{"GET", "/Users/not-an-id", "", http.StatusNotFound},
		{"PATCH", "/Users/" + ada, `{` + scimPatchSchema + `,"Operations":[{"op":"replace","value":"x"}]}`, http.StatusBadRequest},
		{"PATCH", "/Users/" + ada, `{` + scimPatchSchema + `,"Operations":[{"op":"replace","path":"userName","value":"nope"}]}`, http.StatusBadRequest},
		{"GET", "/Nothing", "", http.StatusNotFound},
	} {
		t.Run(tc.method+" "+tc.path+" "+tc.body, func(t *testing.T) {
			s.in(t).scim(tc.method, s.base+tc.path, s.tok, tc.body, tc.want, nil)
		})
	}
}
