package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

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
	res, _ := postForm(t, c, ts, path, form)
	return res.StatusCode, res.Header.Get("Location")
}

// postBody is post for an answer with a page: the status and the body.
func postBody(t *testing.T, c *http.Client, ts *testServer, path string, form url.Values) (int, string) {
	t.Helper()
	res, body := postForm(t, c, ts, path, form)
	return res.StatusCode, body
}

// postForm posts form to path with c, as a page of the console does
// (same origin), and returns the answer and its body.
func postForm(t *testing.T, c *http.Client, ts *testServer, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", ts.URL)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// listed walks a list of the Team page from its first page with c,
// following the Next links of the list's cursor (param), and returns
// the rows row matches (by its first group) and how many pages it read.
// A row listed twice fails t.
func listed(t *testing.T, c *http.Client, ts *testServer, base, param string, row *regexp.Regexp) (map[string]bool, int) {
	t.Helper()
	next := regexp.MustCompile(`href="(` + regexp.QuoteMeta(base) + `\?` + param + `=[^"]+)">Next`)
	seen := map[string]bool{}
	path, pages := base, 0
	for path != "" && pages < 10 {
		status, body := getPage(t, c, ts, path)
		if status != http.StatusOK {
			t.Fatalf("GET %s = %d", path, status)
		}
		pages++
		for _, m := range row.FindAllStringSubmatch(body, -1) {
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
	return seen, pages
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
	seen, pages := listed(t, c, ts, "/team", "cursor", regexp.MustCompile(`<tr data-email="([^"]+)"`))
	if len(seen) != 26 || pages != 2 {
		t.Errorf("the Team page listed %d members on %d pages, want 26 on 2", len(seen), pages)
	}
}

// TestConsoleTeamForms: the Team page's forms resend and revoke an
// invitation and remove a member, each answered by a redirect to the
// page; one the service refuses (removing the root owner) answers with
// its 4xx, on the page.
func TestConsoleTeamForms(t *testing.T) {
	ts, sink, _ := consoleServer(t)
	var m struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	callAPI(t, ts, "POST", "/v2/users", ts.Token, `{"email": "bo@example.com", "name": "Bo"}`, http.StatusCreated, &m)
	var me struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	callAPI(t, ts, "GET", "/v2/users/me", ts.Token, "", http.StatusOK, &me)
	c := browserless(t)
	post(t, c, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	invitation := func() (id, status string) {
		var out struct {
			Invites []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"invites"`
		}
		callAPI(t, ts, "GET", "/v2/invitation", ts.Token, "", http.StatusOK, &out)
		if len(out.Invites) != 1 {
			t.Fatalf("%d invitations, want 1", len(out.Invites))
		}
		return out.Invites[0].ID, out.Invites[0].Status
	}

	for _, tc := range []struct {
		name, path string
		form       url.Values
		want       int
	}{
		{"invite", "/team/invitations", url.Values{"email": {"zed@example.com"}, "role_id": {teamRoleID(t, "Viewer")}}, http.StatusSeeOther},
		{"invite again", "/team/invitations", url.Values{"email": {"zed@example.com"}}, http.StatusConflict},
		{"invite without an email", "/team/invitations", url.Values{}, http.StatusBadRequest},
		{"resend", "/team/invitations/{invitation}/resend", nil, http.StatusSeeOther},
		{"revoke", "/team/invitations/{invitation}/revoke", nil, http.StatusSeeOther},
		{"change to a role that is not a team role", "/team/members/" + m.User.ID + "/role", url.Values{"role_name": {"oxide:admin"}}, http.StatusBadRequest},
		{"remove the root owner", "/team/members/" + me.User.ID + "/remove", nil, http.StatusConflict},
		{"remove an unknown member", "/team/members/00000000-0000-7000-8000-000000000000/remove", nil, http.StatusNotFound},
		{"remove", "/team/members/" + m.User.ID + "/remove", nil, http.StatusSeeOther},
	} {
		path := tc.path
		if strings.Contains(path, "{invitation}") {
			id, _ := invitation()
			path = strings.ReplaceAll(path, "{invitation}", id)
		}
		status, to := post(t, c, ts, path, tc.form)
		if status != tc.want || status == http.StatusSeeOther && to != "/team" {
			t.Errorf("%s: POST %s = %d to %q, want %d", tc.name, path, status, to, tc.want)
		}
	}
	if _, status := invitation(); status != "revoked" {
		t.Errorf("the invitation is %s, want revoked", status)
	}
	if n := len(sink.Wait(t, 2, 20*time.Second)); n != 2 {
		t.Errorf("%d emails, want the invitation and its resend", n)
	}
	callAPI(t, ts, "GET", "/v2/users/"+m.User.ID, ts.Token, "", http.StatusNotFound, nil)
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
	root := rootCLI(t, ts)
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

// TestConsoleTeamListPages: the Team page's pending invitations and
// service users page on their own, each with its own cursor, past the
// first page.
func TestConsoleTeamListPages(t *testing.T) {
	ts, _, _ := consoleServer(t)
	for i := range perList {
		callAPI(t, ts, "POST", "/v2/invitation", ts.Token, fmt.Sprintf(`{"email_invited": "i%02d@example.com"}`, i), http.StatusCreated, nil)
		callAPI(t, ts, "POST", "/v2/users", ts.Token, fmt.Sprintf(`{"name": "svc-%02d", "service_user": true}`, i), http.StatusCreated, nil)
	}
	c := browserless(t)
	post(t, c, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	for _, tc := range []struct{ param, row string }{{"invitations", "data-invitation"}, {"services", "data-service"}} {
		seen, pages := listed(t, c, ts, "/team", tc.param, regexp.MustCompile(tc.row+`="([^"]+)"`))
		if len(seen) != perList || pages != 2 {
			t.Errorf("the Team page listed %d %s on %d pages, want %d on 2", len(seen), tc.param, pages, perList)
		}
	}
}

// TestConsoleProjectListPages: a project's page lists its resources and
// its overrides a page at a time, each list with its own cursor.
func TestConsoleProjectListPages(t *testing.T) {
	ts, _, _ := consoleServer(t)
	var p struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
	}
	callAPI(t, ts, "POST", "/v2/projects", ts.Token, `{"name": "Production"}`, http.StatusCreated, &p)
	for i := range perList {
		callAPI(t, ts, "POST", "/v2/resources", ts.Token, fmt.Sprintf(`{"id": "vm-%02d", "type": "compute.instance", "project_id": %q}`, i, p.Project.ID), http.StatusCreated, nil)
		var u struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		callAPI(t, ts, "POST", "/v2/users", ts.Token, fmt.Sprintf(`{"email": "o%02d@example.com", "name": "Member %02d"}`, i, i), http.StatusCreated, &u)
		callAPI(t, ts, "PUT", "/v2/projects/"+p.Project.ID+"/overrides/"+u.User.ID, ts.Token, `{"grid": {"compute_instances": ["view"]}}`, http.StatusOK, nil)
	}
	c := browserless(t)
	post(t, c, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	for _, tc := range []struct{ param, row string }{{"resources", "data-resource"}, {"overrides", "data-override"}} {
		seen, pages := listed(t, c, ts, "/projects/"+p.Project.ID, tc.param, regexp.MustCompile(tc.row+`="([^"]+)"`))
		if len(seen) != perList || pages != 2 {
			t.Errorf("the project page listed %d %s on %d pages, want %d on 2", len(seen), tc.param, pages, perList)
		}
	}
}

// perList is how many invitations and service users
// TestConsoleTeamListPages makes: more than a page of the console's.
const perList = 25
