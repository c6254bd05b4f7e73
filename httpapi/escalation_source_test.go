package httpapi_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/keywardtest"
)

// The escalation suite's sources of members: an identity provider, whose
// sign-ins create members, link existing ones by email and put them into
// groups by name, and a SCIM token, with which a provider creates, links
// and groups members. Whoever sets one up decides who the organization's
// people are and what they hold, so the suite tries both with every
// credential it has: an identity provider the attacker runs, whose people
// are the root owner's email and a newcomer in ops (bound to admins); a
// SCIM token with which it links the member it acts as and puts it into
// scim-ops (a SCIM group bound to admins).

// identityMode sets, as the operators, how the organization's people
// sign in. Both sources work in the idp mode only, which ends members'
// password sign-ins; the suite sets it while it uses them, so that its
// other attempts still sign in with passwords.
func (o *escOrg) identityMode(t *testing.T, mode string) {
	t.Helper()
	o.do("PUT", "/v2/fleet/organizations/"+o.orgID+"/identity-mode", o.api.root, `{"identity_mode":"`+mode+`"}`, http.StatusOK, nil)
}

// scimOpsGroup provisions, as the organization's real provider would, the
// SCIM group scim-ops, and binds admins to it.
func (o *escOrg) scimOpsGroup(t *testing.T) {
	t.Helper()
	o.identityMode(t, "idp")
	defer o.identityMode(t, "local")
	_, tok := o.scimToken(o.api.root)
	var g struct{ ID string }
	o.scim("POST", "/scim/v2/"+o.orgID+"/Groups", tok, `{`+scimGroupSchema+`,"displayName":"scim-ops","members":[]}`, http.StatusCreated, &g)
	o.do("POST", "/v2/roles/"+o.admins+"/groups/"+g.ID, o.api.root, "", http.StatusCreated, nil)
	o.scimOps = g.ID
}

// sources tries, with token acting as self, to set up a source of
// members and to use it; it returns the login sessions it got.
func (o *escOrg) sources(t *testing.T, token, self string) []string {
	t.Helper()
	o.identityMode(t, "idp")
	defer o.identityMode(t, "local")
	var st struct {
		SCIMToken struct{ Token string } `json:"scim_token"`
	}
	if o.call(t, "POST", "/v2/scim-tokens", token, `{"name":"x"}`, &st) == http.StatusCreated {
		var u struct{ User struct{ Email string } }
		o.do("GET", "/v2/users/"+self, o.api.root, "", http.StatusOK, &u)
		base := "/scim/v2/" + o.orgID
		o.call(t, "POST", base+"/Users", st.SCIMToken.Token, `{`+scimUserSchema+`,"userName":"`+u.User.Email+`","active":true}`, nil)
		o.call(t, "POST", base+"/Users", st.SCIMToken.Token, `{`+scimUserSchema+`,"userName":"admin@localhost","active":true}`, nil)
		o.call(t, "PATCH", base+"/Groups/"+o.scimOps, st.SCIMToken.Token,
			`{`+scimPatchSchema+`,"Operations":[{"op":"add","path":"members","value":[{"value":"`+self+`"},{"value":"`+o.root+`"}]}]}`, nil)
	}
	idp := keywardtest.NewIdP(t, o.srv.URL+"/v2/auth/sso/callback")
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-twin", Username: "twin", Password: "pw-twin", Email: "admin@localhost", Name: "Twin", Groups: []string{"ops"}})
	idp.SetUser(keywardtest.IdPUser{Subject: "sub-sock", Username: "sock", Password: "pw-sock", Email: "sock-idp@evil.example", Name: "Sock", Groups: []string{"ops", "admins"}})
	body := `{"issuer":"` + idp.URL + `","client_id":"` + idp.ClientID + `","client_secret":"` + idp.ClientSecret + `","scopes":["email","profile","groups"]}`
	if o.call(t, "PUT", "/v2/identity-provider", token, body, nil) != http.StatusOK {
		return nil
	}
	var got []string
	for _, who := range []string{"twin", "sock"} {
		b := keywardtest.Browser(t)
		cb, err := idp.Authorize(b, o.srv.URL+"/v2/auth/sso/"+o.orgID, who, "pw-"+who)
		if err != nil {
			t.Fatal(err)
		}
		once := *b
		once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		res, err := once.Get(cb.String())
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != http.StatusCreated {
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("sign-in of %s = %d: an attempt must never be a 5xx", who, res.StatusCode)
			}
			continue
		}
		out, _ := o.api.ssoAnswer(t, "sign-in of "+who, res, http.StatusCreated)
		if !strings.HasPrefix(out.Session.Token, "k") {
			t.Fatalf("sign-in of %s: no session token", who)
		}
		got = append(got, out.Session.Token)
	}
	return got
}

// TestEscalationSourceAdministrator gives the attacker every right but the
// root owner's: it may set up both sources, and still never signs in as
// the root owner through a provider of its own (the provider's person with
// the root owner's email is refused).
func TestEscalationSourceAdministrator(t *testing.T) {
	if testing.Short() {
		t.Skip("the escalation suite is long")
	}
	o := newEscOrg(t, modestDoc)
	o.attach(o.admin, o.mallory)
	o.grants = true
	o.check(t)
}

// TestSourcesNeedWhatTheyHandOut tries both sources with credentials that
// hold the right to set them up but not everything a source hands out:
// each is refused, naming what it lacks, and an administrator's is not.
func TestSourcesNeedWhatTheyHandOut(t *testing.T) {
	const sourceOnly = `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.identityprovider.Update","iam.scimtoken.Create"],"Resource":"*"}]}`
	for _, tc := range []struct {
		name    string
		cred    func(t *testing.T, o *escOrg) string
		lacking string // "" when allowed
	}{
		{"administrator", func(t *testing.T, o *escOrg) string {
			o.attach(o.admin, o.mallory)
			return o.mallorysKey
		}, ""},
		{"member allowed to set up sources only", func(t *testing.T, o *escOrg) string {
			o.attach(o.createPolicy("sources", sourceOnly), o.mallory)
			return o.mallorysKey
		}, "iam.user.Create"},
		{"administrator who may not add members to ops", func(t *testing.T, o *escOrg) string {
			o.attach(o.admin, o.mallory)
			o.attach(o.createPolicy("not-ops", `{"Version":"2026-03-20","Statement":[{"Effect":"Deny","Action":"iam.group.AddMember","Resource":"`+o.ops+`"}]}`), o.mallory)
			return o.mallorysKey
		}, "iam.group.AddMember"},
		{"administrator's key narrowed to sources", func(t *testing.T, o *escOrg) string {
			return o.adaKey(`{"name":"narrow","policy":` + sourceOnly + `}`)
		}, "iam.user.Create"},
		{"administrator's role session with a session policy", func(t *testing.T, o *escOrg) string {
			var s sessionOut
			o.do("POST", "/v2/assumed-roles/assume", o.api.root, `{"user_id":"`+o.ada+`","role_id":"`+o.boss+`","session_name":"s","duration":900,"session_policy":`+sourceOnly+`}`, http.StatusCreated, &s)
			return s.SessionToken
		}, "iam.user.Create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newEscOrg(t, modestDoc)
			token := tc.cred(t, o)
			idp := keywardtest.NewIdP(t, o.srv.URL+"/v2/auth/sso/callback")
			body := `{"issuer":"` + idp.URL + `","client_id":"` + idp.ClientID + `","client_secret":"` + idp.ClientSecret + `"}`
			for _, r := range []struct{ method, path, body string }{
				{"PUT", "/v2/identity-provider", body},
				{"POST", "/v2/scim-tokens", `{"name":"x"}`},
			} {
				status, raw := o.send(t, r.method, r.path, token, r.body)
				switch {
				case tc.lacking == "" && status/100 != 2:
					t.Errorf("%s %s = %d %s, want it allowed", r.method, r.path, status, raw)
				case tc.lacking != "" && (status != http.StatusForbidden || !strings.Contains(string(raw), tc.lacking)):
					t.Errorf("%s %s = %d %s, want 403 naming %s", r.method, r.path, status, raw, tc.lacking)
				}
			}
		})
	}
}

var escLink = regexp.MustCompile(`token=([A-Za-z0-9_\-.%]+)`)

// acceptMailed accepts, as a new account, the invitation mailed to email.
func (o *escOrg) acceptMailed(t *testing.T, email string) []string {
	t.Helper()
	var m struct {
		Mail []struct{ To, Text string } `json:"mail"`
	}
	o.do("GET", "/v2/mail", o.api.root, "", http.StatusOK, &m)
	for _, msg := range m.Mail {
		if msg.To != email {
			continue
		}
		tok := escLink.FindStringSubmatch(msg.Text)
		if tok == nil {
			t.Fatalf("no link in %q", msg.Text)
		}
		tk, _ := url.QueryUnescape(tok[1])
		return o.try(t, "POST", "/v2/invitations/accept", "", `{"token":"`+tk+`","name":"Sock","password":"a rarely used passphrase"}`)
	}
	return nil
}
