package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/keyward-iam/keyward/keywardtest"
)

// join invites email with the team role from the owner's Team page and
// accepts the invitation in a new tab as name, which it returns signed in,
// with the member's id.
func join(t *testing.T, ts *testServer, sink *keywardtest.SMTPServer, owner context.Context, email, role, name string) (context.Context, string) {
	t.Helper()
	sent := len(sink.Messages())
	do(t, owner, "invite "+email, chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.ID("invite")),
		chromedp.SendKeys(chromedp.ID("invite-email"), email),
		chromedp.SetValue(chromedp.ID("invite-role"), teamRoleID(t, role)),
		chromedp.Click(chromedp.ID("invite")), chromedp.WaitVisible(chromedp.CSS(`#invitations td`)))
	link := consoleLink.FindString(sink.Wait(t, sent+1, 20*time.Second)[sent].Body)
	tab := newTab(t)
	do(t, tab, "accept as "+name, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("accept")),
		chromedp.SendKeys(chromedp.ID("name"), name), chromedp.SendKeys(chromedp.ID("password"), name+"'s own long passphrase"),
		chromedp.Click(chromedp.ID("accept")), chromedp.WaitVisible(chromedp.ID("welcome")))
	var users struct {
		Users []struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"users"`
	}
	callAPI(t, ts, "GET", "/v2/users", ts.Token, "", http.StatusOK, &users)
	for _, u := range users.Users {
		if u.Email == email {
			return tab, u.ID
		}
	}
	t.Fatalf("%s is not a member after accepting", email)
	return nil, ""
}

// allowUser creates a custom policy name that allows actions (a JSON
// list) on every resource, attaches it to the user, and returns its id.
func allowUser(t *testing.T, ts *testServer, name, actions, user string) string {
	t.Helper()
	var pol struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/policies", ts.Token, `{"name": "`+name+`", "description": "", "policy_document":
		{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": `+actions+`, "Resource": ["*"]}]}}`, http.StatusCreated, &pol)
	callAPI(t, ts, "POST", "/v2/policies/"+pol.ID+"/users/"+user, ts.Token, "", http.StatusNoContent, nil)
	return pol.ID
}

// setField sets the value of the form control sel selects and fires
// event on it, as a person's edit would ("change" for a select, "input"
// for typing).
func setField(t *testing.T, tab context.Context, sel, value, event string) {
	t.Helper()
	js := `(() => { const e = document.querySelector(` + jsString(sel) + `); e.value = ` + jsString(value) + `;
		e.dispatchEvent(new Event(` + jsString(event) + `, {bubbles: true})); return true })()`
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatalf("set %s: %v", sel, err)
	}
}

// settled is true in a page where htmx has no request in flight and no
// swap unfinished: the next edit acts on the page the last one produced.
const settled = `!document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")`

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// forgePost posts form from the page open in tab, as a script of the
// console's own origin could, and returns the answer's status and text:
// what a member gets who sends an action whose control it is not shown.
func forgePost(t *testing.T, tab context.Context, path string, form map[string]string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(form)
	js := `fetch(` + jsString(path) + `, {method: "POST", body: new URLSearchParams(` + string(b) + `)})
		.then(r => r.text().then(body => [String(r.status), new DOMParser().parseFromString(body, "text/html").body.innerText]))`
	got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
	if err != nil || len(got) != 2 {
		t.Fatalf("forge POST %s: %v %v", path, got, err)
	}
	status, err := strconv.Atoi(got[0])
	if err != nil {
		t.Fatalf("forge POST %s: status %q", path, got[0])
	}
	return status, got[1]
}

// count is the number of elements sel selects in tab.
func count(t *testing.T, tab context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// TestConsolePolicyStory is seed 003's policy step in a real browser: an
// Operator is shown no policy controls and a forged create is refused
// with the engine's explanation; the root owner writes a policy in the
// JSON half, sees the builder follow and the engine's validation message
// for a mistake, saves it and attaches it to Ana; Ana then creates a
// policy in the builder and sees its JSON; the policy is deleted and
// restored.
func TestConsolePolicyStory(t *testing.T) {
	owner := newTab(t)
	ts, sink, _ := consoleServer(t)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	ana, anaID := join(t, ts, sink, owner, "ana@example.com", "Operator", "Ana")
	production := createdID(t, ts, "/v2/projects", "project", `{"name": "Production", "description": ""}`)

	if n := count(t, ana, `nav a[href="/policies"]`); n != 0 {
		t.Error("an Operator, whom the engine refuses iam.policy.List, is shown the Policies link")
	}
	status, body := forgePost(t, ana, "/policies", map[string]string{"name": "forged", "document": `{"Version": "2026-03-20",
		"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}`})
	if status != http.StatusForbidden || !strings.Contains(body, "iam.policy.Create") || !strings.Contains(body, "implicit_deny") {
		t.Errorf("a forged create as an Operator = %d %q, want 403 with the action and the engine's decision", status, body)
	}

	do(t, ana, "open the editor as Ana", chromedp.Navigate(ts.URL+"/policies/new"), chromedp.WaitVisible(chromedp.ID("policy-problems")))
	if got := text(t, ana, "#policy-problems"); !strings.Contains(got, "Not allowed") || !strings.Contains(got, "iam.policy.Create") {
		t.Errorf("the editor, to a member who may not create policies, says %q: want the engine's refusal, not the parser's verdict", got)
	}

	// The JSON half drives the builder, and the engine names the mistake.
	do(t, owner, "open a new policy", chromedp.Navigate(ts.URL+"/policies"), chromedp.WaitVisible(chromedp.ID("new-policy")),
		chromedp.Click(chromedp.ID("new-policy")), chromedp.WaitVisible(chromedp.ID("policy-json")))
	setField(t, owner, "#policy-json", `{"Version": "2026-03-20", "Statement": [{"Effect": "Allow",
		"Action": ["iam.policy.*", "iam.catalog.List", "compute.instanse.Create"], "Resource": ["*"]}]}`, "input")
	waitJS(t, owner, "the engine's problem shows", `document.querySelector("#policy-problems").textContent.includes("instanse") && `+settled)
	if got := text(t, owner, "#policy-problems"); !strings.Contains(got, "Statement[0].Action[2]") || !strings.Contains(got, `did you mean "compute.instance.Create"`) {
		t.Errorf("the problems say %q, want the statement and field, and the engine's suggestion", got)
	}
	checkPage(t, owner, "policy-invalid")
	setField(t, owner, "#policy-json", `{"Version": "2026-03-20", "Statement": [{"Sid": "Authors", "Effect": "Allow",
		"Action": ["iam.policy.*", "iam.catalog.List"], "Resource": ["*"]}]}`, "input")
	waitJS(t, owner, "the builder follows the JSON", `document.querySelector("#s0-sid") && document.querySelector("#s0-sid").value === "Authors" && `+settled)
	for _, tc := range []struct{ what, js, want string }{
		{"service", `document.querySelector("#s0-service").value`, "iam"},
		{"checked actions", `[...document.querySelectorAll('input[name="s0.action"]:checked')].map(e => e.value).join(",")`, "iam.catalog.List"},
		{"other actions", `document.querySelector("#s0-more").value`, "iam.policy.*"},
		{"resources", `document.querySelector("#s0-kind").value`, "all"},
		{"problems", `document.querySelector("#policy-problems").textContent.trim()`, "The engine accepts this document."},
	} {
		if got, err := chromedp.Run(owner, chromedp.Evaluate[string](tc.js)); err != nil || got != tc.want {
			t.Errorf("builder's %s = %q (%v), want %q", tc.what, got, err, tc.want)
		}
	}
	do(t, owner, "save policy-authors", chromedp.SendKeys(chromedp.ID("policy-name"), "policy-authors"),
		chromedp.Click(chromedp.ID("save-policy")), chromedp.WaitVisible(chromedp.ID("attach-user-button")))
	do(t, owner, "attach it to Ana", chromedp.SetValue(chromedp.ID("attach-user"), anaID),
		chromedp.Click(chromedp.ID("attach-user-button")), chromedp.WaitVisible(chromedp.ID("policy-users")))
	if got := text(t, owner, "#policy-users tbody"); !strings.Contains(got, "ana@example.com") {
		t.Errorf("policy-authors is attached to %q, want Ana", got)
	}
	checkPage(t, owner, "policy")

	// Ana creates a policy in the builder and sees its JSON.
	do(t, ana, "open the policies as Ana", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`nav a[href="/policies"]`)),
		chromedp.Click(chromedp.CSS(`nav a[href="/policies"]`)), chromedp.WaitVisible(chromedp.ID("policies")))
	checkPage(t, ana, "policies")
	do(t, ana, "open the builder", chromedp.Click(chromedp.ID("new-policy")), chromedp.WaitVisible(chromedp.ID("s0-service")))
	setField(t, ana, "#s0-service", "compute", "change")
	waitJS(t, ana, "the builder shows compute's actions", `document.querySelector('input[name="s0.action"][value="compute.*"]') && `+settled)
	box := `input[name="s0.action"][value="compute.instance.Create"]`
	do(t, ana, "check compute.instance.Create", chromedp.WaitVisible(chromedp.CSS(box)), chromedp.Click(chromedp.CSS(box)))
	waitJS(t, ana, "the JSON follows the builder", `document.querySelector("#policy-json").value.includes("compute.instance.Create") && `+settled)
	setField(t, ana, "#s0-effect", "Deny", "change")
	waitJS(t, ana, "the JSON shows the Deny", `document.querySelector("#policy-json").value.includes('"Deny"') && `+settled)
	// Its resources: every resource of a project.
	setField(t, ana, "#s0-kind", "project", "change")
	waitJS(t, ana, "the builder offers the projects", `document.querySelector("#s0-project") && `+settled)
	setField(t, ana, "#s0-project", production, "change")
	waitJS(t, ana, "the JSON names the project", `document.querySelector("#policy-json").value.includes(`+jsString(production)+`) && `+settled)
	var doc struct {
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	raw, _ := chromedp.Run(ana, chromedp.Evaluate[string](`document.querySelector("#policy-json").value`))
	if err := json.Unmarshal([]byte(raw), &doc); err != nil || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Deny" ||
		strings.Join(doc.Statement[0].Action, ",") != "compute.instance.Create" || strings.Join(doc.Statement[0].Resource, ",") != production {
		t.Errorf("the builder's JSON is %s (%v), want a Deny of compute.instance.Create in Production", raw, err)
	}
	if _, err := chromedp.Run(ana, chromedp.Evaluate[bool](`window.scrollTo(0, 0); true`)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, ana, "policy-builder")
	do(t, ana, "save it", chromedp.SendKeys(chromedp.ID("policy-name"), "no-creates"),
		chromedp.Click(chromedp.ID("save-policy")), chromedp.WaitVisible(chromedp.ID("delete-policy")))
	if got := text(t, ana, "#policy-json"); !strings.Contains(got, `"Effect": "Deny"`) || !strings.Contains(got, "compute.instance.Create") {
		t.Errorf("the saved policy's JSON is %q", got)
	}

	// Deleted, it is listed with the deleted ones, and restored.
	do(t, ana, "delete it", chromedp.Click(chromedp.ID("delete-policy")), chromedp.WaitVisible(chromedp.CSS(`tr[data-name="no-creates"] button.restore`)))
	checkPage(t, ana, "policies-deleted")
	do(t, ana, "restore it", chromedp.Click(chromedp.CSS(`tr[data-name="no-creates"] button.restore`)), chromedp.WaitVisible(chromedp.ID("delete-policy")))
	var live struct {
		Policies []struct {
			Name string `json:"name"`
		} `json:"policies"`
	}
	callAPI(t, ts, "GET", "/v2/policies", ts.Token, "", http.StatusOK, &live)
	if !strings.Contains(mustJSON(t, live), `"no-creates"`) {
		t.Errorf("after restoring, the API lists %+v, want no-creates", live)
	}
}
