package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestConsoleTrustConditions: on an assumable role's page, the root owner
// adds a trust for Bo with conditions (hours, days, source ranges), after
// a bad address the service refuses naming its field; then a trust of an
// OIDC issuer with a claim condition. The trust list shows each
// condition, and the API has them.
func TestConsoleTrustConditions(t *testing.T) {
	owner := newTab(t)
	ts, _, org := consoleServer(t)
	boID := consoleMember(t, ts, org, "bo@example.com", "Bo", "Bo's own long passphrase")
	role := assumableRole(t, ts)
	issuer := createdID(t, ts, "/v2/oidc/issuer", "issuer", `{"issuer": {"name": "ci", "uri": "https://ci.example.com", "audiences": ["keyward"]}}`)
	signIn(t, owner, ts, "admin@localhost", ownerPassword)

	fill := func(ip string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Navigate(ts.URL+"/roles/"+role), chromedp.WaitVisible(chromedp.ID("trust-create")),
			chromedp.SetValue(chromedp.ID("trust-trustee"), "user:"+boID), chromedp.SetValue(chromedp.ID("trust-expires"), "1w"),
			chromedp.SendKeys(chromedp.ID("trust-time-start"), "9"), chromedp.SendKeys(chromedp.ID("trust-time-end"), "17"),
			chromedp.Click(chromedp.CSS(`input[name=days_of_week][value=Monday]`)), chromedp.Click(chromedp.CSS(`input[name=days_of_week][value=Friday]`)),
			chromedp.SendKeys(chromedp.ID("trust-ip"), ip))
	}
	do(t, owner, "add a trust with a bad address", fill("10.0.0.0/8, not-an-address"), chromedp.Click(chromedp.ID("trust-create")),
		chromedp.WaitVisible(chromedp.ID("problem")))
	if got := text(t, owner, "#problem"); !strings.Contains(got, "conditions.ip_address[1]") || !strings.Contains(got, "not-an-address") {
		t.Errorf("the refusal of a bad address says %q, want its field conditions.ip_address[1] and the value", got)
	}
	do(t, owner, "add a trust for Bo with conditions", fill("10.0.0.0/8, 192.168.1.7"), chromedp.Click(chromedp.ID("trust-create")),
		chromedp.WaitVisible(chromedp.ID("trust-list")))
	got := text(t, owner, "#trust-list tbody")
	for _, want := range []string{"Bo", "09:00–17:59 UTC", "Monday, Friday", "10.0.0.0/8", "192.168.1.7/32"} {
		if !strings.Contains(got, want) {
			t.Errorf("the trust list says %q, want %q in it", got, want)
		}
	}

	do(t, owner, "add a trust of the issuer", chromedp.Navigate(ts.URL+"/roles/"+role), chromedp.WaitVisible(chromedp.ID("trust-create")),
		chromedp.SetValue(chromedp.ID("trust-trustee"), "issuer:"+issuer),
		chromedp.SendKeys(chromedp.ID("trust-claims"), "sub=repo:acme/deploy:*"), chromedp.Click(chromedp.ID("trust-create")))
	waitJS(t, owner, "the issuer's trust is listed", `document.querySelectorAll("#trust-list tbody tr").length === 2`)
	got = text(t, owner, "#trust-list tbody")
	for _, want := range []string{"claim sub=repo:acme/deploy:*", "OIDC issuer ci (https://ci.example.com)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the trust list says %q, want %q in it", got, want)
		}
	}
	// The trusts are below the role's grid: the screenshot shows them from
	// their top.
	if _, err := chromedp.Run(owner, chromedp.Evaluate[bool](`document.getElementById("trusts").scrollIntoView({block: "start"}), true`)); err != nil {
		t.Fatal(err)
	}
	checkPage(t, owner, "role-trust-conditions")

	var trusts struct {
		Trusts []struct {
			UserID     string            `json:"trusted_user_id"`
			IssuerID   string            `json:"trusted_oidc_issuer_id"`
			Type       string            `json:"trust_type"`
			Claims     map[string]string `json:"claim_conditions"`
			Conditions struct {
				TimeOfDay *struct{ Start, End int } `json:"time_of_day"`
				Days      []string                  `json:"days_of_week"`
				IP        []string                  `json:"ip_address"`
			} `json:"conditions"`
		} `json:"role_trusts"`
	}
	callAPI(t, ts, "GET", "/v2/role-trusts/by-role/"+role, ts.Token, "", http.StatusOK, &trusts)
	if len(trusts.Trusts) != 2 {
		t.Fatalf("the API lists %d trusts of the role, want 2: %+v", len(trusts.Trusts), trusts.Trusts)
	}
	for _, tr := range trusts.Trusts {
		switch {
		case tr.UserID == boID:
			c := tr.Conditions
			if c.TimeOfDay == nil || c.TimeOfDay.Start != 9 || c.TimeOfDay.End != 17 || len(c.Days) != 2 || strings.Join(c.IP, " ") != "10.0.0.0/8 192.168.1.7/32" {
				t.Errorf("the API has Bo's trust's conditions as %+v, want 9 to 17, two days, 10.0.0.0/8 and 192.168.1.7/32", c)
			}
		case tr.IssuerID == issuer:
			if tr.Type != "FederatedAssumption" || tr.Claims["sub"] != "repo:acme/deploy:*" {
				t.Errorf("the API has the issuer's trust as %s with claims %v, want FederatedAssumption with sub=repo:acme/deploy:*", tr.Type, tr.Claims)
			}
		default:
			t.Errorf("the API lists a trust of neither Bo nor the issuer: %+v", tr)
		}
	}
}

// TestConsoleIssuerTrustMode: the trust form's trustee is picked or typed
// (an issuer by its name too); an OIDC issuer's trust takes the default
// mode, automatic, or automatic asked for, and manual is refused naming
// assumption_mode; a user's trust takes manual by default. The role's
// page names the issuer of a trust, not its id.
func TestConsoleIssuerTrustMode(t *testing.T) {
	ts, _, org := consoleServer(t)
	boID := consoleMember(t, ts, org, "bo@example.com", "Bo", "Bo's own long passphrase")
	role := assumableRole(t, ts)
	issuer := createdID(t, ts, "/v2/oidc/issuer", "issuer", `{"issuer": {"name": "ci", "uri": "https://ci.example.com", "audiences": ["keyward"]}}`)
	owner := browserless(t)
	post(t, owner, ts, "/login", url.Values{"email": {"admin@localhost"}, "password": {ownerPassword}})
	for _, tc := range []struct {
		name, trustee, mode string
		wantStatus          int
		want                string // the mode of the trust made, or the text of the refusal
	}{
		{"issuer, default", "issuer:" + issuer, "", http.StatusSeeOther, "automatic"},
		{"issuer by name, automatic", "CI", "automatic", http.StatusSeeOther, "automatic"},
		{"issuer, manual", "issuer:" + issuer, "manual", http.StatusBadRequest, "field: assumption_mode"},
		{"user by email, default", "bo@example.com", "", http.StatusSeeOther, "manual"},
		{"no such trustee", "nobody", "", http.StatusBadRequest, "field: trustee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := postForm(t, owner, ts, "/roles/"+role+"/trusts",
				url.Values{"trustee": {tc.trustee}, "assumption_mode": {tc.mode}, "expires": {"never"}})
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("create a trust of %q (%q) = %d, want %d:\n%s", tc.trustee, tc.mode, res.StatusCode, tc.wantStatus, body)
			}
			if tc.wantStatus != http.StatusSeeOther {
				if !strings.Contains(body, tc.want) {
					t.Errorf("the refusal says %q, want %q in it", body, tc.want)
				}
				return
			}
			var trusts struct {
				Trusts []struct {
					Mode string `json:"assumption_mode"`
				} `json:"role_trusts"`
			}
			callAPI(t, ts, "GET", "/v2/role-trusts/by-role/"+role, ts.Token, "", http.StatusOK, &trusts)
			if n := len(trusts.Trusts); n == 0 || trusts.Trusts[n-1].Mode != tc.want {
				t.Errorf("the trusts are %+v, want the last one %s", trusts.Trusts, tc.want)
			}
		})
	}
	_, page := getPage(t, owner, ts, "/roles/"+role)
	if !strings.Contains(page, "OIDC issuer ci (https://ci.example.com)") || strings.Contains(page, "OIDC issuer "+issuer) {
		t.Errorf("the role's page does not name the issuer ci (https://ci.example.com) in its trusts:\n%s", page)
	}
	if !strings.Contains(page, "user Bo") {
		t.Errorf("the role's page does not name Bo in its trusts (%s)", boID)
	}
}
