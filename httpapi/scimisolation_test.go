package httpapi_test

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/identity"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// TestSCIMIDsRevealNothing is TestPathIDsRevealNothing and
// TestBodyIDsRevealNothing for SCIM: organization B's identity provider,
// with B's SCIM token, names A's users and groups (live, deleted, or ids
// that never were) in SCIM's paths, in a group's members and in filters,
// and gets the same answer for each.
func TestSCIMIDsRevealNothing(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	idp := keywardtest.NewIdP(t, base+"/v2/auth/sso/callback")
	s := &ssoAPI{newAPIOn(t, service.Options{PublicURL: base, OIDCAllowHTTP: true,
		SignIn: identity.New(identity.Options{AllowPrivate: true})}, l), idp}
	a := s.api
	live, gone, never := a.objectSets(t)
	live["email"], gone["email"], never["email"] = "bob@example.com", "bobgone@example.com", "nobody@example.com"
	b := a.stranger(t)
	s.ssoOrg(b.objs["organization_id"], b.root, "")
	_, tok := a.scimToken(b.root)
	scimBase := "/scim/v2/" + b.objs["organization_id"]
	var g, u struct{ ID string }
	a.scim("POST", scimBase+"/Groups", tok, `{`+scimGroupSchema+`,"displayName":"scimmed","members":[]}`, http.StatusCreated, &g)
	a.scim("POST", scimBase+"/Users", tok, `{`+scimUserSchema+`,"userName":"sam@example.com","active":true}`, http.StatusCreated, &u)

	for _, r := range []struct{ method, path, body string }{
		{"GET", "/Users/{a.user_id}", ""},
		{"PUT", "/Users/{a.user_id}", `{` + scimUserSchema + `,"userName":"zed@example.com","active":true}`},
		{"PATCH", "/Users/{a.user_id}", `{` + scimPatchSchema + `,"Operations":[{"op":"replace","path":"active","value":false}]}`},
		{"DELETE", "/Users/{a.user_id}", ""},
		{"GET", "/Groups/{a.group_id}", ""},
		{"PUT", "/Groups/{a.group_id}", `{` + scimGroupSchema + `,"displayName":"renamed","members":[]}`},
		{"PATCH", "/Groups/{a.group_id}", `{` + scimPatchSchema + `,"Operations":[{"op":"add","path":"members","value":[{"value":"{b.user}"}]}]}`},
		{"DELETE", "/Groups/{a.group_id}", ""},
		{"PATCH", "/Groups/{b.group}", `{` + scimPatchSchema + `,"Operations":[{"op":"add","path":"members","value":[{"value":"{a.user_id}"}]}]}`},
		{"PATCH", "/Groups/{b.group}", `{` + scimPatchSchema + `,"Operations":[{"op":"remove","path":"members[value eq \"{a.user_id}\"]"}]}`},
		{"PUT", "/Groups/{b.group}", `{` + scimGroupSchema + `,"displayName":"scimmed","members":[{"value":"{a.user_id}"}]}`},
		{"POST", "/Groups", `{` + scimGroupSchema + `,"displayName":"another","members":[{"value":"{a.user_id}"}]}`},
		{"GET", "/Users?filter=" + url.QueryEscape(`userName eq "{a.email}"`), ""},
	} {
		t.Run(r.method+" "+r.path+" "+r.body, func(t *testing.T) {
			a := a.in(t)
			var want answer
			for n, set := range idSets(never, gone, live) {
				sent := map[string]string{}
				fill := func(x string) string {
					x = strings.NewReplacer("{b.group}", g.ID, "{b.user}", u.ID).Replace(x)
					for _, k := range []string{"user_id", "group_id", "email"} {
						esc := url.QueryEscape("{a." + k + "}")
						if strings.Contains(x, "{a."+k+"}") || strings.Contains(x, esc) {
							sent[set.objs[k]] = "{" + k + "}"
						}
						x = strings.ReplaceAll(x, "{a."+k+"}", set.objs[k])
						x = strings.ReplaceAll(x, esc, url.QueryEscape(set.objs[k]))
					}
					return x
				}
				got := a.askWith(r.method, scimBase+fill(r.path), fill(r.body),
					map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/scim+json"}, sent)
				if n == 0 {
					want = got
					continue
				}
				if got != want {
					t.Errorf("%s: %+v\nnever existed: %+v", set.name, got, want)
				}
			}
		})
	}
}
