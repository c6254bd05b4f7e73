package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestAccessFormsCrossOrigin: the forms of the trusts, assumed roles,
// projects, OIDC issuers and settings pages are the console's, and one
// sent by another origin is refused before any handler runs; from the
// console's own origin, a signed-out browser goes to the sign-in page.
func TestAccessFormsCrossOrigin(t *testing.T) {
	h := New(Config{}).Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	const id = "01a24c52-ebfa-7000-beb9-2ff42ebdf25a"
	for _, path := range []string{
		"/roles/" + id + "/trusts", "/roles/" + id + "/trusts/" + id + "/delete",
		"/assumed-roles/assume", "/assumed-roles/sessions/" + id + "/terminate",
		"/projects", "/projects/" + id + "/delete", "/projects/" + id + "/resources", "/projects/" + id + "/resources/delete",
		"/projects/" + id + "/assignments", "/projects/" + id + "/assignments/remove",
		"/projects/" + id + "/overrides", "/projects/" + id + "/overrides/" + id + "/delete",
		"/oidc-issuers", "/oidc-issuers/" + id + "/delete",
		"/organization/rename", "/organization/transfer", "/organization/delete", "/organization/restore/" + id,
	} {
		for _, tc := range []struct {
			site string
			want int
		}{{"cross-site", http.StatusForbidden}, {"same-origin", http.StatusSeeOther}} {
			r := httptest.NewRequest("POST", path, strings.NewReader("name=x"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Sec-Fetch-Site", tc.site)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tc.want {
				t.Errorf("%s POST %s = %d, want %d", tc.site, path, w.Code, tc.want)
			}
		}
	}
}
