package httpapi_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// wrongCodeAt is a code that no step within a minute of t shows.
func wrongCodeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	near := []string{keywardtest.TOTPCode(t, secret, at.Add(-30*time.Second)), keywardtest.TOTPCode(t, secret, at), keywardtest.TOTPCode(t, secret, at.Add(30*time.Second))}
	for n := 0; ; n++ {
		if c := fmt.Sprintf("%06d", n); !slices.Contains(near, c) {
			return c
		}
	}
}

// enrolledErin returns a clocked server where erin has confirmed a TOTP
// authenticator a minute ago (so that the code of now is a fresh one),
// with erin's API key and the authenticator's secret.
func enrolledErin(t *testing.T) (a *api, clock *keywardtest.Clock, key, secret string) {
	t.Helper()
	a, clock = newClockedAPI(t, service.Options{})
	_, key = a.createErin()
	secret, _ = a.enroll(key, clock)
	clock.Advance(time.Minute)
	return a, clock, key, secret
}

// enroll enrolls and confirms a TOTP authenticator with token at the
// clock's time, and returns its secret and recovery codes.
func (a *api) enroll(token string, clock *keywardtest.Clock) (secret string, recovery []string) {
	a.t.Helper()
	var e struct {
		TOTP struct {
			Secret string `json:"secret"`
			URI    string `json:"otpauth_uri"`
			Status string `json:"status"`
		} `json:"totp"`
	}
	a.do("POST", "/v2/users/me/mfa/totp", token, "", http.StatusCreated, &e)
	if e.TOTP.Status != "pending" || !strings.HasPrefix(e.TOTP.URI, "otpauth://totp/") || !strings.Contains(e.TOTP.URI, "secret="+e.TOTP.Secret) {
		a.t.Fatalf("enrolment = %+v, want a pending authenticator and its otpauth URI", e.TOTP)
	}
	var c struct {
		Codes []string `json:"recovery_codes"`
	}
	a.do("POST", "/v2/users/me/mfa/totp/confirm", token, fmt.Sprintf(`{"totp_code":%q}`, keywardtest.TOTPCode(a.t, e.TOTP.Secret, clock.Now())), http.StatusOK, &c)
	return e.TOTP.Secret, c.Codes
}

// mfaLogin logs erin in with a second factor (a JSON fragment, "" for
// none) and returns the session's token, its date_mfa and the error body.
func (a *api) mfaLogin(factor string, want int) (token, dateMFA string, e apiError) {
	a.t.Helper()
	body := `{"email":"erin@example.com","password":"` + erinPassword + `"` + factor + `}`
	var out struct {
		Session struct {
			Token   string `json:"token"`
			DateMFA string `json:"date_mfa"`
		} `json:"login_session"`
		apiError
	}
	a.do("POST", "/v2/auth/login", "", body, want, &out)
	return out.Session.Token, out.Session.DateMFA, out.apiError
}

// roomyLimits keep the budgets of failed checks out of tests that make
// many on purpose.
var roomyLimits = service.LoginLimits{PerAccountAddress: 100, PerAccount: 1000, PerAddress: 1000}

// TestMFAEnrolAndLogin drives enrolment and every kind of login code
// through the real server, stepping the fake clock.
func TestMFAEnrolAndLogin(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{LoginLimits: roomyLimits})
	a.createErin()
	before, dateMFA, _ := a.mfaLogin("", http.StatusCreated)
	if dateMFA != "" {
		t.Errorf("login without MFA: date_mfa = %q, want none", dateMFA)
	}
	var st struct {
		MFA struct {
			TOTP string `json:"totp"`
			Left int    `json:"recovery_codes_left"`
		} `json:"mfa"`
	}
	a.do("GET", "/v2/users/me/mfa", before, "", http.StatusOK, &st)
	if st.MFA.TOTP != "none" {
		t.Errorf("before enrolment: totp = %q, want none", st.MFA.TOTP)
	}

	// A pending authenticator is not asked for; a wrong code does not
	// confirm it.
	var e struct {
		TOTP struct{ Secret string } `json:"totp"`
	}
	a.do("POST", "/v2/users/me/mfa/totp", before, "", http.StatusCreated, &e)
	a.mfaLogin("", http.StatusCreated)
	var wrong apiError
	a.do("POST", "/v2/users/me/mfa/totp/confirm", before, `{"totp_code":"`+wrongCodeAt(t, e.TOTP.Secret, clock.Now())+`"}`, http.StatusUnauthorized, &wrong)
	if wrong.Field != "totp_code" {
		t.Errorf("wrong confirmation code: field %q, want totp_code", wrong.Field)
	}
	a.do("POST", "/v2/users/me/mfa/totp/confirm", before, `{"totp_code":"12 34"}`, http.StatusBadRequest, nil)

	secret, recovery := a.enroll(before, clock)
	if len(recovery) != 10 || len(slices.Compact(slices.Sorted(slices.Values(recovery)))) != 10 {
		t.Fatalf("recovery codes = %q, want 10 distinct", recovery)
	}
	a.do("GET", "/v2/users/me/mfa", before, "", http.StatusOK, &st)
	if st.MFA.TOTP != "active" || st.MFA.Left != 10 {
		t.Errorf("after confirmation: %+v, want active with 10 recovery codes", st.MFA)
	}
	a.do("POST", "/v2/users/me/mfa/totp", before, "", http.StatusConflict, nil)

	clock.Advance(5 * time.Minute)
	now := clock.Now()
	steps := []struct {
		name       string
		factor     string
		want       int
		code, fail string // the error's code and field
	}{
		{"no code", ``, http.StatusUnauthorized, "mfa_required", "totp_code"},
		{"code two steps old", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now.Add(-60*time.Second))), http.StatusUnauthorized, "unauthenticated", "totp_code"},
		{"code two steps ahead", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now.Add(60*time.Second))), http.StatusUnauthorized, "unauthenticated", "totp_code"},
		{"wrong code", fmt.Sprintf(`,"totp_code":%q`, wrongCodeAt(t, secret, now)), http.StatusUnauthorized, "unauthenticated", "totp_code"},
		{"malformed code", `,"totp_code":"12345a"`, http.StatusBadRequest, "invalid", "totp_code"},
		{"both factors", fmt.Sprintf(`,"totp_code":%q,"recovery_code":%q`, keywardtest.TOTPCode(t, secret, now), recovery[0]), http.StatusBadRequest, "invalid", "recovery_code"},
		{"previous step's code, within the window", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now.Add(-30*time.Second))), http.StatusCreated, "", ""},
		{"current code", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now)), http.StatusCreated, "", ""},
		{"current code replayed", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now)), http.StatusUnauthorized, "unauthenticated", "totp_code"},
		{"previous step's code after a later one", fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, now.Add(-30*time.Second))), http.StatusUnauthorized, "unauthenticated", "totp_code"},
		{"recovery code", fmt.Sprintf(`,"recovery_code":%q`, strings.ToUpper(recovery[1])), http.StatusCreated, "", ""},
		{"recovery code used twice", fmt.Sprintf(`,"recovery_code":%q`, recovery[1]), http.StatusUnauthorized, "unauthenticated", "recovery_code"},
		{"made-up recovery code", `,"recovery_code":"aaaa-bbbb-cccc-dddd"`, http.StatusUnauthorized, "unauthenticated", "recovery_code"},
	}
	failures := 0
	for _, s := range steps {
		_, got, e := a.mfaLogin(s.factor, s.want)
		if s.want == http.StatusCreated {
			if got == "" {
				t.Errorf("%s: date_mfa missing from the session", s.name)
			}
			continue
		}
		if e.Code != s.code || e.Field != s.fail {
			t.Errorf("%s: code %q field %q, want %q %q", s.name, e.Code, e.Field, s.code, s.fail)
		}
		if s.code == "unauthenticated" {
			failures++
		}
	}
	// The next step's code works once the clock gets there.
	clock.Advance(30 * time.Second)
	a.mfaLogin(fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, clock.Now())), http.StatusCreated)

	a.do("GET", "/v2/users/me/mfa", before, "", http.StatusOK, &st)
	if st.MFA.Left != 9 {
		t.Errorf("recovery codes left = %d, want 9", st.MFA.Left)
	}
	for action, want := range map[string]int{"iam.user.MFAFailed": failures + 1, "iam.user.UseRecoveryCode": 1, "iam.user.EnrollMFA": 2, "iam.user.ConfirmMFA": 1} {
		if got := a.countEvents(action); got != want {
			t.Errorf("%d %s audit events, want %d", got, action, want)
		}
	}

	// Disabling needs a code too, and then a password alone logs in.
	clock.Advance(30 * time.Second)
	a.do("DELETE", "/v2/users/me/mfa/totp", before, `{}`, http.StatusBadRequest, nil)
	a.do("DELETE", "/v2/users/me/mfa/totp", before, `{"totp_code":"`+wrongCodeAt(t, secret, clock.Now())+`"}`, http.StatusUnauthorized, nil)
	a.do("DELETE", "/v2/users/me/mfa/totp", before, `{"recovery_code":"`+recovery[2]+`"}`, http.StatusNoContent, nil)
	a.mfaLogin("", http.StatusCreated)
	if got := a.countEvents("iam.user.DisableMFA"); got != 1 {
		t.Errorf("%d iam.user.DisableMFA audit events, want 1", got)
	}
}

// countEvents counts the organization's audit events of action.
func (a *api) countEvents(action string) int {
	a.t.Helper()
	var got struct {
		Events []struct{} `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?per_page=500&action="+action, a.root, "", http.StatusOK, &got)
	return len(got.Events)
}

// TestMFACodeBurst: one right code sent 50 times at once opens one
// session. (Wrong codes under a burst: TestEveryThrottleUnderABurst.)
func TestMFACodeBurst(t *testing.T) {
	a, clock, _, secret := enrolledErin(t)
	url := a.srv.URL + "/v2/auth/login"
	c := from(t, "127.0.0.1")

	right := fmt.Sprintf(`{"email":"erin@example.com","password":%q,"totp_code":%q}`, erinPassword, keywardtest.TOTPCode(t, secret, clock.Now()))
	got := burst(t, 50, url, func(int) *http.Client { return c }, func(int) string { return right })
	if got[http.StatusCreated] != 1 {
		t.Errorf("one code sent 50 times at once: %v, want exactly one 201", got)
	}
}

// TestMFAConditionNeedsASession: a policy whose Allow asks for MFA (and
// MFA within the hour) admits a login session that verified a code, and
// neither a session that did not nor an API key of the same user.
func TestMFAConditionNeedsASession(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{})
	erin, key := a.createErin()
	a.attach(a.createPolicy("groups-with-mfa", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List"],"Resource":["*"],
		"Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true},"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}}]}`), erin)
	plain, _, _ := a.mfaLogin("", http.StatusCreated)
	a.do("GET", "/v2/groups", plain, "", http.StatusForbidden, nil)

	secret, _ := a.enroll(key, clock)
	clock.Advance(time.Minute)
	session, _, _ := a.mfaLogin(fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, clock.Now())), http.StatusCreated)
	a.do("GET", "/v2/groups", session, "", http.StatusOK, nil)
	a.do("GET", "/v2/groups", key, "", http.StatusForbidden, nil)
	a.do("GET", "/v2/groups", plain, "", http.StatusForbidden, nil)

	clock.Advance(2 * time.Hour) // MFA two hours old
	a.do("GET", "/v2/groups", session, "", http.StatusForbidden, nil)
}

// TestOrganizationRequiresMFA: while the organization requires MFA, a
// member without an authenticator gets a session that may only enroll
// one (sessions already open included), and confirming makes it whole.
func TestOrganizationRequiresMFA(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{})
	_, key := a.createErin()
	open, _, _ := a.mfaLogin("", http.StatusCreated)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/mfa-policy", key, `{"require_mfa":true}`, http.StatusForbidden, nil)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/mfa-policy", a.root, `{}`, http.StatusBadRequest, nil)
	a.do("PUT", "/v2/organizations/"+a.orgID+"/mfa-policy", a.root, `{"require_mfa":true}`, http.StatusOK, nil)
	var pol struct {
		Policy struct {
			RequireMFA bool `json:"require_mfa"`
		} `json:"mfa_policy"`
	}
	a.do("GET", "/v2/organizations/"+a.orgID+"/mfa-policy", key, "", http.StatusOK, &pol)
	if !pol.Policy.RequireMFA {
		t.Fatal("require_mfa reads false after it was set")
	}

	var out struct {
		Session struct {
			Token    string `json:"token"`
			EnrollIt bool   `json:"mfa_enrollment_required"`
		} `json:"login_session"`
	}
	a.do("POST", "/v2/auth/login", "", `{"email":"erin@example.com","password":"`+erinPassword+`"}`, http.StatusCreated, &out)
	if !out.Session.EnrollIt {
		t.Error("login without an authenticator: mfa_enrollment_required false, want true")
	}
	for _, token := range []string{out.Session.Token, open} {
		var e struct {
			Explanation struct {
				Layer string `json:"layer"`
			} `json:"explanation"`
		}
		a.do("GET", "/v2/organizations", token, "", http.StatusForbidden, &e)
		if e.Explanation.Layer != service.LayerMFA {
			t.Errorf("refusal's layer = %q, want %q", e.Explanation.Layer, service.LayerMFA)
		}
		a.do("GET", "/v2/users/me", token, "", http.StatusOK, nil)
		a.do("GET", "/v2/users/me/mfa", token, "", http.StatusOK, nil)
	}
	a.do("GET", "/v2/organizations", key, "", http.StatusOK, nil) // keys are not sessions

	secret, recovery := a.enroll(out.Session.Token, clock)
	a.do("GET", "/v2/organizations", out.Session.Token, "", http.StatusOK, nil)
	a.do("GET", "/v2/organizations", open, "", http.StatusForbidden, nil)
	clock.Advance(time.Minute)
	a.do("DELETE", "/v2/users/me/mfa/totp", key, `{"recovery_code":"`+recovery[0]+`"}`, http.StatusConflict, nil)
	session, _, _ := a.mfaLogin(fmt.Sprintf(`,"totp_code":%q`, keywardtest.TOTPCode(t, secret, clock.Now())), http.StatusCreated)
	a.do("GET", "/v2/organizations", session, "", http.StatusOK, nil)

	a.do("PUT", "/v2/organizations/"+a.orgID+"/mfa-policy", a.root, `{"require_mfa":false}`, http.StatusOK, nil)
	a.do("GET", "/v2/organizations", open, "", http.StatusOK, nil)
}

// TestResetMFA: an administrator removes a member's lost authenticator,
// but not the root owner's, not one of an account in several
// organizations, and not its own; the member then logs in with a
// password alone.
func TestResetMFA(t *testing.T) {
	a, clock := newClockedAPI(t, service.Options{})
	erin, erinKey := a.createErin()
	a.enroll(erinKey, clock)
	admin, adminKey := a.createUser(`{"email":"ada@example.com","name":"Ada","api_enabled":true}`)
	a.do("POST", "/v2/policies/"+managedID(t, a, "AdministratorAccess")+"/users/"+admin, a.root, "", http.StatusNoContent, nil)
	bob, bobKey := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	a.enroll(bobKey, clock)
	a.do("POST", "/v2/organizations", bobKey, `{"name":"Bob's"}`, http.StatusCreated, nil)
	a.enroll(a.root, clock)
	root := a.rootID()

	tests := []struct {
		name, token, user string
		want              int
	}{
		{"a member without the action", erinKey, admin, http.StatusForbidden},
		{"the root owner's", adminKey, root, http.StatusForbidden},
		{"an account in two organizations", adminKey, bob, http.StatusConflict},
		{"one's own", adminKey, admin, http.StatusConflict},
		{"a service user's", adminKey, a.serviceUser(), http.StatusBadRequest},
		{"a local member's", adminKey, erin, http.StatusNoContent},
		{"a local member's, by the root owner", a.root, erin, http.StatusNoContent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.t = t
			a.do("DELETE", "/v2/users/"+tt.user+"/mfa", tt.token, "", tt.want, nil)
		})
	}
	a.t = t
	a.mfaLogin("", http.StatusCreated)
	if got := a.countEvents("iam.user.ResetMFA"); got != 2 {
		t.Errorf("%d iam.user.ResetMFA audit events, want 2", got)
	}
}

// serviceUser creates a service user and returns its id.
func (a *api) serviceUser() string {
	a.t.Helper()
	id, _ := a.createUser(`{"service_user":true,"name":"ci","api_enabled":true}`)
	return id
}
