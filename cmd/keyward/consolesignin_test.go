package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestConsoleSecurity checks the console's headers and cookie, and that a
// page of another origin cannot make a signed-in browser act.
func TestConsoleSecurity(t *testing.T) {
	tab := newTab(t)
	ts, _, _ := consoleServer(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	res, err := noRedirect.PostForm(ts.URL+"/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}, "return_to": {"//evil.example/"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		t.Errorf("POST /login with return_to //evil.example/ = %d to %q, want 303 to /", res.StatusCode, res.Header.Get("Location"))
	}
	cookie := res.Header.Get("Set-Cookie")
	for _, want := range []string{keyward.SessionCookie + "=kws_", "Path=/", "HttpOnly", "SameSite=Lax"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("Set-Cookie %q is Secure over plain HTTP, where the browser would drop it", cookie)
	}
	for _, tc := range []struct{ header, want string }{
		{"Content-Security-Policy", "script-src 'self'"},
		{"Content-Security-Policy", "frame-ancestors 'none'"},
		{"X-Frame-Options", "DENY"},
		{"Referrer-Policy", "no-referrer"},
	} {
		if got := res.Header.Get(tc.header); !strings.Contains(got, tc.want) {
			t.Errorf("%s = %q, want it to contain %q", tc.header, got, tc.want)
		}
	}
	if got := res.Header.Get("Content-Security-Policy"); strings.Contains(got, "unsafe-inline") || strings.Contains(got, "unsafe-eval") {
		t.Errorf("Content-Security-Policy %q allows inline script or eval", got)
	}

	// A page on another origin of the same site (another port): SameSite
	// lets the cookie through, the cross-origin protection refuses.
	signIn(t, tab, ts, "admin@localhost", ownerPassword)
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><form method="post" action="%s/team/service-users"><input name="name" value="planted"><button id="post">Win a prize</button></form>`, ts.URL)
	}))
	defer attacker.Close()
	do(t, tab, "open the other origin's page", chromedp.Navigate(attacker.URL))
	// A click posts the form, and RunResponse waits for the navigation it
	// starts: a script posting it as the page loads would race the wait,
	// which cannot outlive the page it starts on.
	answer, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.ID("post")))
	if err != nil {
		t.Fatalf("the forged post: %v", err)
	}
	if answer.Status != http.StatusForbidden {
		t.Errorf("the forged post's answer is %d, want %d", answer.Status, http.StatusForbidden)
	}
	if got := text(t, tab, "body"); !strings.Contains(got, "another site") {
		t.Errorf("the forged POST's answer says %q, want the refusal", got)
	}
	var users struct {
		Users []struct {
			Name string `json:"name"`
		} `json:"users"`
	}
	callAPI(t, ts, "GET", "/v2/users", ts.Token, "", http.StatusOK, &users)
	for _, u := range users.Users {
		if u.Name == "planted" {
			t.Error("a cross-origin form created a service user")
		}
	}

	// An account in two organizations switches with the switcher, signing
	// in to the other one.
	var second struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/organizations", ts.Token, `{"name": "Second"}`, http.StatusCreated, &second)
	sessions := func() int {
		var out struct {
			Meta struct{ Total int } `json:"meta"`
		}
		callAPI(t, ts, "GET", "/v2/auth/sessions", ts.Token, "", http.StatusOK, &out)
		return out.Meta.Total
	}
	before := sessions()
	do(t, tab, "switch organization", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("switch-org")),
		chromedp.SetValue(chromedp.ID("switch-org"), second.ID), chromedp.Click(chromedp.ID("switch")),
		chromedp.WaitVisible(chromedp.ID("password")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@localhost"), chromedp.SendKeys(chromedp.ID("password"), ownerPassword),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("welcome")))
	if got := text(t, tab, "h1"); got != "Second" {
		t.Errorf("after switching, the start page is of %q, want Second", got)
	}
	if after := sessions(); after != before {
		t.Errorf("%d login sessions after switching, want %d: the new one replaces the browser's", after, before)
	}
}

// TestConsoleMFASignIn signs in an account that has an authenticator:
// the password alone leads to the second step, which the code completes.
func TestConsoleMFASignIn(t *testing.T) {
	tab := newTab(t)
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}
	const password = "a long unusual passphrase"
	root.okStdin(password, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin")
	session := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL,
		"KEYWARD_TOKEN": strings.TrimSpace(anon.okStdin(password, "login", "--email", "ada@example.com"))}}
	var e struct {
		TOTP struct{ Secret string } `json:"totp"`
	}
	session.json(&e, "mfa", "enroll")
	session.ok("mfa", "confirm", keywardtest.TOTPCode(t, e.TOTP.Secret, time.Now()))

	do(t, tab, "sign in with the password", chromedp.Navigate(ts.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), "ada@example.com"), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("totp_code")))
	checkPage(t, tab, "login-mfa")
	// The confirmation spent this step's code: the next step's is fresh.
	do(t, tab, "enter the code", chromedp.SendKeys(chromedp.ID("totp_code"), keywardtest.TOTPCode(t, e.TOTP.Secret, time.Now().Add(30*time.Second))),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("welcome")))
	if got := text(t, tab, "#welcome"); !strings.Contains(got, "Ada") {
		t.Errorf("start page after MFA sign-in says %q", got)
	}
}
