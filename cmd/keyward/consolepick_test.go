package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// seedUsers adds n members named user-001 … to the organization of ts
// through the API and returns their ids in that order.
func seedUsers(t *testing.T, ts *testServer, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = createdID(t, ts, "/v2/users", "user", fmt.Sprintf(`{"email": "user-%03d@example.com", "name": "user-%03d"}`, i+1, i+1))
	}
	return ids
}

// optionValues are the values of the <option>s of a pick's answer.
var optionValues = regexp.MustCompile(`<option value="([^"]+)"`)

// TestConsolePickSearch: /pick/{kind} answers a page of suggestions that
// match what is typed, says how many match and pages through them; a
// kind with several sources marks each value with its kind; a member the
// engine does not let list users gets a 403 and no suggestion.
func TestConsolePickSearch(t *testing.T) {
	ts, _, org := consoleServer(t)
	ids := seedUsers(t, ts, 25)
	admins := createdID(t, ts, "/v2/groups", "", `{"display_name": "user-admins", "description": ""}`)
	consoleMember(t, ts, org, "lee@example.com", "Lee", "Lee's own long passphrase")
	owner, lee := browserless(t), browserless(t)
	post(t, owner, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	post(t, lee, ts, "/login", url.Values{"email": {"lee@example.com"}, "password": {"Lee's own long passphrase"}})

	_, first := getPage(t, owner, ts, "/pick/users?id=f&q=user-")
	next := regexp.MustCompile(`cursor=([^"&]+)"`).FindStringSubmatch(first)
	if next == nil {
		t.Fatalf("the first page of 25 matches has no next page:\n%s", first)
	}
	for _, tc := range []struct {
		name       string
		client     *http.Client
		path       string
		wantStatus int
		want       []string // the values suggested
		wantText   string   // in the status line
	}{
		{"one match", owner, "/pick/users?id=f&q=USER-017", http.StatusOK, ids[16:17], "1 match."},
		{"by email", owner, "/pick/users?id=f&q=user-003%40example", http.StatusOK, ids[2:3], "1 match."},
		{"first page", owner, "/pick/users?id=f&q=user-", http.StatusOK, ids[:20], "20 of 25 matches"},
		{"next page", owner, "/pick/users?id=f&q=user-&cursor=" + next[1], http.StatusOK, ids[20:], "5 of 25 matches"},
		{"no match", owner, "/pick/users?id=f&q=nobody", http.StatusOK, nil, "No user matches by name or email"},
		{"users and groups", owner, "/pick/identities?id=f&q=user-02", http.StatusOK,
			[]string{"user:" + ids[19], "user:" + ids[20], "user:" + ids[21], "user:" + ids[22], "user:" + ids[23], "user:" + ids[24]}, "6 matches."},
		{"a group", owner, "/pick/groups?id=f&q=ADMINS", http.StatusOK, []string{admins}, "1 match."},
		{"not allowed", lee, "/pick/users?id=f&q=user-", http.StatusForbidden, nil, "You may not list them"},
		{"not allowed, several sources", lee, "/pick/identities?id=f&q=user", http.StatusForbidden, nil, "You may not list them"},
		{"no such kind", owner, "/pick/secrets?q=x", http.StatusNotFound, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := getPage(t, tc.client, ts, tc.path)
			if status != tc.wantStatus {
				t.Fatalf("GET %s = %d, want %d:\n%s", tc.path, status, tc.wantStatus, body)
			}
			var got []string
			for _, m := range optionValues.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("GET %s suggests %v, want %v", tc.path, got, tc.want)
			}
			if !strings.Contains(body, tc.wantText) {
				t.Errorf("GET %s says %q, want %q in it", tc.path, body, tc.wantText)
			}
		})
	}
}

// TestConsolePickTyped: a pick's field takes what a person types without
// the suggestions: an id, an exact email or an exact name, case aside. A
// name that several share, or none, is refused naming the field, and
// nothing changes.
func TestConsolePickTyped(t *testing.T) {
	ts, _, _ := consoleServer(t)
	ids := seedUsers(t, ts, 3)
	for _, email := range []string{"sam-1@example.com", "sam-2@example.com"} {
		createdID(t, ts, "/v2/users", "user", `{"email": "`+email+`", "name": "Sam"}`)
	}
	group := createdID(t, ts, "/v2/groups", "", `{"display_name": "ops", "description": ""}`)
	owner := browserless(t)
	post(t, owner, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	path := "/groups/" + group + "/members"
	for _, tc := range []struct {
		name, typed string
		wantStatus  int
		wantMember  string // the member added, or the text of the refusal
	}{
		{"an id", ids[0], http.StatusSeeOther, ids[0]},
		{"an email, other case", "USER-002@example.com", http.StatusSeeOther, ids[1]},
		{"a name", " user-003 ", http.StatusSeeOther, ids[2]},
		{"a shared name", "Sam", http.StatusBadRequest, "More than one user is named"},
		{"no one", "user-0", http.StatusBadRequest, "No user is named"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := postForm(t, owner, ts, path, url.Values{"user_id": {tc.typed}})
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("add %q = %d, want %d:\n%s", tc.typed, res.StatusCode, tc.wantStatus, body)
			}
			if tc.wantStatus != http.StatusSeeOther {
				if !strings.Contains(body, tc.wantMember) || !strings.Contains(body, "field: user_id") {
					t.Errorf("the refusal of %q says %q, want %q and the field user_id", tc.typed, body, tc.wantMember)
				}
				return
			}
			var members struct {
				Members []struct {
					ID string `json:"id"`
				} `json:"members"`
			}
			callAPI(t, ts, "GET", "/v2/groups/"+group+"/members", ts.Token, "", http.StatusOK, &members)
			found := false
			for _, m := range members.Members {
				found = found || m.ID == tc.wantMember
			}
			if !found {
				t.Errorf("after adding %q the group's members are %+v, want %s among them", tc.typed, members.Members, tc.wantMember)
			}
		})
	}
}

// TestConsolePick150: in an organization of 150 members, the root owner
// adds the 150th to a group on the group's page, in a real browser: it
// types part of the name, the picker suggests it (searched, not the first
// page of members), it is chosen from the suggestions with the keyboard
// and added. The page passes checkPage with the picker in it.
func TestConsolePick150(t *testing.T) {
	tab := newTab(t)
	ts, _, _ := consoleServer(t)
	ids := seedUsers(t, ts, 150)
	group := createdID(t, ts, "/v2/groups", "", `{"display_name": "ops", "description": ""}`)
	signIn(t, tab, ts, "admin@localhost", ownerPassword)
	last := ids[149]
	do(t, tab, "open the group", chromedp.Navigate(ts.URL+"/groups/"+group), chromedp.WaitVisible(chromedp.ID("add-member")))
	do(t, tab, "type part of the 150th's name", chromedp.SendKeys(chromedp.ID("add-member"), "user-15"))
	waitJS(t, tab, "the 150th is suggested", `!!document.querySelector('#add-member-options option[value="`+last+`"]')`)
	if got := text(t, tab, "#add-member-status"); !strings.Contains(got, "1 match") {
		t.Errorf("the picker's status says %q, want 1 match", got)
	}
	checkPage(t, tab, "pick")
	// A datalist's suggestions are the browser's own popup, which the
	// DevTools protocol cannot press keys in: choosing one puts its value
	// in the field, as here.
	do(t, tab, "choose it and add", chromedp.SetValue(chromedp.ID("add-member"), last), chromedp.Click(chromedp.ID("add-member-button")),
		chromedp.WaitVisible(chromedp.ID("group-members")))
	if got := text(t, tab, "#group-members"); !strings.Contains(got, "user-150") {
		t.Errorf("the group's members are %q, want user-150", got)
	}
}
