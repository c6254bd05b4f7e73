package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// consoleMember adds a member with a password to the console server's
// organization and returns its id.
func consoleMember(t *testing.T, ts *testServer, org, email, name, password string) string {
	t.Helper()
	id := createdID(t, ts, "/v2/users", "user", `{"email": "`+email+`", "name": "`+name+`"}`)
	callAPI(t, ts, "PUT", "/v2/fleet/organizations/"+org+"/users/"+id+"/password", ts.Token,
		`{"password": "`+password+`"}`, http.StatusNoContent, nil)
	return id
}

// assumableRole creates the assumable role breakglass, whose sessions
// last up to an hour, and returns its id.
func assumableRole(t *testing.T, ts *testServer) string {
	t.Helper()
	return createdID(t, ts, "/v2/roles", "", `{"name": "breakglass", "description": "emergency access", "role_type": "assumable", "max_session_duration": 3600}`)
}

// TestConsoleAssumedRoleStory is seed 002's story in a real browser: the
// root owner adds a trust for Bo to an assumable role on its page, with
// a 1-hour expiry and manual assumption; Bo sees the role on the
// Assumed roles page, assumes it, gets the session's token once (it
// works on the API), sees the session listed, terminates it, and it is
// gone (its token no longer works). The owner then deletes the trust.
func TestConsoleAssumedRoleStory(t *testing.T) {
	owner := newTab(t)
	ts, _, org := consoleServer(t)
	boID := consoleMember(t, ts, org, "bo@example.com", "Bo", "Bo's own long passphrase")
	role := assumableRole(t, ts)

	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "add a trust for Bo", chromedp.Navigate(ts.URL+"/roles/"+role), chromedp.WaitVisible(chromedp.ID("trust-create")),
		chromedp.SetValue(chromedp.ID("trust-trustee"), "user:"+boID), chromedp.SetValue(chromedp.ID("trust-expires"), "1h"),
		chromedp.Click(chromedp.ID("trust-create")), chromedp.WaitVisible(chromedp.ID("trust-list")))
	if got := text(t, owner, "#trust-list tbody"); !strings.Contains(got, "Bo") || !strings.Contains(got, "manual") {
		t.Errorf("the role's trusts are %q, want Bo's, manual", got)
	}
	var trusts struct {
		Trusts []struct {
			ValidUntil string `json:"valid_until"`
		} `json:"role_trusts"`
	}
	callAPI(t, ts, "GET", "/v2/role-trusts/by-role/"+role, ts.Token, "", http.StatusOK, &trusts)
	if len(trusts.Trusts) != 1 || trusts.Trusts[0].ValidUntil == "" {
		t.Fatalf("the API lists the trusts %+v, want one with an expiry", trusts.Trusts)
	}
	// The trusts come after the role's grid and policies: the screenshot
	// shows them from their top.
	if _, err := chromedp.Run(owner, chromedp.Evaluate[bool](`document.getElementById("trusts").scrollIntoView({block: "start"}), true`)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, owner, "role-trusts")

	bo := newTab(t)
	signIn(t, bo, ts, "bo@example.com", "Bo's own long passphrase")
	do(t, bo, "open Assumed roles", chromedp.Click(chromedp.CSS(`nav a[href="/assumed-roles"]`)), chromedp.WaitVisible(chromedp.ID("assumable")))
	if got := text(t, bo, "#assumable tbody"); !strings.Contains(got, "breakglass") {
		t.Errorf("Bo may assume %q, want breakglass", got)
	}
	if n := count(t, bo, "#sessions tbody tr"); n != 0 {
		t.Errorf("Bo has %d sessions before assuming, want 0", n)
	}
	checkPage(t, bo, "assumed-roles")
	do(t, bo, "assume breakglass", chromedp.SendKeys(chromedp.CSS(`tr[data-role="breakglass"] input[name="session_name"]`), "incident-42"),
		chromedp.Click(chromedp.CSS(`tr[data-role="breakglass"] button.assume`)), chromedp.WaitVisible(chromedp.ID("session-token")))
	token := text(t, bo, "#session-token")
	callAPI(t, ts, "GET", "/v2/assumed-roles/"+token, token, "", http.StatusOK, nil)
	if loc, _ := chromedp.Run(bo, chromedp.Location()); strings.Contains(loc, token) || loc != ts.URL+"/assumed-roles" {
		t.Errorf("after assuming, the address is %s, want %s/assumed-roles", loc, ts.URL)
	}
	if got := text(t, bo, "#sessions tbody"); !strings.Contains(got, "breakglass") || !strings.Contains(got, "incident-42") {
		t.Errorf("Bo's sessions are %q, want incident-42 of breakglass", got)
	}
	checkPage(t, bo, "assumed-role-session")

	// Another member may not end Bo's session: the engine refuses it
	// iam.assumedrole.Delete.
	session, err := chromedp.Run(bo, chromedp.Evaluate[string](`document.querySelector("#sessions tr[data-session]").dataset.session`))
	if err != nil {
		t.Fatal(err)
	}
	consoleMember(t, ts, org, "cy@example.com", "Cy", "Cy's own long passphrase")
	cy := browserless(t)
	post(t, cy, ts, "/login", url.Values{"email": {"cy@example.com"}, "password": {"Cy's own long passphrase"}})
	if status, body := postBody(t, cy, ts, "/assumed-roles/sessions/"+session+"/terminate", nil); status != http.StatusForbidden ||
		!strings.Contains(body, "iam.assumedrole.Delete") {
		t.Errorf("Cy ending Bo's session = %d, want 403 naming iam.assumedrole.Delete", status)
	}
	callAPI(t, ts, "GET", "/v2/assumed-roles/"+token, token, "", http.StatusOK, nil)

	do(t, bo, "terminate the session", chromedp.Click(chromedp.CSS(`#sessions button.terminate`)), chromedp.WaitVisible(chromedp.ID("no-sessions")))
	if html, _ := chromedp.Run(bo, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, token) {
		t.Error("the page shows the session's token again")
	}
	callAPI(t, ts, "GET", "/v2/users/me", token, "", http.StatusUnauthorized, nil)

	do(t, owner, "delete the trust", chromedp.Navigate(ts.URL+"/roles/"+role), chromedp.WaitVisible(chromedp.ID("trust-list")),
		chromedp.Click(chromedp.CSS(`#trust-list button.danger`)), chromedp.WaitNotPresent(chromedp.ID("trust-list")))
	do(t, bo, "reload Assumed roles", chromedp.Navigate(ts.URL+"/assumed-roles"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if n := count(t, bo, "#assumable"); n != 0 {
		t.Error("Bo may still assume the role after its trust was deleted")
	}
}

// TestConsoleProjectOverrideStory is seed 003's override story in a real
// browser: the root owner creates the projects Production and
// Development, assigns a role in one and removes it, and sets a Viewer
// override on Production for Ana, an Operator; on the project pages,
// Ana's Create button is gone in Production and there in Development,
// where creating registers a resource of the project.
func TestConsoleProjectOverrideStory(t *testing.T) {
	owner := newTab(t)
	ts, _, org := consoleServer(t)
	anaID := consoleMember(t, ts, org, "ana@example.com", "Ana", "Ana's own long passphrase")
	callAPI(t, ts, "PUT", "/v2/organizations/"+org+"/role-assignments", ts.Token,
		`{"role_assignments": [{"identity_id": "`+anaID+`", "identity_type": "user", "role_name": "Operator"}]}`, http.StatusOK, nil)

	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "open Projects", chromedp.Click(chromedp.CSS(`nav a[href="/projects"]`)), chromedp.WaitVisible(chromedp.ID("create-project")))
	for _, name := range []string{"Production", "Development"} {
		// Each creation swaps in a new page: the next one types into it
		// once its row is there.
		do(t, owner, "create "+name, chromedp.SendKeys(chromedp.ID("project-name"), name), chromedp.Click(chromedp.ID("create-project")),
			chromedp.WaitVisible(chromedp.CSS(`tr[data-project="`+name+`"]`)))
	}
	checkPage(t, owner, "projects")

	do(t, owner, "open Development", chromedp.Click(chromedp.CSS(`tr[data-project="Development"] a`)), chromedp.WaitVisible(chromedp.ID("assign")),
		chromedp.SetValue(chromedp.ID("assign-identity"), "user:"+anaID), chromedp.SetValue(chromedp.ID("assign-role"), "Viewer"),
		chromedp.Click(chromedp.ID("assign")), chromedp.WaitVisible(chromedp.ID("assignments")))
	if got := text(t, owner, "#assignments tbody"); !strings.Contains(got, "Ana") || !strings.Contains(got, "Viewer") {
		t.Errorf("Development's assignments are %q, want Ana as Viewer", got)
	}
	do(t, owner, "remove the assignment", chromedp.Click(chromedp.CSS(`#assignments button.danger`)), chromedp.WaitNotPresent(chromedp.ID("assignments")))

	do(t, owner, "set Ana's Viewer override on Production", chromedp.Navigate(ts.URL+"/projects"), chromedp.WaitVisible(chromedp.ID("projects")),
		chromedp.Click(chromedp.CSS(`tr[data-project="Production"] a`)), chromedp.WaitVisible(chromedp.ID("override-save")),
		chromedp.SetValue(chromedp.ID("override-member"), anaID), chromedp.SetValue(chromedp.ID("override-preset"), "Viewer"),
		chromedp.Click(chromedp.ID("override-save")), chromedp.WaitVisible(chromedp.ID("overrides")))
	if got := text(t, owner, "#overrides tbody"); !strings.Contains(got, "Ana") || !strings.Contains(got, "view") || strings.Contains(got, "manage") {
		t.Errorf("Production's overrides are %q, want Ana's, view only", got)
	}
	checkPage(t, owner, "project")

	ana := newTab(t)
	signIn(t, ana, ts, "ana@example.com", "Ana's own long passphrase")
	do(t, ana, "open Production", chromedp.Click(chromedp.CSS(`nav a[href="/projects"]`)), chromedp.WaitVisible(chromedp.ID("projects")),
		chromedp.Click(chromedp.CSS(`tr[data-project="Production"] a`)), chromedp.WaitVisible(chromedp.ID("project-resources")))
	if n := count(t, ana, "#create-resource"); n != 0 {
		t.Error("Ana, a Viewer in Production by her override, is shown the Create button there")
	}
	checkPage(t, ana, "project-viewer")
	do(t, ana, "open Development and create", chromedp.Navigate(ts.URL+"/projects"), chromedp.WaitVisible(chromedp.ID("projects")),
		chromedp.Click(chromedp.CSS(`tr[data-project="Development"] a`)), chromedp.WaitVisible(chromedp.ID("create-resource")),
		chromedp.Click(chromedp.ID("create-resource")), chromedp.WaitVisible(chromedp.ID("resources")))
	if got := text(t, ana, "#resources tbody"); !strings.Contains(got, "compute.instance") {
		t.Errorf("Development's resources are %q, want the compute.instance Ana created", got)
	}
	var resources struct {
		Resources []struct {
			Type string `json:"type"`
		} `json:"resources"`
	}
	callAPI(t, ts, "GET", "/v2/resources", ts.Token, "", http.StatusOK, &resources)
	if len(resources.Resources) != 1 || resources.Resources[0].Type != "compute.instance" {
		t.Errorf("the API lists the resources %+v, want one compute.instance", resources.Resources)
	}

	// Without the button, a forged form is refused by the engine too.
	var projects struct {
		Projects []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"projects"`
	}
	callAPI(t, ts, "GET", "/v2/projects", ts.Token, "", http.StatusOK, &projects)
	c := browserless(t)
	post(t, c, ts, "/login", url.Values{"email": {"ana@example.com"}, "password": {"Ana's own long passphrase"}})
	for _, p := range projects.Projects {
		want := map[string]int{"Production": http.StatusForbidden, "Development": http.StatusSeeOther}[p.Name]
		if status, _ := post(t, c, ts, "/projects/"+p.ID+"/resources", url.Values{"type": {"compute.instance"}}); status != want {
			t.Errorf("Ana's forged Create in %s = %d, want %d", p.Name, status, want)
		}
	}
}

// TestConsoleOIDCIssuers: the root owner adds an OIDC issuer, which the
// API then lists, and deletes it.
func TestConsoleOIDCIssuers(t *testing.T) {
	owner := newTab(t)
	ts, _, _ := consoleServer(t)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "add an issuer", chromedp.Click(chromedp.CSS(`nav a[href="/oidc-issuers"]`)), chromedp.WaitVisible(chromedp.ID("issuer-create")),
		chromedp.SendKeys(chromedp.ID("issuer-name"), "ci"), chromedp.SendKeys(chromedp.ID("issuer-uri"), "https://ci.example.com"),
		chromedp.SendKeys(chromedp.ID("issuer-audiences"), "keyward, deploys"), chromedp.Click(chromedp.ID("issuer-create")),
		chromedp.WaitVisible(chromedp.ID("issuers")))
	if got := text(t, owner, `#issuers tr[data-issuer="https://ci.example.com"]`); !strings.Contains(got, "keyward, deploys") {
		t.Errorf("the issuer's row says %q, want its audiences keyward, deploys", got)
	}
	var issuers struct {
		Issuers []struct {
			URI string `json:"uri"`
		} `json:"issuers"`
		Meta struct{ Total int } `json:"meta"`
	}
	callAPI(t, ts, "GET", "/v2/oidc/issuer", ts.Token, "", http.StatusOK, &issuers)
	if issuers.Meta.Total != 1 {
		t.Errorf("the API lists %d issuers, want 1", issuers.Meta.Total)
	}
	checkPage(t, owner, "oidc-issuers")
	do(t, owner, "delete the issuer", chromedp.Click(chromedp.CSS(`#issuers button.danger`)), chromedp.WaitVisible(chromedp.ID("no-issuers")))
	callAPI(t, ts, "GET", "/v2/oidc/issuer", ts.Token, "", http.StatusOK, &issuers)
	if issuers.Meta.Total != 0 {
		t.Errorf("after deleting, the API lists %d issuers, want 0", issuers.Meta.Total)
	}
}

// TestConsoleOrganizationSettings: the root owner renames the
// organization, deletes it (its token stops working), restores it from
// the settings of its other organization, and transfers ownership to Bo.
// Bo, an Admin, sees no owner's control before, and his forged transfer
// is refused; so is Ana's, an Operator's, with the engine's explanation.
func TestConsoleOrganizationSettings(t *testing.T) {
	owner := newTab(t)
	ts, _, org := consoleServer(t)
	boID := consoleMember(t, ts, org, "bo@example.com", "Bo", "Bo's own long passphrase")
	anaID := consoleMember(t, ts, org, "ana@example.com", "Ana", "Ana's own long passphrase")
	callAPI(t, ts, "PUT", "/v2/organizations/"+org+"/role-assignments", ts.Token, `{"role_assignments": [
		{"identity_id": "`+boID+`", "identity_type": "user", "role_name": "Admin"},
		{"identity_id": "`+anaID+`", "identity_type": "user", "role_name": "Operator"}]}`, http.StatusOK, nil)
	var second struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/organizations", ts.Token, `{"name": "Second"}`, http.StatusCreated, &second)

	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	do(t, owner, "rename", chromedp.Click(chromedp.CSS(`nav a[href="/organization"]`)), chromedp.WaitVisible(chromedp.ID("org-rename")),
		chromedp.SetValue(chromedp.ID("org-name"), "Acme"), chromedp.Click(chromedp.ID("org-rename")))
	waitJS(t, owner, "the settings show the new name", `document.querySelector("main h2").textContent === "Acme"`)
	var got struct {
		Name string `json:"name"`
	}
	callAPI(t, ts, "GET", "/v2/organizations/"+org, ts.Token, "", http.StatusOK, &got)
	if got.Name != "Acme" {
		t.Errorf("after renaming, the API names the organization %q, want Acme", got.Name)
	}
	checkPage(t, owner, "organization")

	// Only the root owner sees the owner's controls; a forged form is
	// refused with the reason.
	bo := browserless(t)
	post(t, bo, ts, "/login", url.Values{"email": {"bo@example.com"}, "password": {"Bo's own long passphrase"}})
	if status, body := getPage(t, bo, ts, "/organization"); status != http.StatusOK || !strings.Contains(body, "org-rename") ||
		strings.Contains(body, "org-transfer") || strings.Contains(body, "org-delete") {
		t.Errorf("Bo's settings page = %d; want the rename form and no transfer or delete", status)
	}
	if status, body := postBody(t, bo, ts, "/organization/transfer", url.Values{"user_id": {boID}}); status != http.StatusForbidden || !strings.Contains(body, "root owner") {
		t.Errorf("Bo's forged transfer = %d, want 403 saying only the root owner may", status)
	}
	ana := browserless(t)
	post(t, ana, ts, "/login", url.Values{"email": {"ana@example.com"}, "password": {"Ana's own long passphrase"}})
	if status, body := postBody(t, ana, ts, "/organization/transfer", url.Values{"user_id": {anaID}}); status != http.StatusForbidden ||
		!strings.Contains(body, "iam.organization.TransferOwnership") || !strings.Contains(body, "implicit_deny") {
		t.Errorf("Ana's forged transfer = %d, want 403 with the engine's explanation", status)
	}

	do(t, owner, "delete", chromedp.SendKeys(chromedp.ID("org-confirm"), "Acme"), chromedp.Click(chromedp.ID("org-delete")),
		chromedp.WaitVisible(chromedp.ID("org-deleted")))
	callAPI(t, ts, "GET", "/v2/users/me", ts.Token, "", http.StatusUnauthorized, nil)
	checkPage(t, owner, "organization-deleted")
	do(t, owner, "restore from Second", chromedp.Navigate(ts.URL+"/login?organization_id="+second.ID+"&return_to=/organization"),
		chromedp.SendKeys(chromedp.ID("email"), "admin@localhost"), chromedp.SendKeys(chromedp.ID("password"), ownerPassword),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("deleted-orgs")),
		chromedp.Click(chromedp.CSS(`tr[data-org="Acme"] button.restore`)), chromedp.WaitNotPresent(chromedp.ID("deleted-orgs")))
	callAPI(t, ts, "GET", "/v2/users/me", ts.Token, "", http.StatusOK, nil)

	do(t, owner, "transfer to Bo", chromedp.Navigate(ts.URL+"/login?organization_id="+org+"&return_to=/organization"),
		chromedp.SendKeys(chromedp.ID("email"), "admin@localhost"), chromedp.SendKeys(chromedp.ID("password"), ownerPassword),
		chromedp.Click(chromedp.ID("sign-in")), chromedp.WaitVisible(chromedp.ID("org-transfer")),
		chromedp.SetValue(chromedp.ID("transfer-to"), boID), chromedp.Click(chromedp.ID("org-transfer")),
		chromedp.WaitNotPresent(chromedp.ID("org-transfer")))
	if status, body := getPage(t, bo, ts, "/organization"); status != http.StatusOK || !strings.Contains(body, "org-delete") {
		t.Errorf("Bo's settings page after the transfer = %d, want the owner's controls", status)
	}
}
