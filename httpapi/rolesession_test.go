package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
)

type sessionOut struct {
	SessionToken      string   `json:"session_token"`
	ID                string   `json:"id"`
	RoleID            string   `json:"role_id"`
	UserID            string   `json:"user_id"`
	RemainingDuration int      `json:"remaining_duration"`
	ConditionsMet     []string `json:"conditions_met"`
	State             string   `json:"state"`
	ExpiresAt         string   `json:"expires_at"`
}

// sessionFixture is an organization with alice, who may list users on her
// own, and an assumable role "deployer" (max 1 h) that may list groups and
// roles and create groups, with a manual trust for alice.
type sessionFixture struct {
	*api
	alice, aliceKey, role, trust string
}

func newSessionFixture(t *testing.T, trustExtra string) (*sessionFixture, func(time.Duration) time.Time) {
	a, clock := newClockAPI(t)
	f := &sessionFixture{api: a}
	f.alice, f.aliceKey = a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	own := a.createPolicy("own", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.user.List","Resource":"*"}]}`)
	a.attach(own, f.alice)
	f.role = a.assumableRole("deployer", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List","iam.group.Create","iam.role.List"],"Resource":"*"}]}`)
	f.trust = a.createTrust(`{"role_id":"` + f.role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + f.alice + `"` + trustExtra + `}`).ID
	return f, clock.Advance
}

func (f *sessionFixture) assume(token, body string, want int) sessionOut {
	f.t.Helper()
	var s sessionOut
	var e apiError
	if want == http.StatusCreated {
		f.do("POST", "/v2/assumed-roles/assume", token, body, want, &s)
	} else {
		f.do("POST", "/v2/assumed-roles/assume", token, body, want, &e)
		s.SessionToken = e.Field + ": " + e.Error
	}
	return s
}

func (f *sessionFixture) body(extra string) string {
	return `{"user_id":"` + f.alice + `","role_id":"` + f.role + `","session_name":"deploy"` + extra + `}`
}

func TestAssumeRoleActsAsTheRole(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	s := f.assume(f.aliceKey, f.body(`,"duration":900,"context":{"ip_address":"127.0.0.1"}`), http.StatusCreated)
	if !strings.HasPrefix(s.SessionToken, "kwr_") || strings.ContainsAny(s.SessionToken, "/+=") ||
		s.RemainingDuration != 900 || s.State != "active" || s.UserID != f.alice || s.RoleID != f.role {
		t.Fatalf("session = %+v", s)
	}
	// The role's actions work; the member's own do not.
	f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusOK, nil)
	f.do("GET", "/v2/roles", s.SessionToken, "", http.StatusOK, nil)
	f.do("GET", "/v2/users", s.SessionToken, "", http.StatusForbidden, nil)
	f.do("GET", "/v2/users", f.aliceKey, "", http.StatusOK, nil)
	f.do("GET", "/v2/groups", f.aliceKey, "", http.StatusForbidden, nil)

	// Every change made through the session carries the actor chain.
	var g struct{ ID string }
	f.do("POST", "/v2/groups", s.SessionToken, `{"display_name":"made-by-session","description":""}`, http.StatusCreated, &g)
	var events struct {
		Events []struct {
			ActorID    string   `json:"actor_id"`
			SessionID  string   `json:"session_id"`
			ActorChain []string `json:"actor_chain"`
		} `json:"audit_events"`
	}
	f.do("GET", "/v2/audit-events?target_id="+g.ID, f.root, "", http.StatusOK, &events)
	want := []string{"user:" + f.alice, "session:" + s.ID}
	if len(events.Events) != 1 || events.Events[0].SessionID != s.ID || !slices.Equal(events.Events[0].ActorChain, want) ||
		events.Events[0].ActorID != f.alice {
		t.Errorf("audit events of the group = %+v, want one with chain %v", events, want)
	}

	// Get by token, list, terminate.
	var got sessionOut
	f.do("GET", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusOK, &got)
	if got.ID != s.ID || got.SessionToken != s.SessionToken {
		t.Errorf("get = %+v", got)
	}
	var list struct {
		Sessions []sessionOut `json:"sessions"`
		Meta     struct{ Total int }
	}
	f.do("GET", "/v2/assumed-roles/users/"+f.alice+"/sessions", f.aliceKey, "", http.StatusOK, &list)
	if len(list.Sessions) != 1 || list.Sessions[0].ID != s.ID || list.Meta.Total != 1 {
		t.Errorf("sessions of alice = %+v", list)
	}
	f.do("GET", "/v2/roles/"+f.role+"/sessions", f.root, "", http.StatusOK, &list)
	if len(list.Sessions) != 1 {
		t.Errorf("sessions of the role = %+v", list)
	}
	f.do("DELETE", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusNoContent, nil)
	f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusUnauthorized, nil)
	f.do("GET", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusOK, &got)
	if got.State != "terminated" || got.RemainingDuration != 0 {
		t.Errorf("after terminate = %+v", got)
	}
}

func TestSessionPolicyNarrows(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	s := f.assume(f.aliceKey, f.body(`,"session_policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List","iam.user.List"],"Resource":"*"}]}`), http.StatusCreated)
	f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusOK, nil)
	f.do("GET", "/v2/roles", s.SessionToken, "", http.StatusForbidden, nil) // the role allows it, the session policy does not
	f.do("GET", "/v2/users", s.SessionToken, "", http.StatusForbidden, nil) // the session policy allows it, the role does not
	var e apiError
	f.do("POST", "/v2/assumed-roles/assume", f.aliceKey, f.body(`,"session_policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"nope.x.Y","Resource":"*"}]}`), http.StatusBadRequest, &e)
	if !strings.HasPrefix(e.Field, "session_policy.") {
		t.Errorf("bad session policy: field %q, want session_policy.…", e.Field)
	}
}

func TestAssumeRoleRefusals(t *testing.T) {
	for _, tc := range []struct {
		name, trust, body string
		advance           time.Duration
		want              int
		field, says       string
	}{
		{name: "duration too short", body: `,"duration":600`, want: http.StatusBadRequest, field: "duration"},
		{name: "duration over the role's max", body: `,"duration":3601`, want: http.StatusBadRequest, field: "duration"},
		{name: "ip outside the trust", trust: `,"conditions":{"ip_address":["10.0.0.0/8"]}`, want: http.StatusForbidden, says: "10.0.0.0/8"},
		{name: "outside the hours", trust: `,"conditions":{"time_of_day":{"start":14,"end":18}}`, want: http.StatusForbidden, says: "14:00"},
		{name: "wrong day", trust: `,"conditions":{"days_of_week":["sat","sun"]}`, want: http.StatusForbidden, says: "saturday"},
		{name: "trust expired", trust: `,"valid_until":"2026-03-04T11:00:00Z"`, advance: 2 * time.Hour, want: http.StatusForbidden, says: "expired"},
		{name: "night window wraps midnight", trust: `,"conditions":{"time_of_day":{"start":22,"end":11}}`, want: http.StatusCreated},
		{name: "weekday", trust: `,"conditions":{"days_of_week":["wednesday"],"ip_address":["127.0.0.1"]}`, want: http.StatusCreated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, advance := newSessionFixture(t, tc.trust)
			f.api = f.in(t)
			advance(tc.advance)
			s := f.assume(f.aliceKey, f.body(tc.body), tc.want)
			if tc.want == http.StatusCreated {
				if s.ConditionsMet == nil {
					t.Errorf("conditions_met missing: %+v", s)
				}
				return
			}
			if tc.field != "" && !strings.HasPrefix(s.SessionToken, tc.field+":") || !strings.Contains(s.SessionToken, tc.says) {
				t.Errorf("error = %q, want field %q saying %q", s.SessionToken, tc.field, tc.says)
			}
		})
	}
}

func TestAssumeRoleWhoMay(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	bob, bobKey := f.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	var e apiError
	// Bob has no trust.
	f.do("POST", "/v2/assumed-roles/assume", bobKey, `{"user_id":"`+bob+`","role_id":"`+f.role+`","session_name":"x"}`, http.StatusForbidden, &e)
	if !strings.Contains(e.Error, "No trust") {
		t.Errorf("no trust: %q", e.Error)
	}
	// Bob may not assume for alice without iam.role.AssumeRole.
	f.do("POST", "/v2/assumed-roles/assume", bobKey, f.body(""), http.StatusForbidden, nil)
	// A trust for a group covers its members.
	var g struct{ ID string }
	f.do("POST", "/v2/groups", f.root, `{"display_name":"ops","description":""}`, http.StatusCreated, &g)
	f.do("POST", "/v2/groups/"+g.ID+"/members", f.root, `{"user_id":"`+bob+`","display_name":""}`, http.StatusNoContent, nil)
	f.createTrust(`{"role_id":"` + f.role + `","trust_type":"TemporaryAssumption","trusted_group_id":"` + g.ID + `"}`)
	s := f.assume(bobKey, `{"user_id":"`+bob+`","role_id":"`+f.role+`","session_name":"x"}`, http.StatusCreated)
	if s.RemainingDuration != 3600 {
		t.Errorf("default duration: remaining %d, want 3600", s.RemainingDuration)
	}
	// Alice cannot read or end bob's session.
	f.do("GET", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusForbidden, nil)
	f.do("DELETE", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusForbidden, nil)
	f.do("GET", "/v2/assumed-roles/kwr_nope", f.root, "", http.StatusBadRequest, nil)
	f.do("GET", "/v2/assumed-roles/kwr_0193a000-0000-7000-8000-00000000beef_"+strings.Repeat("0", 64), f.root, "", http.StatusNotFound, nil)
	// An assignable role cannot be assumed.
	var plain struct{ ID string }
	f.do("POST", "/v2/roles", f.root, `{"name":"plain","description":"","role_type":"assignable","max_session_duration":0}`, http.StatusCreated, &plain)
	f.do("POST", "/v2/assumed-roles/assume", f.aliceKey, `{"user_id":"`+f.alice+`","role_id":"`+plain.ID+`","session_name":"x"}`, http.StatusConflict, nil)
}

func TestSessionsEnd(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(f *sessionFixture, advance func(time.Duration) time.Time)
	}{
		{"session expires", func(f *sessionFixture, advance func(time.Duration) time.Time) { advance(901 * time.Second) }},
		{"trust expires", func(f *sessionFixture, advance func(time.Duration) time.Time) { advance(11 * time.Minute) }},
		{"trust deleted", func(f *sessionFixture, _ func(time.Duration) time.Time) {
			f.do("DELETE", "/v2/role-trusts/"+f.trust, f.root, "", http.StatusNoContent, nil)
		}},
		{"trust moved to another user", func(f *sessionFixture, _ func(time.Duration) time.Time) {
			bob, _ := f.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
			f.do("PUT", "/v2/role-trusts/"+f.trust, f.root, `{"trusted_user_id":"`+bob+`"}`, http.StatusOK, nil)
		}},
		{"role deleted", func(f *sessionFixture, _ func(time.Duration) time.Time) {
			f.do("DELETE", "/v2/roles/"+f.role, f.root, "", http.StatusNoContent, nil)
		}},
		{"member suspended", func(f *sessionFixture, _ func(time.Duration) time.Time) {
			f.do("PUT", "/v2/organizations/"+f.orgID+"/user/"+f.alice+"/suspend", f.root, "", http.StatusNoContent, nil)
		}},
		{"member removed", func(f *sessionFixture, _ func(time.Duration) time.Time) {
			f.do("DELETE", "/v2/users/"+f.alice, f.root, "", http.StatusNoContent, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, advance := newSessionFixture(t, `,"valid_until":"2026-03-04T10:10:00Z"`)
			f.api = f.in(t)
			s := f.assume(f.aliceKey, f.body(`,"duration":900`), http.StatusCreated)
			f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusOK, nil)
			tc.end(f, advance)
			f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusUnauthorized, nil)
			// A removed member has no listing. Every other ended session
			// is not listed as live.
			if tc.name == "member removed" {
				return
			}
			var list struct {
				Sessions []struct {
					ID string `json:"id"`
				} `json:"sessions"`
			}
			f.do("GET", "/v2/assumed-roles/users/"+f.alice+"/sessions", f.root, "", http.StatusOK, &list)
			if len(list.Sessions) != 0 {
				t.Errorf("after %s, live sessions = %+v, want none", tc.name, list.Sessions)
			}
		})
	}
}

func TestRoleChaining(t *testing.T) {
	f, advance := newSessionFixture(t, "")
	parent := f.assume(f.aliceKey, f.body(`,"duration":1800`), http.StatusCreated)
	second := f.assumableRole("auditor", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.auditevent.List","Resource":"*"}]}`)
	f.createTrust(`{"role_id":"` + second + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + f.alice + `"}`)
	chain := `{"user_id":"` + f.alice + `","role_id":"` + second + `","session_name":"chained","duration":3600}`
	var e apiError
	f.do("POST", "/v2/assumed-roles/assume", parent.SessionToken, chain, http.StatusForbidden, &e)
	if !strings.Contains(e.Error, "chaining") {
		t.Errorf("chaining refusal: %q", e.Error)
	}
	f.do("PUT", "/v2/roles/"+second, f.root, `{"name":"auditor","description":"","role_type":"","max_session_duration":0,"allow_chaining":true}`, http.StatusOK, nil)
	child := f.assume(parent.SessionToken, chain, http.StatusCreated)
	if child.ExpiresAt != parent.ExpiresAt || child.RemainingDuration != 1800 {
		t.Errorf("chained session = %+v, want it to end with its parent at %s", child, parent.ExpiresAt)
	}
	f.do("GET", "/v2/audit-events", child.SessionToken, "", http.StatusOK, nil)
	f.do("GET", "/v2/groups", child.SessionToken, "", http.StatusForbidden, nil) // the parent's role, not the child's
	// Ending the parent ends the child.
	f.do("DELETE", "/v2/assumed-roles/"+parent.SessionToken, f.aliceKey, "", http.StatusNoContent, nil)
	f.do("GET", "/v2/audit-events", child.SessionToken, "", http.StatusUnauthorized, nil)
	advance(time.Minute)
}

func TestAutomaticTrust(t *testing.T) {
	a, _ := newClockAPI(t)
	alice, _ := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	role := a.assumableRole("vm-operator", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.*","Resource":"*"}]}`)
	var g struct{ ID string }
	a.do("POST", "/v2/groups", a.root, `{"display_name":"ops","description":""}`, http.StatusCreated, &g)
	a.do("POST", "/v2/groups/"+g.ID+"/members", a.root, `{"user_id":"`+alice+`","display_name":""}`, http.StatusNoContent, nil)
	decide := func(extra string) bool {
		t.Helper()
		var out struct {
			Allowed bool `json:"allowed"`
		}
		a.do("POST", "/v2/authorize", a.root, `{"principal_id":"`+alice+`","action":"compute.instance.Create"`+extra+`}`, http.StatusOK, &out)
		return out.Allowed
	}
	if decide("") {
		t.Fatal("allowed before any trust")
	}
	tr := a.createTrust(`{"role_id":"` + role + `","trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_group_id":"` + g.ID +
		`","conditions":{"ip_address":["192.168.0.0/16"]},"valid_until":"2026-03-05T00:00:00Z"}`)
	if tr.AssumptionMode != "automatic" {
		t.Fatalf("trust = %+v", tr)
	}
	for _, tc := range []struct {
		extra string
		want  bool
	}{
		{`,"context":{"source_ip":"192.168.1.5"}`, true},
		{`,"context":{"source_ip":"10.1.1.1"}`, false},
		{``, false}, // no address: the ip_address condition is not met
		{`,"context":{"source_ip":"192.168.1.5","time":"2026-03-05T00:00:01Z"}`, false}, // after valid_until
	} {
		if got := decide(tc.extra); got != tc.want {
			t.Errorf("authorize%s = %v, want %v", tc.extra, got, tc.want)
		}
	}
	var acc struct {
		Access struct {
			Policies []struct {
				Name string   `json:"name"`
				Via  []string `json:"via"`
			} `json:"policies"`
		} `json:"effective_access"`
	}
	a.do("GET", "/v2/users/"+alice+"/effective-access", a.root, "", http.StatusOK, &acc)
	found := false
	for _, p := range acc.Access.Policies {
		found = found || p.Name == "vm-operator-policy" && slices.Contains(p.Via, "trust:vm-operator (automatic)")
	}
	if !found {
		t.Errorf("effective access = %+v, want vm-operator-policy via trust:vm-operator (automatic)", acc)
	}
	// A deny of the role wins over the user's own allow.
	deny := a.createPolicy("no-delete", `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*"}]}`)
	a.do("POST", "/v2/roles/"+role+"/policies/"+deny, a.root, "", http.StatusCreated, nil)
	own := a.createPolicy("own-delete", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.Delete","Resource":"*"}]}`)
	a.attach(own, alice)
	var out struct {
		Allowed     bool `json:"allowed"`
		Explanation struct {
			Decision string `json:"decision"`
		} `json:"explanation"`
	}
	a.do("POST", "/v2/authorize", a.root, `{"principal_id":"`+alice+`","action":"compute.instance.Delete","context":{"source_ip":"192.168.1.5"}}`, http.StatusOK, &out)
	if out.Allowed || out.Explanation.Decision != "explicit_deny" {
		t.Errorf("delete through the trust = %+v, want explicit_deny", out)
	}
}

// TestSessionTokenNotLogged reads and ends a session by its token, which
// travels in the path, and requires the token in no log line.
func TestSessionTokenNotLogged(t *testing.T) {
	var logs keywardtest.SyncBuffer
	a, _ := newClockAPILog(t, &logs)
	f := &sessionFixture{api: a}
	f.alice, f.aliceKey = a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)
	f.role = a.assumableRole("deployer", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.group.List","Resource":"*"}]}`)
	a.createTrust(`{"role_id":"` + f.role + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + f.alice + `"}`)
	s := f.assume(f.aliceKey, f.body(""), http.StatusCreated)
	f.do("GET", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusOK, nil)
	f.do("DELETE", "/v2/assumed-roles/"+s.SessionToken, f.aliceKey, "", http.StatusNoContent, nil)
	_, secret, _ := strings.Cut(strings.TrimPrefix(s.SessionToken, "kwr_"), "_")
	if out := logs.String(); !strings.Contains(out, "/v2/assumed-roles/{session_token}") || strings.Contains(out, secret) {
		t.Errorf("logs name the route %v and hold the token's secret %v:\n%s",
			strings.Contains(out, "{session_token}"), strings.Contains(out, secret), out)
	}
}

func TestAssumeRoleBadInput(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	for _, tc := range []struct {
		name, body, field string
	}{
		{"user id", `{"user_id":"alice","role_id":"` + f.role + `"}`, "user_id"},
		{"role id", `{"role_id":"deployer"}`, "role_id"},
		{"no role", `{"session_name":"x"}`, "role_id"},
		{"duration type", f.body(`,"duration":"15m"`), "duration"},
		{"negative duration", f.body(`,"duration":-1`), "duration"},
		{"long name", `{"role_id":"` + f.role + `","session_name":"` + strings.Repeat("n", 300) + `"}`, "session_name"},
		{"session policy type", f.body(`,"session_policy":"read-only"`), "session_policy"},
		{"unknown field", f.body(`,"external_id":"x"`), "external_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var e apiError
			f.in(t).do("POST", "/v2/assumed-roles/assume", f.aliceKey, tc.body, http.StatusBadRequest, &e)
			if e.Field != tc.field {
				t.Errorf("field = %q (%s), want %q", e.Field, e.Error, tc.field)
			}
		})
	}
}
