package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
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

// lastingParents are parentKinds and a key of alice's that never
// expires.
func lastingParents() []parentKind {
	return append(slices.Clip(parentKinds), parentKind{"key without an expiry", func(w *lifeWorld) credential {
		var out struct {
			APIKey apiKeyOut `json:"api_key"`
		}
		w.do("POST", "/v2/users/"+w.alice+"/api-keys", w.root, `{"name":"forever"}`, http.StatusCreated, &out)
		return credential{token: out.APIKey.Key}
	}})
}

// refusedLasting says, for the parents that end by themselves, the layer
// that refuses them a credential keyward could not end with them; a
// login session, whose end is a sign-in timeout, is not refused.
var refusedLasting = map[string]string{"api key": "token", "narrowed key": "token", "role session": "session_policy"}

// allowEverything lets alice, and the role lead, do everything.
func (w *lifeWorld) allowEverything() {
	w.t.Helper()
	all := w.createPolicy("everything", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	w.attach(all, w.alice)
	w.do("POST", "/v2/roles/"+w.lead+"/policies/"+all, w.root, "", http.StatusCreated, nil)
}

// refused sends a request that must be refused with a 403 whose
// explanation names layer.
func (w *lifeWorld) refused(method, path, token, body, layer string) {
	w.t.Helper()
	var e struct {
		Explain struct {
			Layer string `json:"layer"`
		} `json:"explanation"`
	}
	w.do(method, path, token, body, http.StatusForbidden, &e)
	if e.Explain.Layer != layer {
		w.t.Errorf("%s %s: refusal's layer = %q, want %q", method, path, e.Explain.Layer, layer)
	}
}

// TestSCIMTokenLifetimes: a SCIM token never ends by itself, so only a
// credential that does not either may make one (an unnarrowed or
// narrowed key without an expiry, or a login session, whose end is a
// sign-in timeout); a key that expires and a role session are refused,
// naming the layer. A token made works while its maker is an active
// member: suspending or removing the maker takes it away.
func TestSCIMTokenLifetimes(t *testing.T) {
	for _, pk := range lastingParents() {
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
				w.allowEverything()
				parent := pk.make(w)
				w.do("PUT", "/v2/fleet/organizations/"+w.orgID+"/identity-mode", w.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
				var out struct {
					SCIMToken struct{ Token string } `json:"scim_token"`
				}
				if layer, refused := refusedLasting[pk.name]; refused {
					w.refused("POST", "/v2/scim-tokens", parent.token, `{"name":"okta"}`, layer)
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

// TestSignInOutlivesNoCredential: signing in to an application gives a
// refresh token of 30 days, renewed at each use, which keyward cannot cut
// to its maker's end: a key that expires and a role session are refused
// (as a narrowed key is, for its narrowing); a login session and a key
// that never expires sign in.
func TestSignInOutlivesNoCredential(t *testing.T) {
	w := newLifeWorld(t)
	w.allowEverything()
	var app providerOut
	w.do("POST", "/v2/oidc/provider", w.root, `{"name":"app","redirect_uris":["https://app.example/cb"]}`, http.StatusCreated, &app)
	q := url.Values{"client_id": {app.Provider.ID}, "redirect_uri": {"https://app.example/cb"}, "response_type": {"code"},
		"scope": {"openid offline_access"}}
	path := "/v2/oidc/authorize?" + q.Encode()
	for _, pk := range lastingParents() {
		t.Run(pk.name, func(t *testing.T) {
			w := w.inLife(t)
			parent := pk.make(w)
			if layer, refused := refusedLasting[pk.name]; refused {
				w.refused("GET", path, parent.token, "", layer)
				return
			}
			w.do("GET", path, parent.token, "", http.StatusOK, nil)
		})
	}
}

// inLife is w reporting to t.
func (w *lifeWorld) inLife(t *testing.T) *lifeWorld {
	c := *w
	c.api = w.in(t)
	return &c
}
