package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAcceptingBearerLimitsTheNewKey: an account already in another
// organization accepts an invitation with a credential of its own there,
// and the membership comes with an unnarrowed key. So only the account
// whole may accept: a narrowed key or a role session is refused, naming
// its layer; and the new key ends no later than an expiring key that
// accepted, while one accepted with a key without an expiry never ends.
func TestAcceptingBearerLimitsTheNewKey(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bearer func(m *mailAPI, otherRoot, carol, carolKey string) (token, end string)
		layer  string // the refusal's; "" for an acceptance
	}{
		{"key without an expiry", func(_ *mailAPI, _, _, carolKey string) (string, string) { return carolKey, "" }, ""},
		{"key that expires", func(m *mailAPI, otherRoot, carol, _ string) (string, string) {
			end := m.clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
			return m.mintKeyAs(otherRoot, carol, `{"name":"soon","expires_at":"`+end+`"}`, http.StatusCreated), end
		}, ""},
		{"narrowed key", func(m *mailAPI, otherRoot, carol, _ string) (string, string) {
			return m.mintKeyAs(otherRoot, carol, `{"name":"narrow","policy":{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}`, http.StatusCreated), ""
		}, "token"},
		{"role session", func(m *mailAPI, otherRoot, carol, carolKey string) (string, string) {
			var r struct{ ID string }
			m.do("POST", "/v2/roles", otherRoot, `{"name":"ops","description":"","role_type":"assumable","max_session_duration":3600}`, http.StatusCreated, &r)
			m.do("POST", "/v2/role-trusts", otherRoot, `{"role_id":"`+r.ID+`","trust_type":"TemporaryAssumption","trusted_user_id":"`+carol+`"}`, http.StatusCreated, nil)
			var s sessionOut
			m.do("POST", "/v2/assumed-roles/assume", carolKey, `{"role_id":"`+r.ID+`","session_name":"x","duration":900}`, http.StatusCreated, &s)
			return s.SessionToken, ""
		}, "session_policy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMailAPI(t, true)
			_, otherRoot := m.otherOrg("Other")
			var c struct {
				User struct {
					ID     string `json:"id"`
					APIKey string `json:"api_key"`
				} `json:"user"`
			}
			m.do("POST", "/v2/users", otherRoot, `{"email":"carol@example.com","name":"Carol","api_enabled":true}`, http.StatusCreated, &c)
			bearer, end := tc.bearer(m, otherRoot, c.User.ID, c.User.APIKey)

			m.invite(`{"email_invited":"carol@example.com","permissions":{"api_enabled":true}}`)
			link := m.mailTo(1, "carol@example.com")
			if tc.layer != "" {
				var e apiError
				m.accept(link, bearer, "", "", http.StatusForbidden, &e)
				if !containsLayer(e, tc.layer) {
					t.Errorf("refusal = %s %s, want layer %s", e.Error, e.Explain, tc.layer)
				}
				return
			}
			var got accepted
			m.accept(link, bearer, "", "", http.StatusCreated, &got)
			var keys struct {
				APIKeys []apiKeyOut `json:"api_keys"`
			}
			m.do("GET", "/v2/users/"+c.User.ID+"/api-keys", m.root, "", http.StatusOK, &keys)
			if len(keys.APIKeys) != 1 || keys.APIKeys[0].DateExpire != end {
				t.Errorf("carol's keys here = %+v, want one ending at %q", keys.APIKeys, end)
			}
		})
	}
}

// containsLayer reports whether e's explanation names layer.
func containsLayer(e apiError, layer string) bool {
	return len(e.Explain) > 0 && json.Valid(e.Explain) && strings.Contains(string(e.Explain), `"layer":"`+layer+`"`)
}
