package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy"
)

// consoleLink is the invitation link of an invitation email: the
// console's invitation page.
var consoleLink = regexp.MustCompile(`http://[^\s']+/invitation\?token=[^\s']+`)

const ownerPassword = "the owner's long passphrase"

// callAPI calls the REST API with token and decodes the answer into out (if
// not nil), failing t unless the status is want.
func callAPI(t *testing.T, ts *testServer, method, path, token, body string, want int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// consoleServer starts a server that mails through an SMTP sink, and
// gives its root owner a password so it can sign in to the console.
func consoleServer(t *testing.T) (*testServer, *keywardtest.SMTPServer, string) {
	t.Helper()
	sink := keywardtest.NewSMTPServer(t)
	ts := startServer(t, nil, "--smtp-url", sink.URL, "--smtp-tls", "none", "--smtp-from", "keyward <noreply@keyward.test>")
	var me struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	callAPI(t, ts, "GET", "/v2/users/me", ts.Token, "", http.StatusOK, &me)
	var orgs struct {
		Organizations []struct {
			ID string `json:"id"`
		} `json:"orgs"`
	}
	callAPI(t, ts, "GET", "/v2/organizations", ts.Token, "", http.StatusOK, &orgs)
	org := orgs.Organizations[0].ID
	callAPI(t, ts, "PUT", "/v2/fleet/organizations/"+org+"/users/"+me.User.ID+"/password", ts.Token,
		`{"password":"`+ownerPassword+`"}`, http.StatusNoContent, nil)
	return ts, sink, org
}

// signIn signs in on the console's sign-in page in tab.
func signIn(t *testing.T, tab context.Context, ts *testServer, email, password string) {
	t.Helper()
	do(t, tab, "sign in", chromedp.Navigate(ts.URL+"/login"),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("welcome")))
}

// TestConsoleTeamStory is seed 003's story in a real browser: the root
// owner signs in and invites Ana as Operator from the Team page; Ana
// opens the link from the mailbox, sets a password and lands in the
// organization, where the engine does not let her see the team; the
// owner changes her role, suspends her (her session stops working) and
// unsuspends her; creates a service user, whose key is shown once; asks
// the why page about a Deny. Every page passes axe-core.
func TestConsoleTeamStory(t *testing.T) {
	owner := newTab(t)
	ts, sink, _ := consoleServer(t)

	do(t, owner, "open the sign-in page", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	if loc, _ := chromedp.Run(owner, chromedp.Location()); loc != ts.URL+"/login" {
		t.Errorf("signed out, / went to %s, want the sign-in page", loc)
	}
	checkPage(t, owner, "login")
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	checkPage(t, owner, "overview")

	do(t, owner, "invite Ana as Operator", chromedp.Click(chromedp.CSS(`nav a[href="/team"]`)),
		chromedp.WaitVisible(chromedp.ID("invite")),
		chromedp.SendKeys(chromedp.ID("invite-email"), "ana@example.com"),
		chromedp.SetValue(chromedp.ID("invite-role"), teamRoleID(t, "Operator")),
		chromedp.Click(chromedp.ID("invite")),
		chromedp.WaitVisible(chromedp.CSS(`#invitations td`)))
	if got := text(t, owner, "#invitations td"); got != "ana@example.com" {
		t.Errorf("pending invitation of %q, want ana@example.com", got)
	}
	checkPage(t, owner, "team")

	link := consoleLink.FindString(sink.Wait(t, 1, 20*time.Second)[0].Body)
	if !strings.HasPrefix(link, ts.URL+"/invitation?token=") {
		t.Fatalf("the email's link is %q, want the console's invitation page", link)
	}
	ana := newTab(t)
	do(t, ana, "open the invitation", chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("accept")))
	checkPage(t, ana, "invitation")
	do(t, ana, "accept", chromedp.SendKeys(chromedp.ID("name"), "Ana"),
		chromedp.SendKeys(chromedp.ID("password"), "Ana's own long passphrase"),
		chromedp.Click(chromedp.ID("accept")), chromedp.WaitVisible(chromedp.ID("welcome")))
	if loc, _ := chromedp.Run(ana, chromedp.Location()); loc != ts.URL+"/" {
		t.Errorf("after accepting, Ana is at %s, want %s/ (and no token in the URL)", loc, ts.URL)
	}
	if got := text(t, ana, "#welcome"); !strings.Contains(got, "Ana (ana@example.com)") {
		t.Errorf("Ana's start page says %q", got)
	}
	if n, _ := chromedp.Run(ana, chromedp.Evaluate[int](`document.querySelectorAll('nav a[href="/team"]').length`)); n != 0 {
		t.Error("an Operator, whom the engine refuses iam.user.List, is shown the Team link")
	}

	// A member without iam.user.List sees no team data, and why.
	do(t, ana, "open the Team page as Ana", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.ID("problem")))
	if n, _ := chromedp.Run(ana, chromedp.Evaluate[int](`document.querySelectorAll('#members, #invitations').length`)); n != 0 {
		t.Error("Ana, refused iam.user.List, sees the members or invitations")
	}
	if got := text(t, ana, "#problem"); !strings.Contains(got, "iam.user.List") || !strings.Contains(got, "implicit_deny") {
		t.Errorf("the refusal says %q, want the action and the decision", got)
	}
	if got := text(t, ana, "#denial-layer"); got == "" {
		t.Error("the refusal names no layer")
	}
	checkPage(t, ana, "team-refused")

	row := `tr[data-email="ana@example.com"] `
	do(t, owner, "change Ana's role to Viewer", chromedp.Navigate(ts.URL+"/team"),
		chromedp.SetValue(chromedp.CSS(row+"select"), "Viewer"), chromedp.Click(chromedp.CSS(row+"button.change-role")))
	waitJS(t, owner, "Ana's role shows Viewer", `document.querySelector('tr[data-email="ana@example.com"] td.roles').textContent.trim() === "Viewer"`)

	do(t, owner, "suspend Ana", chromedp.Click(chromedp.CSS(row+"button.suspend")), chromedp.WaitVisible(chromedp.CSS(row+"button.unsuspend")))
	if got := text(t, owner, row+"td.status"); got != "suspended" {
		t.Errorf("Ana's status after suspending = %q", got)
	}
	do(t, ana, "reload as suspended Ana", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("sign-in")))
	do(t, owner, "unsuspend Ana", chromedp.Click(chromedp.CSS(row+"button.unsuspend")), chromedp.WaitVisible(chromedp.CSS(row+"button.suspend")))
	if got := text(t, owner, row+"td.status"); got != "active" {
		t.Errorf("Ana's status after unsuspending = %q", got)
	}
	var users struct {
		Users []struct {
			ID     string `json:"id"`
			Email  string `json:"email"`
			Status string `json:"status"`
		} `json:"users"`
	}
	callAPI(t, ts, "GET", "/v2/users", ts.Token, "", http.StatusOK, &users)
	anaID := ""
	for _, u := range users.Users {
		if u.Email == "ana@example.com" {
			anaID = u.ID
			if u.Status != "active" {
				t.Errorf("the API says Ana is %s", u.Status)
			}
		}
	}

	// The why page explains a Deny: the policy and statement that decided.
	var deny struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/policies", ts.Token, `{"name": "no-deletes", "description": "", "policy_document":
		{"Version": "2026-03-20", "Statement": [{"Sid": "NoDelete", "Effect": "Deny", "Action": ["compute.instance.Delete"], "Resource": ["*"]}]}}`,
		http.StatusCreated, &deny)
	callAPI(t, ts, "POST", "/v2/policies/"+deny.ID+"/users/"+anaID, ts.Token, "", http.StatusNoContent, nil)
	do(t, owner, "ask why", chromedp.Click(chromedp.CSS(`nav a[href="/why"]`)), chromedp.WaitVisible(chromedp.ID("why-ask")),
		chromedp.SetValue(chromedp.ID("why-member"), anaID), chromedp.SendKeys(chromedp.ID("why-action"), "compute.instance.Delete"),
		chromedp.Click(chromedp.ID("why-ask")), chromedp.WaitVisible(chromedp.ID("verdict")))
	if got := text(t, owner, "#verdict-decision"); got != "Denied: explicit_deny" {
		t.Errorf("the why page says %q, want Denied: explicit_deny", got)
	}
	if got := text(t, owner, "#verdict-statements tbody"); !strings.Contains(got, "no-deletes") || !strings.Contains(got, "NoDelete") {
		t.Errorf("the why page's statements are %q, want the policy no-deletes and its statement NoDelete", got)
	}
	checkPage(t, owner, "why")

	// The groups and roles pages show who is in what.
	var ops struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/groups", ts.Token, `{"display_name": "ops", "description": "on call"}`, http.StatusCreated, &ops)
	callAPI(t, ts, "POST", "/v2/groups/"+ops.ID+"/members", ts.Token, `{"user_id": "`+anaID+`"}`, http.StatusNoContent, nil)
	do(t, owner, "open the groups", chromedp.Click(chromedp.CSS(`nav a[href="/groups"]`)), chromedp.WaitVisible(chromedp.ID("groups")))
	checkPage(t, owner, "groups")
	do(t, owner, "open a group", chromedp.Click(chromedp.CSS(`#groups a`)), chromedp.WaitVisible(chromedp.ID("group-members")))
	if got := text(t, owner, "#group-members tbody"); !strings.Contains(got, "ana@example.com") {
		t.Errorf("group ops lists %q, want Ana", got)
	}
	checkPage(t, owner, "group")
	do(t, owner, "open the roles", chromedp.Click(chromedp.CSS(`nav a[href="/roles"]`)), chromedp.WaitVisible(chromedp.ID("roles")))
	checkPage(t, owner, "roles")
	do(t, owner, "open Viewer", chromedp.Click(chromedp.CSS(`#roles a[href="/roles/`+teamRoleID(t, "Viewer")+`"]`)),
		chromedp.WaitVisible(chromedp.ID("role-users")))
	if got := text(t, owner, "#role-users"); got != "Ana" {
		t.Errorf("Viewer is held by %q, want Ana", got)
	}
	checkPage(t, owner, "role")

	// A service user's key: its secret is shown once, and works.
	do(t, owner, "create a service user", chromedp.Navigate(ts.URL+"/team"), chromedp.SendKeys(chromedp.ID("service-name"), "deployer"),
		chromedp.Click(chromedp.ID("create-service-user")), chromedp.WaitVisible(chromedp.ID("new-secret")))
	secret := text(t, owner, "#new-secret")
	callAPI(t, ts, "GET", "/v2/users/me", secret, "", http.StatusOK, nil)
	if loc, _ := chromedp.Run(owner, chromedp.Location()); loc != ts.URL+"/team" {
		t.Errorf("after creating a key the address is %s, want %s/team", loc, ts.URL)
	}
	do(t, owner, "reload the Team page", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.ID("invite")))
	if html, _ := chromedp.Run(owner, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, secret) {
		t.Error("the Team page shows a key's secret again")
	}
}

// teamRoleID returns the id of the built-in team role name.
func teamRoleID(t *testing.T, name string) string {
	t.Helper()
	for _, r := range policy.BuiltinRoles(nil) {
		if r.Family == policy.FamilyTeam && r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("no team role %s", name)
	return ""
}

// waitJS waits until the JavaScript expression is true in tab.
func waitJS(t *testing.T, tab context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](expr)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

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
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/team/service-users"><input name="name" value="planted"></form>
<script>document.getElementById("f").submit()</script>`, ts.URL)
	}))
	defer attacker.Close()
	do(t, tab, "open the other origin's page", chromedp.Navigate(attacker.URL))
	waitJS(t, tab, "the forged post's answer", `location.href.endsWith("/team/service-users")`)
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
	root := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}}
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

// browserless is an HTTP client with a cookie jar that does not follow
// redirects: a browser without JavaScript, for the console's plain forms.
func browserless(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// getPage GETs path with c and returns the status and the body.
func getPage(t *testing.T, c *http.Client, ts *testServer, path string) (int, string) {
	t.Helper()
	res, err := c.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// post posts form to path with c, as a page of the console does (same
// origin), and returns the status and the Location.
func post(t *testing.T, c *http.Client, ts *testServer, path string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Location")
}

// TestConsoleTeamPages: the Team page lists members a page at a time.
func TestConsoleTeamPages(t *testing.T) {
	ts, _, _ := consoleServer(t)
	for i := range 25 {
		callAPI(t, ts, "POST", "/v2/users", ts.Token, fmt.Sprintf(`{"email": "m%02d@example.com", "name": "Member %02d"}`, i, i), http.StatusCreated, nil)
	}
	c := browserless(t)
	if status, to := post(t, c, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}, "return_to": {"/team"}}); status != http.StatusSeeOther || to != "/team" {
		t.Fatalf("sign in = %d to %q", status, to)
	}
	rows := regexp.MustCompile(`<tr data-email="([^"]+)"`)
	next := regexp.MustCompile(`href="(/team\?cursor=[^"]+)">Next`)
	seen := map[string]bool{}
	path, pages := "/team", 0
	for path != "" {
		status, body := getPage(t, c, ts, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, status)
		}
		pages++
		for _, m := range rows.FindAllStringSubmatch(body, -1) {
			if seen[m[1]] {
				t.Errorf("%s listed twice", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if len(seen) != 26 || pages != 2 {
		t.Errorf("the Team page listed %d members on %d pages, want 26 on 2", len(seen), pages)
	}
}

// TestConsoleInvitationExistingAccount: an invitation to the email of an
// existing account is accepted with that account's password, and lands
// in the new organization.
func TestConsoleInvitationExistingAccount(t *testing.T) {
	ts, sink, _ := consoleServer(t)
	var second struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/organizations", ts.Token, `{"name": "Second"}`, http.StatusCreated, &second)
	root := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL, "KEYWARD_TOKEN": ts.Token}}
	root.okStdin("Ada's long passphrase", "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin")
	// The root key is of the first organization: invite from the second
	// through a login session there.
	var login struct {
		LoginSession struct {
			Token string `json:"token"`
		} `json:"login_session"`
	}
	callAPI(t, ts, "POST", "/v2/auth/login", "", `{"email": "admin@localhost", "password": "`+ownerPassword+`", "organization_id": "`+second.ID+`"}`, http.StatusCreated, &login)
	callAPI(t, ts, "POST", "/v2/invitation", login.LoginSession.Token, `{"email_invited": "ada@example.com"}`, http.StatusCreated, nil)
	link := consoleLink.FindString(sink.Wait(t, 1, 20*time.Second)[0].Body)
	token, _ := url.ParseQuery(strings.TrimPrefix(link, ts.URL+"/invitation?"))

	c := browserless(t)
	status, body := getPage(t, c, ts, "/invitation?token="+url.QueryEscape(token.Get("token")))
	if status != http.StatusOK || !strings.Contains(body, "already have an account") || strings.Contains(body, `id="name"`) {
		t.Fatalf("invitation page for an existing account = %d:\n%s", status, body)
	}
	if status, _ := post(t, c, ts, "/invitation", url.Values{"token": token["token"], "password": {"not Ada's password"}}); status != http.StatusUnauthorized {
		t.Errorf("accepting with a wrong password = %d, want 401", status)
	}
	if status, to := post(t, c, ts, "/invitation", url.Values{"token": token["token"], "password": {"Ada's long passphrase"}}); status != http.StatusSeeOther || to != "/" {
		t.Fatalf("accepting = %d to %q, want 303 to /", status, to)
	}
	if _, body := getPage(t, c, ts, "/"); !strings.Contains(body, "<h1>Second</h1>") {
		t.Errorf("after accepting, the start page is not the new organization's:\n%s", body)
	}
}
