package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

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

// createdID POSTs body to the API's path as ts's root owner, wants a
// 201, and returns the id of what it created: the answer's "id", or with
// key its key's "id" (the API wraps some answers: {"user": {...}}).
func createdID(t *testing.T, ts *testServer, path, key, body string) string {
	t.Helper()
	var out map[string]json.RawMessage
	callAPI(t, ts, "POST", path, ts.Token, body, http.StatusCreated, &out)
	if key != "" {
		if err := json.Unmarshal(out[key], &out); err != nil {
			t.Fatalf("POST %s: no %q in the answer: %v", path, key, err)
		}
	}
	var id string
	if err := json.Unmarshal(out["id"], &id); err != nil || id == "" {
		t.Fatalf("POST %s: no id in the answer: %v", path, err)
	}
	return id
}

// consoleServer starts a server that mails through an SMTP sink, and
// gives its root owner a password so it can sign in to the console.
func consoleServer(t *testing.T) (*testServer, *keywardtest.SMTPServer, string) {
	t.Helper()
	return consoleServerWith(t, nil)
}

// consoleServerWith is consoleServer with env as the server's environment.
func consoleServerWith(t *testing.T, env map[string]string) (*testServer, *keywardtest.SMTPServer, string) {
	t.Helper()
	sink := keywardtest.NewSMTPServer(t)
	ts := startServer(t, env, "--smtp-url", sink.URL, "--smtp-tls", "none", "--smtp-from", "keyward <noreply@keyward.test>")
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

	// htmx makes the action a request that swaps the page in place: the
	// document, and this mark on it, survive.
	if _, err := chromedp.Run(owner, chromedp.Evaluate[bool](`window.samePage = true`)); err != nil {
		t.Fatal(err)
	}
	do(t, owner, "suspend Ana", chromedp.Click(chromedp.CSS(row+"button.suspend")), chromedp.WaitVisible(chromedp.CSS(row+"button.unsuspend")))
	if same, _ := chromedp.Run(owner, chromedp.Evaluate[bool](`window.samePage === true`)); !same {
		t.Error("suspending reloaded the whole page: htmx did not boost the form")
	}
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

// waitJS waits until the JavaScript expression is true in tab and htmx
// has settled whatever it swapped in.
func waitJS(t *testing.T, tab context.Context, what, expr string) {
	t.Helper()
	// Until htmx has settled what it swapped in, the new controls are not
	// yet its own: a click on one would submit the form natively.
	settled := `(` + expr + `) && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`
	if _, err := chromedp.Run(tab, chromedp.Poll[bool](settled)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
