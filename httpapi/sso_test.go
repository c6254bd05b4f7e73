package httpapi_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// ssoAPI is the real server whose organization signs its people in
// through a real OpenID provider in the test process.
type ssoAPI struct {
	*api
	idp *keywardtest.IdP
}

// newSSOAPI starts the server and the provider, puts the organization in
// the idp identity mode and configures the provider, with ada (groups
// ops) as its person.
func newSSOAPI(t *testing.T) *ssoAPI {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	idp := keywardtest.NewIdP(t, base+"/v2/auth/sso/callback")
	a := newAPIOn(t, service.Options{PublicURL: base, OIDCAllowHTTP: true,
		SignIn: identity.New(identity.Options{AllowPrivate: true})}, l)
	s := &ssoAPI{a, idp}
	s.ssoOrg(a.orgID, a.root, "")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-ada", Username: "ada", Password: "pw-ada", Email: "ada@example.com", Name: "Ada", Groups: []string{"ops"}})
	return s
}

// ssoOrg makes org (token's) sign in through s.idp, with extra fields of
// the provider's configuration.
func (s *ssoAPI) ssoOrg(org, token, extra string) {
	s.t.Helper()
	s.do("PUT", "/v2/fleet/organizations/"+org+"/identity-mode", s.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	s.do("PUT", "/v2/identity-provider", token, `{"issuer":"`+s.idp.URL+`","client_id":"`+s.idp.ClientID+`","client_secret":"`+s.idp.ClientSecret+
		`","scopes":["email","profile","groups"]`+extra+`}`, http.StatusOK, nil)
}

// ssoOut is the callback's answer.
type ssoOut struct {
	Session struct {
		Token string `json:"token"`
	} `json:"login_session"`
	User struct {
		ID, Email, Name, Source string
	} `json:"user"`
	ReturnTo string `json:"return_to"`
}

// authorize runs the browser's sign-in into org at the provider and
// returns the callback URL it was sent back to, not yet visited.
func (s *ssoAPI) authorize(browser *http.Client, org, username, query string) *url.URL {
	s.t.Helper()
	cb, err := s.idp.Authorize(browser, s.srv.URL+"/v2/auth/sso/"+org+query, username, "pw-"+username)
	if err != nil {
		s.t.Fatal(err)
	}
	return cb
}

// callback visits u with browser, without following a redirect, and
// checks the status; it reads a signed-in answer (ssoAnswer).
func (s *ssoAPI) callback(browser *http.Client, u string, want int) (ssoOut, string) {
	s.t.Helper()
	once := *browser
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := once.Get(u)
	if err != nil {
		s.t.Fatal(err)
	}
	return s.api.ssoAnswer(s.t, "GET "+u, res, want)
}

// ssoAnswer reads the answer of a finished sign-in (the OIDC callback or
// the SAML ACS) and checks its status: a 201 is the login session as
// JSON; a 303, the browser's way back to return_to with the session in
// the console's cookie, whose token and user it reads back, so both
// kinds give the same ssoOut.
func (a *api) ssoAnswer(t testing.TB, what string, res *http.Response, want int) (ssoOut, string) {
	t.Helper()
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s = %d %s, want %d", what, res.StatusCode, b, want)
	}
	var out ssoOut
	switch want {
	case http.StatusCreated:
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
	case http.StatusSeeOther:
		for _, c := range res.Cookies() {
			if c.Name == keyward.SessionCookie && c.HttpOnly && c.SameSite == http.SameSiteLaxMode && c.Path == "/" {
				out.Session.Token = c.Value
			}
		}
		if out.Session.Token == "" {
			t.Fatalf("%s: 303 without the console's session cookie (HttpOnly, SameSite=Lax, Path=/): %v", what, res.Header["Set-Cookie"])
		}
		out.ReturnTo = res.Header.Get("Location")
		var me struct {
			User struct{ ID, Email, Name, Source string } `json:"user"`
		}
		a.do("GET", "/v2/users/me", out.Session.Token, "", http.StatusOK, &me)
		out.User.ID, out.User.Email, out.User.Name, out.User.Source = me.User.ID, me.User.Email, me.User.Name, me.User.Source
	}
	return out, string(b)
}

// signIn signs username in to org in a new browser.
func (s *ssoAPI) signIn(org, username string) ssoOut {
	s.t.Helper()
	b := keywardtest.Browser(s.t)
	out, _ := s.callback(b, s.authorize(b, org, username, "").String(), http.StatusCreated)
	return out
}

// groupsOf lists the names of the groups user is a member of, with their
// sources.
func (s *ssoAPI) groupsOf(user string) []string {
	s.t.Helper()
	var out struct {
		Groups []struct {
			DisplayName string `json:"display_name"`
			Source      string `json:"source"`
		} `json:"groups"`
	}
	s.do("GET", "/v2/users/"+user+"/groups", s.root, "", http.StatusOK, &out)
	var names []string
	for _, g := range out.Groups {
		names = append(names, g.DisplayName+":"+g.Source)
	}
	slices.Sort(names)
	return names
}

// groupID returns the id of the group named name.
func (s *ssoAPI) groupID(name string) string {
	s.t.Helper()
	var out struct {
		Groups []struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
		} `json:"groups"`
	}
	s.do("GET", "/v2/groups?per_page=500", s.root, "", http.StatusOK, &out)
	for _, g := range out.Groups {
		if g.DisplayName == name {
			return g.ID
		}
	}
	s.t.Fatalf("no group %s", name)
	return ""
}

// TestSSOImportsUsersAndGroups: the first sign-in creates the user and its
// groups from the ID token's claims and answers a login session that
// calls the API; the next one follows the IdP's changes to the email,
// the name and the groups, on the same user.
func TestSSOImportsUsersAndGroups(t *testing.T) {
	s := newSSOAPI(t)
	b := keywardtest.Browser(t)
	// Started with a return_to, as the console does: the browser is sent
	// back there with the session in the console's cookie.
	first, _ := s.callback(b, s.authorize(b, s.orgID, "ada", "?return_to=/console/projects").String(), http.StatusSeeOther)
	if !strings.HasPrefix(first.Session.Token, "kws_") || first.User.Email != "ada@example.com" || first.User.Name != "Ada" ||
		first.User.Source != "idp" || first.ReturnTo != "/console/projects" {
		t.Fatalf("first sign-in = %+v, want a kws_ session of ada@example.com (Ada, idp), return_to /console/projects", first)
	}
	var me struct {
		User struct{ ID, Email, Source string } `json:"user"`
	}
	s.do("GET", "/v2/users/me", first.Session.Token, "", http.StatusOK, &me)
	if me.User.ID != first.User.ID || me.User.Source != "idp" {
		t.Errorf("GET /v2/users/me with the session = %+v, want ada (idp)", me.User)
	}
	if got, want := s.groupsOf(first.User.ID), []string{"ops:idp"}; !slices.Equal(got, want) {
		t.Errorf("groups after the first sign-in = %v, want %v", got, want)
	}

	s.idp.Update("ada", func(u *keywardtest.IdPUser) {
		u.Email, u.Name, u.Groups = "ada.lovelace@example.com", "Ada Lovelace", []string{"dev", "oncall"}
	})
	second := s.signIn(s.orgID, "ada")
	if second.User.ID != first.User.ID || second.User.Email != "ada.lovelace@example.com" || second.User.Name != "Ada Lovelace" {
		t.Errorf("second sign-in = %+v, want user %s updated to ada.lovelace@example.com, Ada Lovelace", second.User, first.User.ID)
	}
	if got, want := s.groupsOf(first.User.ID), []string{"dev:idp", "oncall:idp"}; !slices.Equal(got, want) {
		t.Errorf("groups after the IdP changed them = %v, want %v", got, want)
	}
	s.groupID("ops") // the group stays, without ada

	events := s.auditEvents(s.root)
	byIdP := map[string]int{}
	for _, e := range events {
		if e.ActorType == "identity_provider" {
			byIdP[e.Action]++
			if want := []string{"idp:" + s.idp.URL, "sub:sub-ada"}; !slices.Equal(e.ActorChain, want) {
				t.Errorf("%s by the IdP: actor chain %v, want %v", e.Action, e.ActorChain, want)
			}
		}
	}
	logins := 0
	for _, e := range events {
		if e.Action == "iam.user.Login" && e.ActorType == "user" && strings.Contains(string(e.After), `"external_id":"`+s.idp.URL+`#sub-ada"`) {
			logins++
		}
	}
	if logins != 2 {
		t.Errorf("sign-in events naming ada's identity at the IdP = %d, want 2", logins)
	}
	want := map[string]int{"iam.user.Create": 1, "iam.user.Update": 1, "iam.group.Create": 3, "iam.group.AddMember": 3, "iam.group.RemoveMember": 1}
	for action, n := range want {
		if byIdP[action] != n {
			t.Errorf("audit events of %s by the IdP = %d, want %d (all: %v)", action, byIdP[action], n, byIdP)
		}
	}
}

// TestSSOGroupAccessFollowsIdP is seed 004's check: a role bound to an
// IdP group in a project gives its members access there; once the IdP
// takes the user out of the group, the next sign-in takes the access away.
func TestSSOGroupAccessFollowsIdP(t *testing.T) {
	s := newSSOAPI(t)
	ada := s.signIn(s.orgID, "ada").User.ID
	proj := s.project("prod")
	ops := s.groupID("ops")
	s.do("PUT", "/v2/projects/"+proj+"/role-assignments", s.root,
		`{"role_assignments":[{"identity_id":"`+ops+`","identity_type":"silo_group","role_name":"viewer"}]}`, http.StatusOK, nil)
	check := `{"principal_id":"` + ada + `","action":"compute.instance.Read","resource":{"id":"` + proj + `","project_id":"` + proj + `"},"explain":false}`
	decision := func() string {
		var out struct{ Decision string }
		s.do("POST", "/v2/authorize", s.root, check, http.StatusOK, &out)
		return out.Decision
	}
	if got := decision(); got != "allow" {
		t.Fatalf("ada in ops, viewer of prod: %s, want allow", got)
	}
	s.idp.Update("ada", func(u *keywardtest.IdPUser) { u.Groups = nil })
	if got := decision(); got != "allow" {
		t.Errorf("before the next sign-in: %s, want allow (keyward learns of the IdP's groups at sign-in)", got)
	}
	s.signIn(s.orgID, "ada")
	if got := decision(); got != "deny" {
		t.Errorf("after the IdP took ada out of ops and she signed in again: %s, want deny", got)
	}
}

// TestSSODeletedGroupFollowsIdP: a sign-in takes the user out of a deleted
// IdP group the IdP no longer names, so that the group's restore does not
// bring the membership back.
func TestSSODeletedGroupFollowsIdP(t *testing.T) {
	s := newSSOAPI(t)
	ada := s.signIn(s.orgID, "ada").User.ID
	ops := s.groupID("ops")
	s.do("DELETE", "/v2/groups/"+ops, s.root, "", http.StatusNoContent, nil)
	s.idp.Update("ada", func(u *keywardtest.IdPUser) { u.Groups = nil })
	s.signIn(s.orgID, "ada")
	s.do("PATCH", "/v2/groups/"+ops+"/restore", s.root, "", http.StatusOK, nil)
	var members struct {
		Members []struct {
			ID string `json:"id"`
		} `json:"members"`
	}
	s.do("GET", "/v2/groups/"+ops+"/members", s.root, "", http.StatusOK, &members)
	for _, m := range members.Members {
		if m.ID == ada {
			t.Errorf("the restored IdP group still has ada, whom the IdP took out of it while it was deleted")
		}
	}
}

// TestSSOUsersAndGroupsReadOnly: the IdP is the source of truth of its
// users' email and name and of its groups' names and members (409 naming
// the field), while policies can still be attached to them.
func TestSSOUsersAndGroupsReadOnly(t *testing.T) {
	s := newSSOAPI(t)
	ada := s.signIn(s.orgID, "ada").User.ID
	ops := s.groupID("ops")
	other, _ := s.createUserWith(s.root, `{"email":"svc@example.com","name":"svc","service_user":true}`)
	local := s.postGroup(s.root, "local")
	for _, tc := range []struct{ method, path, body, field string }{
		{"PUT", "/v2/groups/" + ops, `{"display_name":"renamed","description":""}`, "display_name"},
		{"POST", "/v2/groups/" + ops + "/members", `{"user_id":"` + other + `"}`, "user_id"},
		{"DELETE", "/v2/groups/" + ops + "/members/" + ada, "", "user_id"},
		{"PATCH", "/v2/users/" + ada, `{"name":"Eve"}`, "email"},
		{"PATCH", "/v2/users/" + ada, `{"email":"eve@example.com"}`, "email"},
		{"PUT", "/v2/users/" + ada + "/password", `{"password":"a long new password"}`, "email"},
	} {
		var e struct{ Field, Error string }
		s.do(tc.method, tc.path, s.root, tc.body, http.StatusConflict, &e)
		if e.Field != tc.field || !strings.Contains(e.Error, "identity provider") {
			t.Errorf("%s %s = %+v, want a 409 naming %s and the identity provider", tc.method, tc.path, e, tc.field)
		}
	}
	pol := s.postPolicy(s.root, "readers", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}]}`)
	s.do("POST", "/v2/policies/"+pol+"/groups/"+ops, s.root, "", http.StatusNoContent, nil)
	s.do("POST", "/v2/groups/"+local+"/members", s.root, `{"user_id":"`+ada+`"}`, http.StatusNoContent, nil)
	if !s.allowed(ada, "compute.instance.Read") {
		t.Error("a policy attached to the IdP group does not reach its member")
	}
	// A local group ada joined is not the IdP's to take away.
	s.signIn(s.orgID, "ada")
	if got, want := s.groupsOf(ada), []string{"local:local", "ops:idp"}; !slices.Equal(got, want) {
		t.Errorf("groups after signing in again = %v, want %v", got, want)
	}
}

// TestSSOSharedAccountKeepsItsProfile: a member linked to the provider
// whose account belongs to other organizations too (here bob, who owns
// his own) signs in, but the provider's email and name do not overwrite
// the account's: they are the person's, and another organization's owner,
// not this organization's provider's to change. Otherwise an organization
// could rename another's root owner to an address it reads, and reset its
// password from there.
func TestSSOSharedAccountKeepsItsProfile(t *testing.T) {
	s := newSSOAPI(t)
	mode := func(m string) {
		s.do("PUT", "/v2/fleet/organizations/"+s.orgID+"/identity-mode", s.root, `{"identity_mode":"`+m+`"}`, http.StatusOK, nil)
	}
	mode("local") // bob joined before the organization moved to its provider
	bob, bobKey := s.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	mode("idp")
	s.do("POST", "/v2/organizations", bobKey, `{"name":"Bob's"}`, http.StatusCreated, nil)
	s.idp.SetUser(keywardtest.IdPUser{Subject: "sub-bob", Username: "bob", Password: "pw-bob", Email: "bob@example.com", Name: "Robert"})
	first := s.signIn(s.orgID, "bob")
	s.idp.Update("bob", func(u *keywardtest.IdPUser) { u.Email = "stolen@evil.example" })
	second := s.signIn(s.orgID, "bob")
	var got struct {
		User struct{ Email, Name string } `json:"user"`
	}
	s.do("GET", "/v2/users/"+bob, s.root, "", http.StatusOK, &got)
	if first.User.ID != bob || second.User.ID != bob || got.User.Email != "bob@example.com" || got.User.Name != "Bob" {
		t.Errorf("after two sign-ins (Robert, then stolen@evil.example): users %s, %s; account %+v; want bob's, bob@example.com, Bob",
			first.User.ID, second.User.ID, got.User)
	}
}
