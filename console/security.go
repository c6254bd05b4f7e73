package console

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/netip"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/httpapi"
)

// contentSecurityPolicy allows the console's own scripts, styles and
// images and nothing else: no inline script or style, no eval, no
// framing, and forms that post only to the console itself.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// secure sets the security headers of every console response and refuses
// every cross-origin state-changing request (net/http's
// CrossOriginProtection: a POST whose Sec-Fetch-Site or Origin says
// another origin sent it) before it reaches a handler, whatever the
// cookie's SameSite lets through.
func secure(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "Refused: this request came from another site. Use the console's own forms.", http.StatusForbidden)
	}))
	guarded := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		// The invitation page's URL holds its link's token: no page of
		// the console tells another site where it came from.
		h.Set("Referrer-Policy", "no-referrer")
		if !strings.HasPrefix(r.URL.Path, "/assets/") {
			// Pages show members, keys and tokens: no cache keeps them.
			h.Set("Cache-Control", "no-store")
		}
		r.Body = http.MaxBytesReader(w, r.Body, httpapi.MaxBodyBytes)
		guarded.ServeHTTP(w, r)
	})
}

// withRequest gives every request an id and puts it and the source
// address (httpapi.SourceAddr, behind trusted proxies the client's) where
// the service's audit events and sign-in throttles find them, as the API's
// middleware does.
func withRequest(next http.Handler, trusted []netip.Prefix) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		ctx := keyward.NewContextWithRequest(r.Context(), hex.EncodeToString(b[:]), httpapi.SourceAddr(r, trusted))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// setSession hands the browser the login session token: the one cookie
// the console sets, which scripts cannot read (HttpOnly), which other
// sites' requests do not carry except top-level navigations (SameSite
// Lax), and which travels only over TLS when the console is served over
// it.
func setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: keyward.SessionCookie, Value: token, Path: "/",
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}

// clearSession removes the session cookie.
func clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: keyward.SessionCookie, Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
}
