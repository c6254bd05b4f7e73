package main

import (
	"net/http"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsolePhoneWidth loads the console's main pages at a phone's
// width (390×844) with a signed-in root owner and data in every list:
// nothing is wider than the screen, and every page passes checkPage.
func TestConsolePhoneWidth(t *testing.T) {
	tab := newTab(t)
	ts, _, org := consoleServer(t)
	anaID := consoleMember(t, ts, org, "ana.with.a.rather.long.address@example.com", "Ana", "Ana's own long passphrase")
	role := assumableRole(t, ts)
	callAPI(t, ts, "POST", "/v2/role-trusts", ts.Token, `{"role_id": "`+role+`", "trust_type": "TemporaryAssumption", "trusted_user_id": "`+anaID+`"}`,
		http.StatusCreated, nil)
	project := createdID(t, ts, "/v2/projects", "project", `{"name": "Production", "description": "what customers use"}`)
	callAPI(t, ts, "PUT", "/v2/projects/"+project+"/overrides/"+anaID, ts.Token, `{"grid": {"compute_instances": ["view"]}}`, http.StatusOK, nil)
	callAPI(t, ts, "POST", "/v2/invitation", ts.Token, `{"email_invited": "someone.invited@example.com"}`, http.StatusCreated, nil)
	callAPI(t, ts, "POST", "/v2/oidc/issuer", ts.Token, `{"issuer": {"name": "ci", "uri": "https://ci.example.com/with/a/rather/long/path/that/does/not/fit", "audiences": ["keyward"]}}`,
		http.StatusCreated, nil)

	// Not EmulateMobile: a mobile viewport widens itself to fit what
	// overflows, which would hide the overflow this test looks for.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	signIn(t, tab, ts, "admin@localhost", ownerPassword)
	for _, p := range []struct{ path, name string }{
		{"/", "phone-overview"}, {"/team", "phone-team"}, {"/groups", "phone-groups"}, {"/roles", "phone-roles"},
		{"/roles/" + role, "phone-role"}, {"/projects", "phone-projects"}, {"/projects/" + project, "phone-project"},
		{"/assumed-roles", "phone-assumed-roles"}, {"/oidc-issuers", "phone-oidc-issuers"}, {"/organization", "phone-organization"},
		{"/policies", "phone-policies"}, {"/policies/new", "phone-policy-builder"}, {"/audit", "phone-audit"},
		{"/why", "phone-why"}, {"/access", "phone-access"}, {"/who-can?action=iam.user.List", "phone-who-can"},
		{"/security", "phone-security"}, {"/identity-provider", "phone-identity-provider"}, {"/applications", "phone-applications"},
	} {
		do(t, tab, "open "+p.path, chromedp.Navigate(ts.URL+p.path), chromedp.WaitVisible(chromedp.CSS("h1")))
		wide, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
			.filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1)).slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : ""))`))
		if err != nil {
			t.Fatal(err)
		}
		sizes, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if sizes[1] != 390 {
			t.Fatalf("%s: the window is %dpx wide, want 390", p.path, sizes[1])
		}
		if sizes[0] > sizes[1] {
			t.Errorf("%s is %dpx wide on a %dpx screen; too wide: %v", p.path, sizes[0], sizes[1], wide)
		}
		checkPage(t, tab, p.name)
	}
}
