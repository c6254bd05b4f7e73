package main

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleAccessAuditStory: the root owner reads an Operator's
// effective access per service, asks who can delete an instance, and
// narrows the audit trail by action, object, actor and time, each event
// with its before and after.
func TestConsoleAccessAuditStory(t *testing.T) {
	owner := newTab(t)
	ts, sink, _ := consoleServer(t)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)
	ana, anaID := join(t, ts, sink, owner, "ana@example.com", "Operator", "Ana")
	pol := allowUser(t, ts, "dns-deleter", `["network.dns.Delete"]`, anaID)
	callAPI(t, ts, "PUT", "/v2/policies/"+pol, ts.Token, `{"name": "dns-deleters", "description": "renamed", "policy_document":
		{"Version": "2026-03-20", "Statement": [{"Effect": "Allow", "Action": ["network.dns.Delete"], "Resource": ["*"]}]}}`, http.StatusOK, nil)

	// Effective access, per service, from the why page's link.
	do(t, owner, "open the why page", chromedp.Navigate(ts.URL+"/why?member="+anaID+"&action=network.dns.Delete"),
		chromedp.WaitVisible(chromedp.ID("why-access")), chromedp.Click(chromedp.ID("why-access")), chromedp.WaitVisible(chromedp.ID("access")))
	row := func(svc string) string { return `.scope tr[data-service="` + svc + `"] td.allowed` }
	if got := text(t, owner, row("network")); !strings.Contains(got, "network.dns.Delete") {
		t.Errorf("Ana's network access is %q, want network.dns.Delete from dns-deleters", got)
	}
	if got := text(t, owner, "#access-policies"); !strings.Contains(got, "dns-deleters") || !strings.Contains(got, "direct") {
		t.Errorf("Ana's policies are %q, want dns-deleters, direct", got)
	}
	checkPage(t, owner, "access")
	do(t, ana, "Ana reads her own access", chromedp.Navigate(ts.URL+"/access"), chromedp.WaitVisible(chromedp.ID("access")))
	if got := text(t, ana, "#access-policies"); !strings.Contains(got, "dns-deleters") {
		t.Errorf("Ana's own access page lists %q", got)
	}

	// Who can: the root owner always, Ana through her policy, for DNS;
	// for instances, Ana's Operator role never deletes.
	for _, tc := range []struct {
		action  string
		wantAna bool
	}{
		{"network.dns.Delete", true},
		{"compute.instance.Delete", false},
	} {
		do(t, owner, "who can "+tc.action, chromedp.Navigate(ts.URL+"/who-can"), chromedp.WaitVisible(chromedp.ID("whocan-ask")),
			chromedp.SendKeys(chromedp.ID("why-action"), tc.action), chromedp.Click(chromedp.ID("whocan-ask")),
			chromedp.WaitVisible(chromedp.ID("grantees")))
		got := text(t, owner, "#grantee-list tbody")
		if !strings.Contains(got, "admin@localhost") || strings.Contains(got, "ana@example.com") != tc.wantAna {
			t.Errorf("who can %s: %q, want the owner and Ana: %v", tc.action, got, tc.wantAna)
		}
	}
	checkPage(t, owner, "who-can")

	// The audit trail, narrowed by each filter.
	events := func() []string {
		t.Helper()
		return column(t, owner, "action")
	}
	do(t, owner, "open the audit trail", chromedp.Navigate(ts.URL+"/audit"), chromedp.WaitVisible(chromedp.ID("audit-events")))
	all := events()
	if len(all) < 4 {
		t.Fatalf("the audit trail lists %v, want at least the invitation, the policy's create, attach and update", all)
	}
	do(t, owner, "filter by action", chromedp.SendKeys(chromedp.ID("audit-action"), "iam.policy.Update"),
		chromedp.Click(chromedp.ID("audit-filter")))
	waitJS(t, owner, "the filtered trail", `location.search.includes("action=") && `+settled)
	if got := events(); len(got) != 1 || got[0] != "iam.policy.Update" {
		t.Errorf("filtered by action, the trail lists %v, want the one update", got)
	}
	do(t, owner, "open the change", chromedp.Click(chromedp.CSS(`#audit-events summary`)))
	if got := text(t, owner, "#audit-events details"); !strings.Contains(got, `"dns-deleter"`) || !strings.Contains(got, `"dns-deleters"`) {
		t.Errorf("the update's before and after are %q, want both names", got)
	}
	checkPage(t, owner, "audit")
	for _, tc := range []struct {
		what  string
		query url.Values
		want  func([]string) bool
	}{
		{"object", url.Values{"object": {pol}}, func(got []string) bool {
			return len(got) == 3 && !strings.Contains(strings.Join(got, " "), "invitation")
		}},
		{"actor", url.Values{"actor": {anaID}}, func([]string) bool {
			actors := column(t, owner, "actor")
			return len(actors) > 0 && len(actors) < len(all) && !slices.ContainsFunc(actors, func(a string) bool { return a != anaID })
		}},
		{"time", url.Values{"since": {time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")}}, func(got []string) bool { return len(got) == 0 }},
		{"time range", url.Values{"since": {time.Now().UTC().Add(-time.Hour).Format("2006-01-02T15:04")},
			"until": {time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")}}, func(got []string) bool { return len(got) == len(all) }},
	} {
		do(t, owner, "filter by "+tc.what, chromedp.Navigate(ts.URL+"/audit?"+tc.query.Encode()), chromedp.WaitVisible(chromedp.ID("audit-filter")))
		if got := events(); !tc.want(got) {
			t.Errorf("filtered by %s, the trail lists %v (of %v)", tc.what, got, all)
		}
	}
}

// column is the data-NAME attribute of each event the audit trail open in
// tab lists.
func column(t *testing.T, tab context.Context, name string) []string {
	t.Helper()
	got, err := chromedp.Run(tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#audit-events tr.event")].map(e => e.dataset.`+name+`)`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}
