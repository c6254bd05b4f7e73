package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// outsider creates, in a new organization of the root owner's, a member
// with email and API access, and returns its id and its key there: an
// account that can accept invitations to the bootstrap organization with
// its own bearer.
func (m *mailAPI) outsider(email string) (id, key string) {
	m.t.Helper()
	_, homeRoot := m.otherOrg("Home of " + email)
	var u struct {
		User struct {
			ID     string `json:"id"`
			APIKey string `json:"api_key"`
		} `json:"user"`
	}
	m.do("POST", "/v2/users", homeRoot, `{"email":"`+email+`","name":"Outsider","api_enabled":true}`, http.StatusCreated, &u)
	return u.User.ID, u.User.APIKey
}

// outboxLink returns the link of the invitation email of invitation id,
// from the development outbox.
func (m *mailAPI) outboxLink(id string) string {
	m.t.Helper()
	var outbox struct {
		Messages []struct {
			RefID string `json:"ref_id"`
			Text  string `json:"text"`
		} `json:"messages"`
	}
	m.do("GET", "/v2/mail?per_page=100", m.root, "", http.StatusOK, &outbox)
	for _, msg := range outbox.Messages {
		if msg.RefID == id {
			return linkPattern.FindString(msg.Text)
		}
	}
	m.t.Fatalf("no email of invitation %s in the outbox", id)
	return ""
}

// allowed asks, as the root owner, whether user may perform action.
func (a *api) allowed(user, action string) bool {
	a.t.Helper()
	var out struct {
		Allowed bool `json:"allowed"`
	}
	a.do("POST", "/v2/authorize", a.root, `{"principal_id":"`+user+`","action":"`+action+`"}`, http.StatusOK, &out)
	return out.Allowed
}

// TestRejoinedMemberHasNoOldTrusts: a removed member's user trusts go with
// its membership, however it is removed. They used to survive, and the
// account, re-invited with nothing, was admin again through its old
// automatic trust.
func TestRejoinedMemberHasNoOldTrusts(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remove func(m *mailAPI, id string) string // the path of the DELETE
	}{
		{"user deleted", func(_ *mailAPI, id string) string { return "/v2/users/" + id }},
		{"removed from the organization", func(m *mailAPI, id string) string { return "/v2/organizations/" + m.orgID + "/user/" + id }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailAPI(t, false)
			carol, carolKey := m.outsider("carol@example.com")
			// join invites carol with nothing but API access and returns
			// her new key in the organization.
			join := func() string {
				t.Helper()
				link := m.outboxLink(m.invite(`{"email_invited":"carol@example.com","permissions":{"api_enabled":true}}`))
				var got accepted
				m.accept(link, carolKey, "", "", http.StatusCreated, &got)
				return got.User.APIKey
			}
			join()
			admins := m.assumableRole("admins", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
			manual := m.assumableRole("breakglass", 3600, `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
			auto := m.createTrust(`{"role_id":"` + admins + `","trust_type":"TemporaryAssumption","assumption_mode":"automatic","trusted_user_id":"` + carol + `"}`)
			deleted := m.createTrust(`{"role_id":"` + manual + `","trust_type":"TemporaryAssumption","trusted_user_id":"` + carol + `"}`)
			m.do("DELETE", "/v2/role-trusts/"+deleted.ID, m.root, "", http.StatusNoContent, nil)
			if !m.allowed(carol, "iam.user.Delete") {
				t.Fatal("carol is not admin through her automatic trust")
			}

			m.do("DELETE", tc.remove(m, carol), m.root, "", http.StatusNoContent, nil)
			key := join()
			if m.allowed(carol, "iam.user.Delete") {
				t.Error("carol, re-invited with nothing, is admin again")
			}
			for _, id := range []string{auto.ID, deleted.ID} {
				m.do("GET", "/v2/role-trusts/"+id, m.root, "", http.StatusNotFound, nil)
				m.do("PATCH", "/v2/role-trusts/"+id+"/restore", m.root, "", http.StatusNotFound, nil)
			}
			var trusts struct {
				Trusts []struct{ ID string } `json:"assumable_roles"`
			}
			m.do("GET", "/v2/role-trusts/assumable/"+carol, m.root, "", http.StatusOK, &trusts)
			if len(trusts.Trusts) != 0 {
				t.Errorf("carol's trusts after rejoining = %+v, want none", trusts.Trusts)
			}
			var e apiError
			m.do("POST", "/v2/assumed-roles/assume", key, `{"role_id":"`+manual+`","session_name":"x"}`, http.StatusForbidden, &e)
			if !strings.Contains(e.Error, "No trust") {
				t.Errorf("assuming through the old trust: %q, want no trust", e.Error)
			}
		})
	}
}
