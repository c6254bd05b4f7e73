package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/service"
)

// login posts a password login and checks its status; on 201 it returns
// the session token.
func (a *api) login(email, password, org string, want int) string {
	a.t.Helper()
	body := fmt.Sprintf(`{"email":%q,"password":%q,"organization_id":%q}`, email, password, org)
	var out struct {
		Session struct {
			Token       string `json:"token"`
			DateExpires string `json:"date_expires"`
		} `json:"login_session"`
	}
	res := a.do("POST", "/v2/auth/login", "", body, want, &out)
	if want == http.StatusTooManyRequests {
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
			a.t.Errorf("Retry-After = %q, want a positive number of seconds", res.Header.Get("Retry-After"))
		}
	}
	if want != http.StatusCreated {
		return ""
	}
	if !strings.HasPrefix(out.Session.Token, "kws_") || out.Session.DateExpires == "" {
		a.t.Fatalf("login session = %+v, want a kws_ token and an expiry", out.Session)
	}
	return out.Session.Token
}

const erinPassword = "a long unusual passphrase"

func (a *api) createErin() (id, key string) {
	a.t.Helper()
	return a.createUser(`{"email":"erin@example.com","name":"Erin","api_enabled":true,"password":"` + erinPassword + `"}`)
}

// TestLoginLogout: a login session authenticates like an API key until
// logout; every wrong part of a login is the same 401.
func TestLoginLogout(t *testing.T) {
	a := newAPI(t)
	erin, erinKey := a.createErin()
	other, otherKey := a.otherOrg("Other")
	_ = otherKey

	token := a.login("Erin@Example.com", erinPassword, "", http.StatusCreated)
	var me struct {
		User struct{ ID string } `json:"user"`
	}
	a.do("GET", "/v2/users/me", token, "", http.StatusOK, &me)
	if me.User.ID != erin {
		t.Errorf("session user = %s, want %s", me.User.ID, erin)
	}
	a.login("erin@example.com", erinPassword, a.orgID, http.StatusCreated)

	var wrong []apiError
	for _, body := range []string{
		`{"email":"erin@example.com","password":"not the passphrase"}`,
		`{"email":"nobody@example.com","password":"` + erinPassword + `"}`,
		`{"email":"erin@example.com","password":"` + erinPassword + `","organization_id":"` + other + `"}`,
	} {
		var e apiError
		a.do("POST", "/v2/auth/login", "", body, http.StatusUnauthorized, &e)
		wrong = append(wrong, e)
	}
	for _, e := range wrong[1:] {
		if e.Error != wrong[0].Error {
			t.Errorf("login errors differ: %q and %q", e.Error, wrong[0].Error)
		}
	}

	var list struct {
		Sessions []struct {
			ID    string `json:"id"`
			Token string `json:"token"`
		} `json:"login_sessions"`
		Meta metaOut `json:"meta"`
	}
	a.do("GET", "/v2/auth/sessions", token, "", http.StatusOK, &list)
	if len(list.Sessions) != 2 || list.Meta.Total != 2 || list.Sessions[0].Token != "" {
		t.Errorf("sessions = %+v, want 2 without tokens", list)
	}

	a.do("POST", "/v2/auth/logout", erinKey, "", http.StatusBadRequest, nil)
	a.do("POST", "/v2/auth/logout", token, "", http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me", token, "", http.StatusUnauthorized, nil)
	a.do("GET", "/v2/auth/sessions", erinKey, "", http.StatusOK, &list)
	if len(list.Sessions) != 1 {
		t.Errorf("sessions after logout = %+v, want 1", list.Sessions)
	}
	// A tampered token is refused like an unknown one.
	a.do("GET", "/v2/users/me", token[:len(token)-1]+"0", "", http.StatusUnauthorized, nil)
}

// TestLoginSessionExpires: a session ends at its expiry.
func TestLoginSessionExpires(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{LoginSessionTTL: time.Hour})
	a.createErin()
	token := a.login("erin@example.com", erinPassword, "", http.StatusCreated)
	clock.Advance(59 * time.Minute)
	a.do("GET", "/v2/users/me", token, "", http.StatusOK, nil)
	clock.Advance(time.Minute)
	a.do("GET", "/v2/users/me", token, "", http.StatusUnauthorized, nil)
}

// TestLoginThrottling: failures spend the account's budget from the
// source address (5 in 10 minutes), right passwords do not, and an
// administrator's unlock refills it. (throttle_test.go sends bursts.)
func TestLoginThrottling(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{})
	erin, _ := a.createErin()

	for range 5 {
		a.login("erin@example.com", "not the passphrase", "", http.StatusUnauthorized)
	}
	a.login("erin@example.com", erinPassword, "", http.StatusTooManyRequests)
	clock.Advance(2 * time.Minute) // one token back
	a.login("erin@example.com", erinPassword, "", http.StatusCreated)
	a.login("erin@example.com", erinPassword, "", http.StatusCreated)
	a.login("erin@example.com", "not the passphrase", "", http.StatusUnauthorized)
	var e apiError
	a.do("POST", "/v2/auth/login", "", `{"email":"erin@example.com","password":"`+erinPassword+`"}`, http.StatusTooManyRequests, &e)
	if e.Code != "rate_limited" {
		t.Errorf("throttled login: %+v, want rate_limited", e)
	}
	failed, ok := 0, 0
	for _, ev := range a.auditEvents(a.root) {
		switch ev.Action {
		case "iam.user.LoginFailed":
			failed++
		case "iam.user.Login":
			ok++
		}
	}
	if failed != 6 || ok != 2 {
		t.Errorf("audit: %d failed and %d successful logins, want 6 and 2", failed, ok)
	}

	a.do("DELETE", "/v2/users/"+erin+"/lockout", a.root, "", http.StatusNoContent, nil)
	a.login("erin@example.com", erinPassword, "", http.StatusCreated)

	// Per address: twenty failures on twenty emails, then nothing more.
	clock.Advance(time.Hour)
	for i := range 20 {
		a.login(fmt.Sprintf("guess%d@example.com", i), "not the passphrase", "", http.StatusUnauthorized)
	}
	a.login("erin@example.com", erinPassword, "", http.StatusTooManyRequests)
}

// TestChangePassword: changing one's password ends the other sessions
// and refuses a wrong current password or a common new one.
func TestChangePassword(t *testing.T) {
	a := newAPI(t)
	a.createErin()
	s1 := a.login("erin@example.com", erinPassword, "", http.StatusCreated)
	s2 := a.login("erin@example.com", erinPassword, "", http.StatusCreated)

	for _, tt := range []struct{ body, field string }{
		{`{"current_password":"wrong wrong wrong","new_password":"another long passphrase"}`, "current_password"},
		{`{"current_password":"` + erinPassword + `","new_password":"Password123"}`, "new_password"},
		{`{"current_password":"` + erinPassword + `","new_password":"short"}`, "new_password"},
		{`{"current_password":"","new_password":"another long passphrase"}`, "current_password"},
	} {
		var e apiError
		a.do("PUT", "/v2/users/me/password", s1, tt.body, http.StatusBadRequest, &e)
		if e.Field != tt.field {
			t.Errorf("%s: field %q, want %q", tt.body, e.Field, tt.field)
		}
	}
	a.do("PUT", "/v2/users/me/password", s1, `{"current_password":"`+erinPassword+`","new_password":"another long passphrase"}`, http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me", s1, "", http.StatusOK, nil)
	a.do("GET", "/v2/users/me", s2, "", http.StatusUnauthorized, nil)
	a.login("erin@example.com", erinPassword, "", http.StatusUnauthorized)
	a.login("erin@example.com", "another long passphrase", "", http.StatusCreated)
}

// TestLocalUserPasswords: an admin sets or invalidates a local user's
// password; invalidating ends logins and sessions but not API keys.
func TestLocalUserPasswords(t *testing.T) {
	a := newAPI(t)
	erin, erinKey := a.createErin()
	session := a.login("erin@example.com", erinPassword, "", http.StatusCreated)

	a.do("PUT", "/v2/users/"+erin+"/password", a.root, `{"password":"set by the admin today"}`, http.StatusNoContent, nil)
	a.do("GET", "/v2/users/me", session, "", http.StatusUnauthorized, nil)
	a.login("erin@example.com", erinPassword, "", http.StatusUnauthorized)
	session = a.login("erin@example.com", "set by the admin today", "", http.StatusCreated)

	a.do("DELETE", "/v2/users/"+erin+"/password", a.root, "", http.StatusNoContent, nil)
	a.login("erin@example.com", "set by the admin today", "", http.StatusUnauthorized)
	a.do("GET", "/v2/users/me", session, "", http.StatusUnauthorized, nil)
	a.do("GET", "/v2/users/me", erinKey, "", http.StatusOK, nil) // keys survive

	// An admin who is not the root owner cannot take over the root owner.
	dave, daveKey := a.createUser(`{"email":"dave@example.com","name":"Dave","api_enabled":true}`)
	a.attach(a.createPolicy("admin", allowIAM), dave)
	me := a.rootID()
	a.do("PUT", "/v2/users/"+me+"/password", daveKey, `{"password":"taken over by dave"}`, http.StatusForbidden, nil)
	a.do("PUT", "/v2/users/"+erin+"/password", daveKey, `{"password":"set by dave, an admin"}`, http.StatusNoContent, nil)
}

// TestLoginBadInput: each bad request is a 400 naming its field.
func TestLoginBadInput(t *testing.T) {
	a := newAPI(t)
	erin, _ := a.createErin()
	robot, _ := a.createUser(`{"name":"robot","service_user":true}`)
	org := "/v2/organizations/" + a.orgID
	tests := []struct {
		method, path, token, body, field string
	}{
		{"POST", "/v2/auth/login", "", `{"password":"x"}`, "email"},
		{"POST", "/v2/auth/login", "", `{"email":"erin@example.com"}`, "password"},
		{"POST", "/v2/auth/login", "", `{"email":"erin@example.com","password":"x","organization_id":"nope"}`, "organization_id"},
		{"POST", "/v2/auth/login", "", `{"email":"erin@example.com","password":"x","remember":true}`, "remember"},
		{"POST", org + "/transfer-ownership", a.root, `{}`, "user_id"},
		{"POST", org + "/transfer-ownership", a.root, `{"user_id":"0193a000-0000-7000-8000-00000000dead"}`, "user_id"},
		{"PUT", "/v2/users/" + erin + "/password", a.root, `{"password":"short"}`, "password"},
		{"PUT", "/v2/users/" + erin + "/password", a.root, `{"password":"qwertyuiop"}`, "password"},
		{"PUT", "/v2/users/" + robot + "/password", a.root, `{"password":"a long unusual passphrase"}`, "password"},
		{"GET", "/v2/organizations?deleted=maybe", a.root, "", "deleted"},
		{"PUT", org + "/user/nope/suspend", a.root, "", "user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.body, func(t *testing.T) {
			var e apiError
			a.in(t).do(tt.method, tt.path, tt.token, tt.body, http.StatusBadRequest, &e)
			if e.Field != tt.field {
				t.Errorf("field %q, want %q (%s)", e.Field, tt.field, e.Error)
			}
		})
	}
	// Bodies must be objects; the public login never answers 5xx.
	res, err := http.Post(a.srv.URL+"/v2/auth/login", "application/json", strings.NewReader(`[1]`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var e apiError
	if res.StatusCode != http.StatusBadRequest || json.Unmarshal(b, &e) != nil {
		t.Errorf("login with an array body = %d %s, want a 400 error", res.StatusCode, b)
	}
}
