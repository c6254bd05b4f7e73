package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// TestSSOFlowMisuse: a callback is honoured once, in the browser that
// started the sign-in, with the code of that very flow; anything else is
// refused and logs nobody in.
func TestSSOFlowMisuse(t *testing.T) {
	s := newSSOAPI(t)
	orgB, tokenB := s.otherOrg("B")
	s.ssoOrg(orgB, tokenB, "")
	withQuery := func(u *url.URL, edit func(url.Values)) string {
		c := *u
		q := c.Query()
		edit(q)
		c.RawQuery = q.Encode()
		return c.String()
	}
	tests := []struct {
		name string
		// run returns the browser and the callback URL it visits, which
		// must be refused with want.
		run  func(t *testing.T) (*http.Client, string)
		want int
	}{
		{"replayed callback", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "").String()
			s.callback(b, cb, http.StatusCreated)
			return b, cb
		}, http.StatusUnauthorized},
		{"replayed state with its cookie set again", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "")
			s.callback(b, cb.String(), http.StatusCreated)
			b.Jar.SetCookies(cb, []*http.Cookie{{Name: "keyward_sso", Value: cb.Query().Get("state"), Path: "/v2/auth/sso/"}})
			return b, cb.String()
		}, http.StatusUnauthorized},
		{"forged state", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "")
			return b, withQuery(cb, func(q url.Values) { q.Set("state", strings.Repeat("0", 64)) })
		}, http.StatusUnauthorized},
		{"no state", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "")
			return b, withQuery(cb, func(q url.Values) { q.Del("state") })
		}, http.StatusBadRequest},
		{"callback in another browser (login CSRF)", func(t *testing.T) (*http.Client, string) {
			cb := s.authorize(keywardtest.Browser(t), s.orgID, "ada", "")
			return keywardtest.Browser(t), cb.String()
		}, http.StatusUnauthorized},
		{"code of another flow (PKCE verifier and nonce not its own)", func(t *testing.T) (*http.Client, string) {
			victim := keywardtest.Browser(t)
			mine := s.authorize(victim, s.orgID, "ada", "")
			stolen := s.authorize(keywardtest.Browser(t), s.orgID, "ada", "")
			return victim, withQuery(mine, func(q url.Values) { q.Set("code", stolen.Query().Get("code")) })
		}, http.StatusUnauthorized},
		{"code of org A's flow with org B's state", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			a := s.authorize(keywardtest.Browser(t), s.orgID, "ada", "")
			intoB := s.authorize(b, orgB, "ada", "")
			return b, withQuery(intoB, func(q url.Values) { q.Set("code", a.Query().Get("code")) })
		}, http.StatusUnauthorized},
		{"no code", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "")
			return b, withQuery(cb, func(q url.Values) { q.Del("code") })
		}, http.StatusBadRequest},
		{"the IdP's error", func(t *testing.T) (*http.Client, string) {
			b := keywardtest.Browser(t)
			cb := s.authorize(b, s.orgID, "ada", "")
			return b, withQuery(cb, func(q url.Values) { q.Del("code"); q.Set("error", "access_denied") })
		}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, cb := tt.run(t)
			_, body := s.callback(b, cb, tt.want)
			if strings.Contains(body, "kws_") {
				t.Errorf("refused callback answered a session: %s", body)
			}
		})
	}
	// None of it made ada a member of B: only sign-ins into B do.
	var users struct{ Users []struct{ Email string } }
	s.do("GET", "/v2/users", tokenB, "", http.StatusOK, &users)
	for _, u := range users.Users {
		if u.Email == "ada@example.com" {
			t.Errorf("ada is a member of B after refused callbacks: %+v", users.Users)
		}
	}
}

// TestSSOStartRefusals: only an organization in the idp identity mode with
// a provider starts a sign-in, and return_to is a path of this server.
func TestSSOStartRefusals(t *testing.T) {
	s := newSSOAPI(t)
	local, _ := s.otherOrg("still local")
	noIdP, _ := s.otherOrg("idp mode, no provider")
	s.do("PUT", "/v2/fleet/organizations/"+noIdP+"/identity-mode", s.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name, org, returnTo string
		want                int
		field               string
	}{
		{"local identity mode", local, "", http.StatusNotFound, ""},
		{"no provider", noIdP, "", http.StatusNotFound, ""},
		{"no such organization", "00000000-0000-7000-8000-000000000000", "", http.StatusNotFound, ""},
		{"not an id", "acme", "", http.StatusBadRequest, "organization_id"},
		{"return_to on another host", s.orgID, "https://evil.example/", http.StatusBadRequest, "return_to"},
		{"return_to scheme-relative", s.orgID, "//evil.example/", http.StatusBadRequest, "return_to"},
		{"return_to with a backslash", s.orgID, "/\\evil.example/", http.StatusBadRequest, "return_to"},
		{"return_to javascript", s.orgID, "javascript:alert(1)", http.StatusBadRequest, "return_to"},
		{"return_to relative", s.orgID, "console", http.StatusBadRequest, "return_to"},
		{"return_to a path", s.orgID, "/console/?tab=users", http.StatusFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := noRedirect.Get(s.srv.URL + "/v2/auth/sso/" + tt.org + "?return_to=" + url.QueryEscape(tt.returnTo))
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != tt.want {
				t.Fatalf("status = %d, want %d", res.StatusCode, tt.want)
			}
			if loc := res.Header.Get("Location"); tt.want == http.StatusFound && !strings.HasPrefix(loc, s.idp.URL+"/") {
				t.Errorf("Location = %q, want the IdP %s", loc, s.idp.URL)
			}
			if tt.field != "" {
				var e struct{ Field string }
				if err := json.NewDecoder(res.Body).Decode(&e); err != nil || e.Field != tt.field {
					t.Errorf("error field = %q (%v), want %q", e.Field, err, tt.field)
				}
			}
		})
	}
}

// TestSSOLeavingTheIdPEndsAccess: a person the IdP no longer signs in, or
// whose email domain is no longer allowed, cannot sign in; the user
// record stays.
func TestSSOLeavingTheIdPEndsAccess(t *testing.T) {
	s := newSSOAPI(t)
	ada := s.signIn(s.orgID, "ada").User.ID

	s.idp.Update("ada", func(u *keywardtest.IdPUser) { u.Disabled = true })
	if _, err := s.idp.Authorize(keywardtest.Browser(t), s.srv.URL+"/v2/auth/sso/"+s.orgID, "ada", "pw-ada"); err == nil {
		t.Error("a user the IdP deactivated got back to keyward")
	}
	s.do("GET", "/v2/users/"+ada, s.root, "", http.StatusOK, nil)

	s.idp.Update("ada", func(u *keywardtest.IdPUser) { u.Disabled = false })
	s.ssoOrg(s.orgID, s.root, `,"allowed_domains":["example.org"]`)
	b := keywardtest.Browser(t)
	_, body := s.callback(b, s.authorize(b, s.orgID, "ada", "").String(), http.StatusForbidden)
	if !strings.Contains(body, "example.com") {
		t.Errorf("refusal %s does not name the domain", body)
	}
	s.do("GET", "/v2/users/"+ada, s.root, "", http.StatusOK, nil)

	// A member suspended in keyward stays out, whatever the IdP says.
	s.ssoOrg(s.orgID, s.root, "")
	s.do("PUT", "/v2/organizations/"+s.orgID+"/user/"+ada+"/suspend", s.root, "", http.StatusNoContent, nil)
	b = keywardtest.Browser(t)
	s.callback(b, s.authorize(b, s.orgID, "ada", "").String(), http.StatusForbidden)
}

// TestPasswordLoginInIdPMode: once an organization's people come from its
// IdP, its members cannot log in with a password; its root owner can, as
// the way in when the IdP fails.
func TestPasswordLoginInIdPMode(t *testing.T) {
	a := newAPI(t)
	var me struct{ User struct{ ID, Email string } }
	a.do("GET", "/v2/users/me", a.root, "", http.StatusOK, &me)
	a.do("PUT", "/v2/users/"+me.User.ID+"/password", a.root, `{"password":"the root owner's password"}`, http.StatusNoContent, nil)
	a.createUser(`{"email":"bob@example.com","name":"Bob","password":"bob's long password"}`)
	a.login("bob@example.com", "bob's long password", a.orgID, http.StatusCreated)
	a.do("PUT", "/v2/fleet/organizations/"+a.orgID+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	a.login("bob@example.com", "bob's long password", a.orgID, http.StatusForbidden)
	a.login(me.User.Email, "the root owner's password", a.orgID, http.StatusCreated)
}

// TestIdentityProviderAPI: the configuration's routes, their actions, and
// a client secret that no answer and no audit event shows.
func TestIdentityProviderAPI(t *testing.T) {
	a := newAPIWith(t, service.Options{OIDCAllowHTTP: true})
	const secret = "never-shown-client-secret"
	_, reader := a.member("reader@example.com", "iam.identityprovider.Read")
	a.do("GET", "/v2/identity-provider", a.root, "", http.StatusNotFound, nil)
	var e struct{ Field string }
	a.do("PUT", "/v2/identity-provider", a.root, `{"type":"ldap","issuer":"https://idp.example.com","client_id":"c","client_secret":"s"}`, http.StatusBadRequest, &e)
	if e.Field != "type" {
		t.Errorf("an ldap provider: error field %q, want type", e.Field)
	}
	body := `{"issuer":"https://idp.example.com","client_id":"keyward","client_secret":"` + secret + `"}`
	a.do("PUT", "/v2/identity-provider", reader, body, http.StatusForbidden, nil)
	_, put := a.doWith("PUT", "/v2/identity-provider", a.root, body, nil, http.StatusOK)
	var got struct {
		IdentityProvider struct {
			ClientSecretSet bool   `json:"client_secret_set"`
			RedirectURI     string `json:"redirect_uri"`
		} `json:"identity_provider"`
	}
	_, read := a.doWith("GET", "/v2/identity-provider", reader, "", nil, http.StatusOK)
	if err := json.Unmarshal(read, &got); err != nil || !got.IdentityProvider.ClientSecretSet ||
		!strings.HasSuffix(got.IdentityProvider.RedirectURI, "/v2/auth/sso/callback") {
		t.Errorf("GET /v2/identity-provider = %s, want client_secret_set and the redirect URI", read)
	}
	_, audit := a.doWith("GET", "/v2/audit-events?per_page=500", a.root, "", nil, http.StatusOK)
	for what, b := range map[string][]byte{"PUT": put, "GET": read, "the audit trail": audit} {
		if strings.Contains(string(b), secret) {
			t.Errorf("%s shows the client secret: %s", what, b)
		}
	}
	if !strings.Contains(string(audit), `"iam.identityprovider.Update"`) {
		t.Error("setting the identity provider left no audit event")
	}
	a.do("DELETE", "/v2/identity-provider", reader, "", http.StatusForbidden, nil)
	a.do("DELETE", "/v2/identity-provider", a.root, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/identity-provider", a.root, "", http.StatusNotFound, nil)
}
