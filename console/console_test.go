package console

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestWrap: the console answers its own paths and hands every other one
// to the API unchanged, whatever the method.
func TestWrap(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	h := New(Config{}).Wrap(api)
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/login", http.StatusOK},
		{"GET", "/assets/htmx.min.js", http.StatusOK},
		{"GET", "/assets/console.css", http.StatusOK},
		{"GET", "/assets/console.js", http.StatusOK},
		{"GET", "/assets/", http.StatusNotFound},
		{"GET", "/", http.StatusSeeOther},     // signed out: to the sign-in page
		{"GET", "/team", http.StatusSeeOther}, // signed out: to the sign-in page
		{"GET", "/v2/users", http.StatusTeapot},
		{"POST", "/v2/invitations/accept", http.StatusTeapot},
		{"GET", "/healthz", http.StatusTeapot},
		{"GET", "/readyz", http.StatusTeapot},
		{"GET", "/metrics", http.StatusTeapot},
		{"GET", "/no/such/page", http.StatusTeapot},
		{"DELETE", "/login", http.StatusTeapot},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if got := w.Code; got != tc.want {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, got, tc.want)
		}
	}
}

// TestNoRouteUnderAPI: the console's mux itself has no route for a path
// under apiPrefix, whatever the method, so Match's shortcut for those paths
// answers what the mux would.
func TestNoRouteUnderAPI(t *testing.T) {
	c := New(Config{})
	for _, method := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		for _, path := range []string{"/v2/", "/v2/authorize", "/v2/users", "/v2/users/x/api-keys", "/v2/assets/x"} {
			if _, got := c.mux.Handler(httptest.NewRequest(method, path, nil)); got != "" {
				t.Errorf("%s %s matches the console's %q", method, path, got)
			}
		}
	}
}

// TestSecurityHeaders: every console answer carries the headers, and a
// state-changing request from another origin is refused before any
// handler runs.
func TestSecurityHeaders(t *testing.T) {
	h := New(Config{}).Wrap(http.NotFoundHandler())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/login?return_to=/team", nil))
	for _, tc := range []struct{ header, want string }{
		{"Content-Security-Policy", contentSecurityPolicy},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
		{"Cache-Control", "no-store"},
		{"X-Content-Type-Options", "nosniff"},
	} {
		if got := w.Header().Get(tc.header); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.header, got, tc.want)
		}
	}
	if body := w.Body.String(); !strings.Contains(body, `name="return_to" value="/team"`) || strings.Contains(body, "<script>") {
		t.Errorf("sign-in page: want return_to kept and no inline script:\n%s", body)
	}

	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"cross-site fetch metadata", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site, other origin", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"foreign Origin", map[string]string{"Origin": "http://evil.example"}, http.StatusForbidden},
	} {
		r := httptest.NewRequest("POST", "/login", strings.NewReader("email=a@b.c&password=x"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range tc.headers {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.want {
			t.Errorf("%s: POST /login = %d, want %d", tc.name, w.Code, tc.want)
		}
	}
}

// TestPickOf: the template function pick makes a field of a known kind,
// required unless given a hint, and fails the page on an unknown kind.
func TestPickOf(t *testing.T) {
	for _, tc := range []struct {
		name    string
		more    []string
		kind    string
		want    pick
		wantErr bool
	}{
		{"required", nil, "users", pick{ID: "f", Name: "user_id", Label: "User", Kind: "users"}, false},
		{"with a value", []string{"v"}, "groups", pick{ID: "f", Name: "user_id", Label: "User", Kind: "groups", Value: "v"}, false},
		{"optional", []string{"", "anyone"}, "users", pick{ID: "f", Name: "user_id", Label: "User", Kind: "users", Optional: true, Hint: "anyone"}, false},
		{"unknown kind", nil, "secrets", pick{ID: "f", Name: "user_id", Label: "User", Kind: "secrets"}, true},
	} {
		got, err := pickOf("f", "user_id", "User", tc.kind, tc.more...)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s: pickOf = %+v, %v; want %+v, error %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}
