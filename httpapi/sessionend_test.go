package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// groupTrust moves the fixture's trust from alice to a group "ops" that
// alice is a member of, and returns the group's id. Call it before any
// session is assumed.
func (f *sessionFixture) groupTrust() string {
	f.t.Helper()
	g := f.postGroup(f.root, "ops")
	f.do("POST", "/v2/groups/"+g+"/members", f.root, `{"user_id":"`+f.alice+`","display_name":""}`, http.StatusNoContent, nil)
	f.do("DELETE", "/v2/role-trusts/"+f.trust, f.root, "", http.StatusNoContent, nil)
	f.trust = f.createTrust(`{"role_id":"` + f.role + `","trust_type":"TemporaryAssumption","trusted_group_id":"` + g + `"}`).ID
	return g
}

// liveSessions returns the ids of the live sessions of role.
func (a *api) liveSessions(role string) []string {
	a.t.Helper()
	var list struct {
		Sessions []struct {
			ID string `json:"id"`
		} `json:"sessions"`
	}
	a.do("GET", "/v2/roles/"+role+"/sessions", a.root, "", http.StatusOK, &list)
	var ids []string
	for _, s := range list.Sessions {
		ids = append(ids, s.ID)
	}
	return ids
}

// TestSessionsEndForGood: every change that takes away what a role
// session was granted under ends the session, terminated in the change's
// own transaction: undoing the change does not bring it back, and it is
// no longer listed as live. Suspending alice, or taking her out of the
// trusted group, used to leave her session merely refused while it
// lasted, and it worked again once she was back.
func TestSessionsEndForGood(t *testing.T) {
	for _, tc := range []struct {
		name  string
		group bool // the session comes through a trust of group ops
		end   func(f *sessionFixture, group string)
	}{
		{"member suspended, then unsuspended", false, func(f *sessionFixture, _ string) {
			f.do("PUT", "/v2/organizations/"+f.orgID+"/user/"+f.alice+"/suspend", f.root, "", http.StatusNoContent, nil)
			f.do("PUT", "/v2/organizations/"+f.orgID+"/user/"+f.alice+"/unsuspend", f.root, "", http.StatusNoContent, nil)
		}},
		{"member removed from the organization", false, func(f *sessionFixture, _ string) {
			f.do("DELETE", "/v2/organizations/"+f.orgID+"/user/"+f.alice, f.root, "", http.StatusNoContent, nil)
		}},
		{"user deleted", false, func(f *sessionFixture, _ string) {
			f.do("DELETE", "/v2/users/"+f.alice, f.root, "", http.StatusNoContent, nil)
		}},
		{"trust's mode changed", false, func(f *sessionFixture, _ string) {
			f.do("PUT", "/v2/role-trusts/"+f.trust, f.root, `{"assumption_mode":"automatic"}`, http.StatusOK, nil)
		}},
		{"trust extended", false, func(f *sessionFixture, _ string) {
			f.do("PUT", "/v2/role-trusts/"+f.trust, f.root, `{"valid_until":"2026-03-05T00:00:00Z"}`, http.StatusOK, nil)
		}},
		{"trust deleted, then restored", false, func(f *sessionFixture, _ string) {
			f.do("DELETE", "/v2/role-trusts/"+f.trust, f.root, "", http.StatusNoContent, nil)
			f.do("PATCH", "/v2/role-trusts/"+f.trust+"/restore", f.root, "", http.StatusOK, nil)
		}},
		{"member left the trusted group, then rejoined", true, func(f *sessionFixture, g string) {
			f.do("DELETE", "/v2/groups/"+g+"/members/"+f.alice, f.root, "", http.StatusNoContent, nil)
			f.do("POST", "/v2/groups/"+g+"/members", f.root, `{"user_id":"`+f.alice+`","display_name":""}`, http.StatusNoContent, nil)
		}},
		{"trusted group deleted", true, func(f *sessionFixture, g string) {
			f.do("DELETE", "/v2/groups/"+g, f.root, "", http.StatusNoContent, nil)
		}},
		{"member removed while in the trusted group", true, func(f *sessionFixture, _ string) {
			f.do("DELETE", "/v2/users/"+f.alice, f.root, "", http.StatusNoContent, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := newSessionFixture(t, `,"valid_until":"2026-03-04T12:00:00Z"`)
			f.api = f.in(t)
			g := ""
			if tc.group {
				g = f.groupTrust()
			}
			s := f.assume(f.aliceKey, f.body(`,"duration":900`), http.StatusCreated)
			f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusOK, nil)
			tc.end(f, g)
			f.do("GET", "/v2/groups", s.SessionToken, "", http.StatusUnauthorized, nil)
			if got := f.liveSessions(f.role); len(got) != 0 {
				t.Errorf("live sessions of the role = %v, want none", got)
			}
		})
	}
}

// TestSessionsEndedAreAudited: the change that ends sessions says how
// many in its own audit event, and is the only event.
func TestSessionsEndedAreAudited(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	f.assume(f.aliceKey, f.body(""), http.StatusCreated)
	f.assume(f.aliceKey, f.body(""), http.StatusCreated)
	f.do("PUT", "/v2/organizations/"+f.orgID+"/user/"+f.alice+"/suspend", f.root, "", http.StatusNoContent, nil)
	var events struct {
		Events []struct {
			Action string          `json:"action"`
			After  json.RawMessage `json:"after"`
		} `json:"audit_events"`
	}
	f.do("GET", "/v2/audit-events?target_id="+f.alice, f.root, "", http.StatusOK, &events)
	var after struct {
		Status        string `json:"status"`
		SessionsEnded int    `json:"sessions_ended"`
	}
	if len(events.Events) == 0 || events.Events[0].Action != "iam.organization.SuspendUser" {
		t.Fatalf("audit events of alice = %+v, want the suspension first", events.Events)
	}
	if err := json.Unmarshal(events.Events[0].After, &after); err != nil || after.Status != "suspended" || after.SessionsEnded != 2 {
		t.Errorf("suspension's after = %s, want alice suspended and 2 sessions ended", events.Events[0].After)
	}
}

// TestChainedSessionsEndWithTheirParent: a session chained from one that
// a change ended ends too, and is no longer listed as live, although its
// own trust still names its member.
func TestChainedSessionsEndWithTheirParent(t *testing.T) {
	f, _ := newSessionFixture(t, "")
	g := f.groupTrust()
	parent := f.assume(f.aliceKey, f.body(""), http.StatusCreated)
	second := f.assumableRole("auditor", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"iam.auditevent.List","Resource":"*"}]}`)
	f.do("PUT", "/v2/roles/"+second, f.root, `{"name":"auditor","description":"","role_type":"","max_session_duration":0,"allow_chaining":true}`, http.StatusOK, nil)
	f.createTrust(`{"role_id":"` + second + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + f.alice + `"}`)
	child := f.assume(parent.SessionToken, `{"user_id":"`+f.alice+`","role_id":"`+second+`","session_name":"chained"}`, http.StatusCreated)
	f.do("GET", "/v2/audit-events", child.SessionToken, "", http.StatusOK, nil)

	f.do("DELETE", "/v2/groups/"+g+"/members/"+f.alice, f.root, "", http.StatusNoContent, nil)
	f.do("GET", "/v2/groups", parent.SessionToken, "", http.StatusUnauthorized, nil)
	f.do("GET", "/v2/audit-events", child.SessionToken, "", http.StatusUnauthorized, nil)
	if got := f.liveSessions(second); len(got) != 0 {
		t.Errorf("live sessions of the chained role = %v, want none", got)
	}
}

// TestWebIdentitySessionEnds: narrowing the claim conditions of an issuer
// trust, or deleting the OIDC issuer it names, ends the sessions its
// tokens were exchanged for, even though the token they came from can no
// longer be checked again (as deleting a trusted group ends its members'
// sessions).
func TestWebIdentitySessionEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, f *federation)
	}{
		{"claims change", func(t *testing.T, f *federation) {
			var trusts struct {
				Trusts []struct{ ID string } `json:"role_trusts"`
			}
			f.do("GET", "/v2/role-trusts/by-role/"+f.role, f.root, "", http.StatusOK, &trusts)
			if len(trusts.Trusts) != 1 {
				t.Fatalf("trusts of the role = %+v", trusts)
			}
			f.do("PUT", "/v2/role-trusts/"+trusts.Trusts[0].ID, f.root,
				`{"claim_conditions":{"sub":"repo:acme/api:ref:refs/tags/v*","repository_owner":"acme"}}`, http.StatusOK, nil)
		}},
		{"issuer deleted", func(t *testing.T, f *federation) {
			f.do("DELETE", "/v2/oidc/issuer/"+f.issuer, f.root, "", http.StatusNoContent, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFederation(t)
			var sess struct {
				SessionToken string `json:"session_token"`
			}
			f.assume(t, f.token(t, nil), http.StatusCreated, &sess)
			f.do("GET", "/v2/roles?per_page=1", sess.SessionToken, "", http.StatusOK, nil)
			tc.end(t, f)
			f.do("GET", "/v2/roles?per_page=1", sess.SessionToken, "", http.StatusUnauthorized, nil)
			if got := f.liveSessions(f.role); len(got) != 0 {
				t.Errorf("live sessions of the role = %v, want none", got)
			}
		})
	}
}
