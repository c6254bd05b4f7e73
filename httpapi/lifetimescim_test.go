package httpapi_test

import (
	"net/http"
	"testing"
)

// scimWorks reports whether bearer may still list the organization's
// SCIM users.
func (w *lifeWorld) scimWorks(bearer string) bool {
	w.t.Helper()
	res, _ := w.send("GET", "/scim/v2/"+w.orgID+"/Users", "", map[string]string{"Authorization": "Bearer " + bearer}, 0)
	if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusUnauthorized {
		w.t.Errorf("SCIM list users = %d, want 200 or 401", res.StatusCode)
	}
	return res.StatusCode == http.StatusOK
}

// TestSCIMTokenLifetimes: a SCIM token never ends by itself, so only a
// credential that does not either may make one (an unnarrowed or
// narrowed key without an expiry, or a login session, whose end is a
// sign-in timeout); a key that expires and a role session are refused,
// naming the layer. A token made works while its maker is an active
// member: suspending or removing the maker takes it away.
func TestSCIMTokenLifetimes(t *testing.T) {
	parents := append(parentKinds[:len(parentKinds):len(parentKinds)],
		struct {
			name string
			make func(w *lifeWorld) credential
		}{"key without an expiry", func(w *lifeWorld) credential {
			var out struct {
				APIKey apiKeyOut `json:"api_key"`
			}
			w.do("POST", "/v2/users/"+w.alice+"/api-keys", w.root, `{"name":"forever"}`, http.StatusCreated, &out)
			return credential{token: out.APIKey.Key}
		}})
	refusedBy := map[string]string{"api key": "token", "narrowed key": "token", "role session": "session_policy"}
	for _, pk := range parents {
		for _, ev := range []struct {
			name string
			fire func(w *lifeWorld)
		}{
			{"the maker is suspended", func(w *lifeWorld) {
				w.do("PUT", "/v2/organizations/"+w.orgID+"/user/"+w.alice+"/suspend", w.root, "", http.StatusNoContent, nil)
			}},
			{"the maker is removed", func(w *lifeWorld) {
				w.do("DELETE", "/v2/users/"+w.alice, w.root, "", http.StatusNoContent, nil)
			}},
		} {
			t.Run(pk.name+"/"+ev.name, func(t *testing.T) {
				w := newLifeWorld(t)
				all := w.createPolicy("everything", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
				w.attach(all, w.alice)
				w.do("POST", "/v2/roles/"+w.lead+"/policies/"+all, w.root, "", http.StatusCreated, nil)
				parent := pk.make(w)
				w.do("PUT", "/v2/fleet/organizations/"+w.orgID+"/identity-mode", w.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
				var out struct {
					SCIMToken struct{ Token string } `json:"scim_token"`
				}
				var e struct {
					Explain struct {
						Layer string `json:"layer"`
					} `json:"explanation"`
				}
				if layer, refused := refusedBy[pk.name]; refused {
					w.do("POST", "/v2/scim-tokens", parent.token, `{"name":"okta"}`, http.StatusForbidden, &e)
					if e.Explain.Layer != layer {
						t.Errorf("refusal's layer = %q, want %q", e.Explain.Layer, layer)
					}
					return
				}
				w.do("POST", "/v2/scim-tokens", parent.token, `{"name":"okta"}`, http.StatusCreated, &out)
				if !w.scimWorks(out.SCIMToken.Token) {
					t.Fatal("the SCIM token does not work before the event")
				}
				ev.fire(w)
				if w.scimWorks(out.SCIMToken.Token) {
					t.Errorf("the SCIM token made with a %s works after %s", pk.name, ev.name)
				}
			})
		}
	}
}
