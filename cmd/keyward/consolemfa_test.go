package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward/keywardtest"
)

// TestConsoleSecurityPage: in an organization that requires MFA, a member
// without an authenticator signs in to a session that may only enroll;
// the start page sends her to the Security page, where she adds an
// authenticator from the key the page shows once, confirms it with a
// code, gets her recovery codes once, and may then use the console. She
// changes her password there; the old one no longer signs her in, the new
// one does, with a code.
func TestConsoleSecurityPage(t *testing.T) {
	tab, owner := newTab(t), newTab(t)
	ts, _, org := consoleServer(t)
	root := rootCLI(t, ts)
	const password, newPassword = "a long unusual passphrase", "another long unusual passphrase"
	root.okStdin(password, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin")

	// The owner requires MFA on the settings page; the requirement holds
	// for the owner's own session at once, which goes to Security.
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "require MFA", chromedp.Navigate(ts.URL+"/organization"), chromedp.WaitVisible(chromedp.ID("mfa-toggle")))
	if got := text(t, owner, "#mfa-required"); !strings.HasPrefix(got, "Not required") {
		t.Errorf("settings before: %q", got)
	}
	do(t, owner, "require MFA", chromedp.Click(chromedp.ID("mfa-toggle")), chromedp.WaitVisible(chromedp.ID("mfa-enroll")))
	if got := strings.TrimSpace(root.ok("org", "require-mfa", org)); got != "Require MFA: on" {
		t.Errorf("after the owner required MFA, the API says %q", got)
	}

	signIn(t, tab, ts, "ada@example.com", password)
	do(t, tab, "open the Security page from the start page", chromedp.Click(chromedp.CSS(`a[href="/security"]`)),
		chromedp.WaitVisible(chromedp.ID("mfa-enroll")))
	if got := text(t, tab, "#mfa-status"); !strings.Contains(got, "No authenticator") {
		t.Errorf("status before enrolling = %q", got)
	}
	do(t, tab, "add an authenticator", chromedp.Click(chromedp.ID("mfa-enroll")), chromedp.WaitVisible(chromedp.ID("mfa-secret")))
	waitJS(t, tab, "htmx settled", `!document.querySelector(".htmx-request")`)
	checkPage(t, tab, "security")
	secret, err := chromedp.Run(tab, chromedp.Value(chromedp.ID("mfa-secret")))
	if err != nil || secret == "" {
		t.Fatalf("the page shows no key: %q, %v", secret, err)
	}
	if href, _ := chromedp.Run(tab, chromedp.Evaluate[string](`document.getElementById("mfa-uri").getAttribute("href")`)); !strings.HasPrefix(href, "otpauth://totp/") {
		t.Errorf("authenticator link = %q, want an otpauth URI", href)
	}
	if loc, _ := chromedp.Run(tab, chromedp.Location()); strings.Contains(loc, secret) {
		t.Errorf("the key is in the address bar: %s", loc)
	}

	do(t, tab, "a wrong code", chromedp.SendKeys(chromedp.ID("confirm-code"), "000000"), chromedp.Click(chromedp.ID("mfa-confirm-button")),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)))
	do(t, tab, "confirm with a code", chromedp.SetValue(chromedp.ID("confirm-code"), keywardtest.TOTPCode(t, secret, time.Now())),
		chromedp.Click(chromedp.ID("mfa-confirm-button")), chromedp.WaitVisible(chromedp.ID("recovery-codes")))
	codes, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll("#recovery-codes li").length`))
	if err != nil || codes != 10 {
		t.Errorf("recovery codes shown = %d (%v), want 10", codes, err)
	}
	if got := text(t, tab, "#mfa-status"); !strings.HasPrefix(got, "Active") {
		t.Errorf("status after confirming = %q", got)
	}
	// The session has verified a second factor: the console opens.
	do(t, tab, "open the Team page", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if got := text(t, tab, "main h1"); got != "Team" {
		t.Errorf("after enrolling, /team shows %q", got)
	}

	do(t, tab, "mistyped new password", chromedp.Navigate(ts.URL+"/security"), chromedp.WaitVisible(chromedp.ID("password-form")),
		chromedp.SendKeys(chromedp.ID("current-password"), password), chromedp.SendKeys(chromedp.ID("new-password"), newPassword),
		chromedp.SendKeys(chromedp.ID("repeat-password"), newPassword+"x"), chromedp.Click(chromedp.ID("password-change")),
		chromedp.WaitVisible(chromedp.CSS(`.problem`)))
	if got := text(t, tab, ".problem"); !strings.Contains(got, "differ") {
		t.Errorf("mistyped new password: %q", got)
	}
	do(t, tab, "change the password", chromedp.SetValue(chromedp.ID("current-password"), password), chromedp.SetValue(chromedp.ID("new-password"), newPassword),
		chromedp.SetValue(chromedp.ID("repeat-password"), newPassword), chromedp.Click(chromedp.ID("password-change")))
	waitJS(t, tab, "the page without the problem", `!document.querySelector(".problem") && !document.querySelector(".htmx-request")`)

	anon := cliRunner{t, map[string]string{"KEYWARD_URL": ts.URL}}
	if _, _, err := anon.run(password, "login", "--email", "ada@example.com", "--totp", keywardtest.TOTPCode(t, secret, time.Now().Add(30*time.Second))); err == nil {
		t.Error("the old password still signs in")
	}
	if _, stderr, err := anon.run(newPassword, "login", "--email", "ada@example.com", "--totp", keywardtest.TOTPCode(t, secret, time.Now().Add(30*time.Second))); err != nil {
		t.Errorf("the new password with a code: %v %s", err, stderr)
	}
}

// TestConsoleOwnKeys: on the Security page, a member whose policies let
// her manage her own keys creates one narrowed by a policy (the secret
// shown once, in no address): it answers only what the policy allows,
// never more than she may; a bad policy is refused naming the field;
// revoking the key ends it.
func TestConsoleOwnKeys(t *testing.T) {
	tab := newTab(t)
	ts := startServer(t, nil)
	root := rootCLI(t, ts)
	const password = "a long unusual passphrase"
	root.okStdin(password, "user", "create", "--email", "ada@example.com", "--name", "Ada", "--password-stdin")
	var ada, keys, groups cliObject
	root.json(&ada, "user", "get", "ada@example.com")
	root.ok("user", "update", ada.ID, "--api-enabled=true")
	root.json(&keys, "policy", "create", "--name", "own-keys", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.apikey.Create","iam.apikey.Delete"],"Resource":"`+ada.ID+`"}]}`)
	root.json(&groups, "policy", "create", "--name", "groups-read", "--document",
		`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List"],"Resource":"*"}]}`)
	root.ok("policy", "attach-user", keys.ID, ada.ID)
	root.ok("policy", "attach-user", groups.ID, ada.ID)

	signIn(t, tab, ts, "ada@example.com", password)
	do(t, tab, "open the Security page", chromedp.Navigate(ts.URL+"/security"), chromedp.WaitVisible(chromedp.ID("own-keys")))
	open := chromedp.Evaluate[bool](`document.querySelector("#own-keys details").open = true`)
	if _, err := chromedp.Run(tab, open); err != nil {
		t.Fatal(err)
	}
	do(t, tab, "a key with a policy that does not parse", chromedp.SendKeys(chromedp.ID("key-"+ada.ID), "ci"),
		chromedp.SetValue(chromedp.ID("key-policy-"+ada.ID), `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.Lst"],"Resource":"*"}]}`),
		chromedp.Click(chromedp.ID("create-key-"+ada.ID)), chromedp.WaitVisible(chromedp.CSS(".problem")))
	if got := text(t, tab, ".problem"); !strings.Contains(got, "iam.group.Lst") {
		t.Errorf("a bad narrowing policy: %q, want the engine's message naming the action", got)
	}
	if _, err := chromedp.Run(tab, open); err != nil {
		t.Fatal(err)
	}
	do(t, tab, "a key narrowed to reading groups", chromedp.SetValue(chromedp.ID("key-"+ada.ID), "ci"),
		chromedp.SetValue(chromedp.ID("key-policy-"+ada.ID), `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.group.List"],"Resource":"*"}]}`),
		chromedp.Click(chromedp.ID("create-key-"+ada.ID)), chromedp.WaitVisible(chromedp.ID("new-secret")))
	waitJS(t, tab, "htmx settled", `!document.querySelector(".htmx-request")`)
	checkPage(t, tab, "security-keys")
	secret := text(t, tab, "#new-secret")
	if loc, _ := chromedp.Run(tab, chromedp.Location()); strings.Contains(loc, secret) || !strings.HasSuffix(loc, "/security") {
		t.Errorf("address after creating a key = %s, want /security without the secret", loc)
	}
	callAPI(t, ts, "GET", "/v2/groups", secret, "", http.StatusOK, nil)
	// Ada may read herself (the self layer); her key's policy does not.
	callAPI(t, ts, "GET", "/v2/users/"+ada.ID, secret, "", http.StatusForbidden, nil)
	if got := text(t, tab, `tr[data-key="ci"] td:nth-child(4)`); got != "by its policy" {
		t.Errorf("the key's row says narrowed = %q", got)
	}

	do(t, tab, "revoke the key", chromedp.Click(chromedp.CSS(`tr[data-key="ci"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-key="ci"] td:nth-child(5)`)))
	waitJS(t, tab, "the key revoked", `document.querySelector('tr[data-key="ci"] td:nth-child(5)').textContent.trim() === "revoked"`)
	callAPI(t, ts, "GET", "/v2/groups", secret, "", http.StatusUnauthorized, nil)
	if html, _ := chromedp.Run(tab, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, secret) {
		t.Error("the Security page shows a key's secret again")
	}
}
