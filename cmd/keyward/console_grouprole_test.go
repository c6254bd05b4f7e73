package main

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// acceptDialogs makes tab accept every confirmation the console asks
// for, as a person clicking OK would.
func acceptDialogs(t *testing.T, tab context.Context) {
	t.Helper()
	err := chromedp.Listen(tab, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Call(tab, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConsoleGroupRoleStory: the root owner creates, renames, deletes and
// restores a group, adds and removes a member and attaches and detaches a
// policy on the group's page; creates a custom role from seed 003's grid,
// edits its grid, deletes and restores it. A member who may read groups
// but not change them sees none of the controls (no Restore button among
// the deleted groups either), and a forged change or restore is refused
// with the engine's explanation.
func TestConsoleGroupRoleStory(t *testing.T) {
	owner := newTab(t)
	acceptDialogs(t, owner)
	ts, sink, _ := consoleServer(t)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	vic, vicID := join(t, ts, sink, owner, "vic@example.com", "Viewer", "Vic")
	readers := allowUser(t, ts, "iam-readers", `["iam.group.List", "iam.group.Read", "iam.group.ListMembers",
		"iam.group.ListPolicies", "iam.policy.List", "iam.user.List"]`, vicID)

	do(t, owner, "create a group", chromedp.Navigate(ts.URL+"/groups"), chromedp.WaitVisible(chromedp.ID("create-group")),
		chromedp.SendKeys(chromedp.ID("group-name"), "ops"), chromedp.Click(chromedp.ID("create-group")),
		chromedp.WaitVisible(chromedp.ID("rename-group")))
	do(t, owner, "rename it", chromedp.SetValue(chromedp.ID("group-name"), "operations"), chromedp.Click(chromedp.ID("rename-group")))
	waitJS(t, owner, "the group is renamed", `document.querySelector("h1").textContent === "operations"`)
	do(t, owner, "add Vic", chromedp.SetValue(chromedp.ID("add-member"), vicID), chromedp.Click(chromedp.ID("add-member-button")),
		chromedp.WaitVisible(chromedp.CSS(`#group-members button.remove-member`)))
	do(t, owner, "attach iam-readers", chromedp.SetValue(chromedp.ID("attach-policy"), readers),
		chromedp.Click(chromedp.ID("attach-policy-button")), chromedp.WaitVisible(chromedp.CSS(`#attached-policies tr[data-name="iam-readers"]`)))
	if got := text(t, owner, "#group-members tbody"); !strings.Contains(got, "vic@example.com") {
		t.Errorf("the group's members are %q, want Vic", got)
	}
	checkPage(t, owner, "group-edit")

	// Vic may read the group but change nothing: no controls, and a
	// forged change is refused with the engine's explanation.
	loc, _ := chromedp.Run(owner, chromedp.Location())
	do(t, vic, "open the group as Vic", chromedp.Navigate(loc), chromedp.WaitVisible(chromedp.ID("group-members")))
	if n := count(t, vic, `#rename-group, #delete-group, #add-member-button, button.remove-member, button.detach-policy, #attach-policy-button`); n != 0 {
		t.Errorf("Vic, who may change nothing, is shown %d controls of the group's page", n)
	}
	status, body := forgePost(t, vic, strings.TrimPrefix(loc, ts.URL)+"/members/"+vicID+"/remove", nil)
	if status != http.StatusForbidden || !strings.Contains(body, "iam.group.RemoveMember") || !strings.Contains(body, "implicit_deny") {
		t.Errorf("a forged removal by Vic = %d %q, want 403 with the action and the engine's decision", status, body)
	}
	checkPage(t, vic, "group-readonly")

	do(t, owner, "detach the policy", chromedp.Click(chromedp.CSS(`#attached-policies button.detach-policy`)),
		chromedp.WaitNotPresent(chromedp.ID("attached-policies")))
	do(t, owner, "remove Vic", chromedp.Click(chromedp.CSS(`#group-members button.remove-member`)),
		chromedp.WaitNotPresent(chromedp.ID("group-members")))

	// A custom role from the grid.
	do(t, owner, "open the roles", chromedp.Navigate(ts.URL+"/roles"), chromedp.WaitVisible(chromedp.ID("create-role")),
		chromedp.SendKeys(chromedp.ID("role-name"), "Deployer"),
		chromedp.Click(chromedp.ID("grid-compute_instances-view")), chromedp.Click(chromedp.ID("grid-compute_instances-manage")),
		chromedp.Click(chromedp.ID("grid-vpcs-view")))
	if n := count(t, owner, `#grid-billing-delete`); n != 0 {
		t.Error("the grid offers Delete on Billing, which seed 003's grid has not")
	}
	checkPage(t, owner, "role-create")
	do(t, owner, "create the role", chromedp.Click(chromedp.ID("create-role")), chromedp.WaitVisible(chromedp.ID("save-role")))
	var role struct {
		Role struct {
			ID   string              `json:"id"`
			Grid map[string][]string `json:"grid"`
		} `json:"role"`
	}
	roleID := strings.TrimPrefix(mustLocation(t, owner), ts.URL+"/roles/")
	callAPI(t, ts, "GET", "/v2/roles/"+roleID, ts.Token, "", http.StatusOK, &role)
	if got := mustJSON(t, role.Role.Grid); got != `{"compute_instances":["view","manage"],"vpcs":["view"]}` {
		t.Errorf("the API says the role's grid is %s", got)
	}
	if got := text(t, owner, "#role-document"); !strings.Contains(got, "compute.instance.") || !strings.Contains(got, "network.vpc.") {
		t.Errorf("the role's document is %q, want compute and VPC actions", got)
	}
	checkPage(t, owner, "role-grid")
	do(t, owner, "clear VPCs' View", chromedp.Click(chromedp.ID("grid-vpcs-view")), chromedp.Click(chromedp.ID("save-role")))
	waitJS(t, owner, "the role no longer grants VPCs", `!document.querySelector("#role-document").textContent.includes("network.vpc.")`)
	role.Role.Grid = nil // json.Unmarshal adds to a map it is given
	callAPI(t, ts, "GET", "/v2/roles/"+roleID, ts.Token, "", http.StatusOK, &role)
	if got := mustJSON(t, role.Role.Grid); got != `{"compute_instances":["view","manage"]}` {
		t.Errorf("after the edit the API says the role's grid is %s", got)
	}
	do(t, owner, "delete the role", chromedp.Click(chromedp.ID("delete-role")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-name="Deployer"] button.restore`)))
	do(t, owner, "restore it", chromedp.Click(chromedp.CSS(`tr[data-name="Deployer"] button.restore`)), chromedp.WaitVisible(chromedp.ID("save-role")))

	// Deleting the group lands on the deleted groups, where it can be
	// restored; Vic, who may not restore it, sees no Restore button and a
	// restore he forges is refused with the engine's explanation.
	do(t, owner, "delete the group", chromedp.Navigate(loc), chromedp.WaitVisible(chromedp.ID("delete-group")),
		chromedp.Click(chromedp.ID("delete-group")), chromedp.WaitVisible(chromedp.CSS(`tr[data-name="operations"] button.restore`)))
	checkPage(t, owner, "groups-deleted")
	do(t, vic, "open the deleted groups as Vic", chromedp.Navigate(ts.URL+"/groups?deleted=1"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-name="operations"]`)))
	if n := count(t, vic, `button.restore`); n != 0 {
		t.Errorf("Vic, who may not restore groups, is shown %d Restore buttons", n)
	}
	status, body = forgePost(t, vic, strings.TrimPrefix(loc, ts.URL)+"/restore", nil)
	if status != http.StatusForbidden || !strings.Contains(body, "iam.group.Restore") || !strings.Contains(body, "implicit_deny") {
		t.Errorf("a forged restore by Vic = %d %q, want 403 with the action and the engine's decision", status, body)
	}
	do(t, owner, "list the live groups", chromedp.Navigate(ts.URL+"/groups"), chromedp.WaitVisible(chromedp.ID("create-group")))
	if n := count(t, owner, `#groups a`); n != 0 {
		t.Errorf("after deleting the only group, the list shows %d", n)
	}
	do(t, owner, "restore the group", chromedp.Click(chromedp.ID("show-deleted-groups")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-name="operations"] button.restore`)),
		chromedp.Click(chromedp.CSS(`tr[data-name="operations"] button.restore`)), chromedp.WaitVisible(chromedp.ID("delete-group")))
	callAPI(t, ts, "GET", "/v2/groups/"+strings.TrimPrefix(loc, ts.URL+"/groups/"), ts.Token, "", http.StatusOK, nil)
}

// mustLocation is the address of the page open in tab.
func mustLocation(t *testing.T, tab context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(tab, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
