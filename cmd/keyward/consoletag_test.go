package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleMemberTags: the root owner tags Ana team=payments on the Team
// page, and a policy conditioned on that tag starts to allow her (the Why?
// page says so, and the API lists the tag); removing the tag takes it
// back. Vic, who may list members and their tags but not tag them, sees
// Ana's tags and no control, and his forged tag is refused with the
// engine's explanation.
func TestConsoleMemberTags(t *testing.T) {
	owner := newTab(t)
	ts, _, org := consoleServer(t)
	anaID := consoleMember(t, ts, org, "ana@example.com", "Ana", "Ana's own long passphrase")
	vicID := consoleMember(t, ts, org, "vic@example.com", "Vic", "Vic's own long passphrase")
	allowUser(t, ts, "team-readers", `["iam.user.List", "iam.user.ListTags"]`, vicID)
	var pol struct {
		ID string `json:"id"`
	}
	callAPI(t, ts, "POST", "/v2/policies", ts.Token, `{"name": "payments-instances", "description": "", "policy_document":
		{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": ["compute.instance.Create"], "Resource": ["*"],
		"Condition": {"StringEquals": {"keyward:PrincipalTag/team": "payments"}}}]}}`, http.StatusCreated, &pol)
	callAPI(t, ts, "POST", "/v2/policies/"+pol.ID+"/users/"+anaID, ts.Token, "", http.StatusNoContent, nil)

	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	why := ts.URL + "/why?member=" + anaID + "&action=compute.instance.Create"
	decision := func(want string) {
		t.Helper()
		do(t, owner, "ask the why page", chromedp.Navigate(why), chromedp.WaitVisible(chromedp.ID("verdict-decision")))
		if got := text(t, owner, "#verdict-decision"); !strings.HasPrefix(got, want) {
			t.Errorf("the why page says %q for Ana's compute.instance.Create, want %s", got, want)
		}
	}
	decision("Denied")

	ana := `#members tr[data-email="ana@example.com"]`
	do(t, owner, "tag Ana", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.CSS(ana+" .tag-form")),
		chromedp.SendKeys(chromedp.ID("tag-key-"+anaID), "team"), chromedp.SendKeys(chromedp.ID("tag-value-"+anaID), "payments"),
		chromedp.Click(chromedp.CSS(ana+" button.tag-add")), chromedp.WaitVisible(chromedp.CSS(ana+` li[data-tag="team"]`)))
	if got := text(t, owner, ana+" .member-tags"); !strings.Contains(got, "team=payments") {
		t.Errorf("Ana's tags on the Team page are %q, want team=payments", got)
	}
	var tags struct {
		Tags []struct{ Key, Value string } `json:"tags"`
	}
	callAPI(t, ts, "GET", "/v2/users/"+anaID+"/tags", ts.Token, "", http.StatusOK, &tags)
	if len(tags.Tags) != 1 || tags.Tags[0].Key != "team" || tags.Tags[0].Value != "payments" {
		t.Errorf("the API lists Ana's tags as %+v, want team=payments", tags.Tags)
	}
	checkPage(t, owner, "team-tags")
	decision("Allowed")

	// Vic sees the tags and no control; a forged tag is refused.
	vic := newTab(t)
	signIn(t, vic, ts, "vic@example.com", "Vic's own long passphrase")
	do(t, vic, "open the team as Vic", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.CSS(ana+" .member-tags")))
	if got := text(t, vic, ana+" .member-tags"); !strings.Contains(got, "team=payments") {
		t.Errorf("Vic sees Ana's tags as %q, want team=payments", got)
	}
	if n := count(t, vic, `.tag-form, button.untag`); n != 0 {
		t.Errorf("Vic, who may not tag, is shown %d tag controls", n)
	}
	status, body := forgePost(t, vic, "/team/members/"+anaID+"/tags", map[string]string{"key": "team", "value": "ops"})
	if status != http.StatusForbidden || !strings.Contains(body, "iam.user.Tag") || !strings.Contains(body, "implicit_deny") {
		t.Errorf("a forged tag by Vic = %d %q, want 403 with the action and the engine's decision", status, body)
	}
	callAPI(t, ts, "GET", "/v2/users/"+anaID+"/tags", ts.Token, "", http.StatusOK, &tags)
	if len(tags.Tags) != 1 || tags.Tags[0].Value != "payments" {
		t.Errorf("after Vic's forged tag, Ana's tags are %+v, want team=payments alone", tags.Tags)
	}

	do(t, owner, "untag Ana", chromedp.Navigate(ts.URL+"/team"), chromedp.WaitVisible(chromedp.CSS(ana+" button.untag")),
		chromedp.Click(chromedp.CSS(ana+" button.untag")), chromedp.WaitNotPresent(chromedp.CSS(ana+` li[data-tag="team"]`)))
	callAPI(t, ts, "GET", "/v2/users/"+anaID+"/tags", ts.Token, "", http.StatusOK, &tags)
	if len(tags.Tags) != 0 {
		t.Errorf("after removing it, the API lists Ana's tags as %+v, want none", tags.Tags)
	}
	decision("Denied")
}
