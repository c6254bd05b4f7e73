package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestSCIMTokenRefusals: an organization's SCIM endpoint opens only to a
// live SCIM token of that organization, in the idp identity mode; another
// organization's token finds nothing there (404), and the refusals are in
// SCIM's error shape.
func TestSCIMTokenRefusals(t *testing.T) {
	a := newAPI(t)
	a.do("PUT", "/v2/fleet/organizations/"+a.orgID+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	revokedID, revoked := a.scimToken(a.root)
	a.do("DELETE", "/v2/scim-tokens/"+revokedID, a.root, "", http.StatusNoContent, nil)
	_, tokA := a.scimToken(a.root)
	orgB, rootB := a.otherOrg("B")
	a.do("PUT", "/v2/fleet/organizations/"+orgB+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	_, tokB := a.scimToken(rootB)
	orgC, rootC := a.otherOrg("C") // local identity mode
	_, tokC := a.scimToken(rootC)
	id, secret, _ := strings.Cut(strings.TrimPrefix(tokA, "kwscim_"), "_")
	forged := "kwscim_" + id + "_" + strings.Repeat("0", len(secret))
	apiKey := a.root

	for _, tc := range []struct {
		name, org, token string
		want             int
	}{
		{"own token", a.orgID, tokA, http.StatusOK},
		{"B's own token", orgB, tokB, http.StatusOK},
		{"org A's token at org B", orgB, tokA, http.StatusNotFound},
		{"org B's token at org A", a.orgID, tokB, http.StatusNotFound},
		{"no token", a.orgID, "", http.StatusUnauthorized},
		{"wrong secret", a.orgID, forged, http.StatusUnauthorized},
		{"deleted token", a.orgID, revoked, http.StatusUnauthorized},
		{"malformed token", a.orgID, "kwscim_nonsense", http.StatusUnauthorized},
		{"an API key", a.orgID, apiKey, http.StatusUnauthorized},
		{"organization in the local identity mode", orgC, tokC, http.StatusForbidden},
		{"organization that does not exist", "0193a000-0000-7000-8000-00000000dead", tokA, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.in(t).scim("GET", "/scim/v2/"+tc.org+"/Users", tc.token, "", tc.want, nil)
		})
	}

	var list struct {
		Tokens []map[string]any `json:"scim_tokens"`
	}
	a.do("GET", "/v2/scim-tokens", a.root, "", http.StatusOK, &list)
	if len(list.Tokens) != 1 {
		t.Fatalf("tokens of org A = %v, want the one live token", list.Tokens)
	}
	if _, ok := list.Tokens[0]["token"]; ok {
		t.Errorf("a listed token shows its secret: %v", list.Tokens[0])
	}
	if got, want := list.Tokens[0]["scim_base_url"], "/scim/v2/"+a.orgID; got != want {
		t.Errorf("scim_base_url = %v, want %s", got, want)
	}
	a.do("DELETE", "/v2/scim-tokens/"+revokedID, a.root, "", http.StatusNotFound, nil)
}

// TestSCIMListsFilterAndPage: userName eq and displayName eq filter the
// lists (case-insensitively, as SCIM's userName is), startIndex and count
// page them with the total, and other filters are a 400 invalidFilter.
func TestSCIMListsFilterAndPage(t *testing.T) {
	a := newAPI(t)
	a.createUser(`{"email":"local@example.com","name":"Local"}`) // not SCIM's: never listed
	a.do("PUT", "/v2/fleet/organizations/"+a.orgID+"/identity-mode", a.root, `{"identity_mode":"idp"}`, http.StatusOK, nil)
	_, tok := a.scimToken(a.root)
	base := "/scim/v2/" + a.orgID
	for _, name := range []string{"u1", "u2", "u3", "u4", "u5"} {
		a.scim("POST", base+"/Users", tok, `{`+scimUserSchema+`,"userName":"`+name+`@example.com","displayName":"`+name+`"}`, http.StatusCreated, nil)
	}
	for _, name := range []string{"alpha", "beta"} {
		a.scim("POST", base+"/Groups", tok, `{`+scimGroupSchema+`,"displayName":"`+name+`"}`, http.StatusCreated, nil)
	}
	for _, tc := range []struct {
		query string
		total int
		names []string
	}{
		{"/Users", 5, []string{"u1", "u2", "u3", "u4", "u5"}},
		{"/Users?startIndex=1&count=2", 5, []string{"u1", "u2"}},
		{"/Users?startIndex=3&count=2", 5, []string{"u3", "u4"}},
		{"/Users?startIndex=5&count=2", 5, []string{"u5"}},
		{"/Users?startIndex=9", 5, nil},
		{"/Users?count=0", 5, nil},
		{"/Users" + filterQuery(`userName eq "U3@Example.com"`), 1, []string{"u3"}},
		{"/Users" + filterQuery(`userName eq "local@example.com"`), 0, nil},
		{"/Groups" + filterQuery(`displayName eq "beta"`), 1, []string{"beta"}},
		{"/Groups?startIndex=2&count=5", 2, []string{"beta"}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			var got scimList
			a.in(t).scim("GET", base+tc.query, tok, "", http.StatusOK, &got)
			var names []string
			for _, r := range got.Resources {
				names = append(names, r.DisplayName)
			}
			if got.TotalResults != tc.total || strings.Join(names, ",") != strings.Join(tc.names, ",") {
				t.Errorf("total %d, names %v; want %d, %v", got.TotalResults, names, tc.total, tc.names)
			}
		})
	}
	for _, q := range []string{filterQuery(`userName co "u"`), filterQuery(`displayName eq "u1"`), filterQuery(`userName eq`)} {
		var e scimError
		a.scim("GET", base+"/Users"+q, tok, "", http.StatusBadRequest, &e)
		if e.ScimType != "invalidFilter" {
			t.Errorf("filter %s: scimType %q, want invalidFilter", q, e.ScimType)
		}
	}
}
