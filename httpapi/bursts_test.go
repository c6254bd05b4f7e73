package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// burstAnswer is what a burst test reads of a response: its status, and its
// Retry-After header.
type burstAnswer struct {
	status     int
	retryAfter string
}

// call sends one request from c, following no redirect, and returns its
// answer; header is pairs of names and values.
func call(t *testing.T, c *http.Client, method, url, body string, header ...string) burstAnswer {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return burstAnswer{}
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	once := *c
	once.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := once.Do(req)
	if err != nil {
		t.Error(err)
		return burstAnswer{}
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return burstAnswer{res.StatusCode, res.Header.Get("Retry-After")}
}

// waits reports whether a is a 429 whose Retry-After is a whole number
// of seconds, at least 1.
func (a burstAnswer) waits() bool {
	n, err := strconv.Atoi(a.retryAfter)
	return a.status == http.StatusTooManyRequests && err == nil && n >= 1
}

// attempts is one throttle as a burst test drives it. wrong makes an
// attempt the throttle charges (a wrong secret, a refused link, an
// email sent), right one it must let through while the budget holds a
// token; both are sent from c. elsewhere is the right attempt that a
// spent budget must not refuse (the same secret from another address,
// or mail to another person): the throttle locks nobody else out; nil
// means the right attempt from another address.
// advance moves the server's clock; nil when the server runs on the
// real clock.
type attempts struct {
	wrong, right func(c *http.Client) burstAnswer
	elsewhere    func() burstAnswer
	advance      func(time.Duration) time.Time
}

// throttles is every throttle of a secret, or of costly work, that a
// caller of the HTTP API can reach, with its documented budget for one
// source address (or, for invitation emails, one recipient), how long it
// takes to refill whole, and the status of an attempt that was checked
// and of one that was let through.
var throttles = []struct {
	name             string
	route            string // the route of httpapi.Routes() it is on; "" for the console's pages
	budget           int
	window           time.Duration
	checked, allowed int
	setup            func(t *testing.T) attempts
}{
	{"login: the password", "POST /v2/auth/login", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusUnauthorized, http.StatusCreated, func(t *testing.T) attempts {
			a, clock := newClockedAPI(t, service.Options{})
			a.createErin()
			url := a.srv.URL + "/v2/auth/login"
			return attempts{
				wrong: func(c *http.Client) burstAnswer { return call(t, c, "POST", url, loginBody("not the passphrase")) },
				right: func(c *http.Client) burstAnswer { return call(t, c, "POST", url, loginBody(erinPassword)) },
				elsewhere: func() burstAnswer {
					return call(t, from(t, "127.0.3.1"), "POST", url, loginBody(erinPassword))
				},
				advance: clock.Advance,
			}
		}},
	{"login: the second factor", "POST /v2/auth/login", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusUnauthorized, http.StatusCreated, func(t *testing.T) attempts {
			a, clock, _, secret := enrolledErin(t)
			url := a.srv.URL + "/v2/auth/login"
			body := func(code string) string {
				return fmt.Sprintf(`{"email":"erin@example.com","password":%q,"totp_code":%q}`, erinPassword, code)
			}
			wrong := body(wrongCodeAt(t, secret, clock.Now()))
			right := func(c *http.Client) burstAnswer {
				return call(t, c, "POST", url, body(keywardtest.TOTPCode(t, secret, clock.Now())))
			}
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return call(t, c, "POST", url, wrong) },
				right:   right,
				advance: clock.Advance,
			}
		}},
	{"change password: the current one", "PUT /v2/users/me/password", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusBadRequest, http.StatusNoContent, func(t *testing.T) attempts {
			a, clock := newClockedAPI(t, service.Options{})
			a.createErin()
			session := a.login("erin@example.com", erinPassword, "", http.StatusCreated)
			url := a.srv.URL + "/v2/users/me/password"
			current, next := erinPassword, "another long passphrase"
			change := func(c *http.Client, from string) burstAnswer {
				return call(t, c, "PUT", url, fmt.Sprintf(`{"current_password":%q,"new_password":%q}`, from, next),
					"Authorization", "Bearer "+session)
			}
			right := func(c *http.Client) burstAnswer {
				got := change(c, current)
				if got.status == http.StatusNoContent {
					current, next = next, current
				}
				return got
			}
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return change(c, "wrong wrong wrong") },
				right:   right,
				advance: clock.Advance,
			}
		}},
	{"confirm a second factor: its code", "POST /v2/users/me/mfa/totp/confirm", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusUnauthorized, http.StatusOK, func(t *testing.T) attempts {
			a, clock := newClockedAPI(t, service.Options{})
			erin, key := a.createErin()
			url := a.srv.URL + "/v2/users/me/mfa/totp/confirm"
			pending := func() string {
				var e struct {
					TOTP struct{ Secret string } `json:"totp"`
				}
				a.do("POST", "/v2/users/me/mfa/totp", key, "", http.StatusCreated, &e)
				return e.TOTP.Secret
			}
			secret := pending()
			confirm := func(c *http.Client, code string) burstAnswer {
				return call(t, c, "POST", url, fmt.Sprintf(`{"totp_code":%q}`, code), "Authorization", "Bearer "+key)
			}
			right := func(c *http.Client) burstAnswer {
				got := confirm(c, keywardtest.TOTPCode(t, secret, clock.Now()))
				if got.status == http.StatusOK { // start over: an administrator resets it
					a.do("DELETE", "/v2/users/"+erin+"/mfa", a.root, "", http.StatusNoContent, nil)
					secret = pending()
				}
				return got
			}
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return confirm(c, wrongCodeAt(t, secret, clock.Now())) },
				right:   right,
				advance: clock.Advance,
			}
		}},
	{"disable a second factor: its code", "DELETE /v2/users/me/mfa/totp", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusUnauthorized, http.StatusNoContent, func(t *testing.T) attempts {
			a, clock, key, secret := enrolledErin(t)
			url := a.srv.URL + "/v2/users/me/mfa/totp"
			disable := func(c *http.Client, code string) burstAnswer {
				return call(t, c, "DELETE", url, fmt.Sprintf(`{"totp_code":%q}`, code), "Authorization", "Bearer "+key)
			}
			right := func(c *http.Client) burstAnswer {
				got := disable(c, keywardtest.TOTPCode(t, secret, clock.Now()))
				if got.status == http.StatusNoContent { // start over
					secret, _ = a.enroll(key, clock)
					clock.Advance(30 * time.Second)
				}
				return got
			}
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return disable(c, wrongCodeAt(t, secret, clock.Now())) },
				right:   right,
				advance: clock.Advance,
			}
		}},
	{"assume with web identity: the token", "POST /v2/assumed-roles/assume-with-web-identity", 20, time.Minute,
		http.StatusUnauthorized, http.StatusCreated, func(t *testing.T) attempts {
			f := newFederation(t)
			url := f.srv.URL + "/v2/assumed-roles/assume-with-web-identity"
			body := func(token string) string {
				b, _ := json.Marshal(map[string]any{"role_id": f.role, "organization_id": f.orgID, "web_identity_token": token})
				return string(b)
			}
			wrong := body(f.token(t, nil, keywardtest.WithAlg("none")))
			right := func(c *http.Client) burstAnswer { return call(t, c, "POST", url, body(f.token(t, nil))) }
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return call(t, c, "POST", url, wrong) },
				right:   right,
				advance: f.clock.Advance,
			}
		}},
	{"AWS STS: the web identity token", "POST /v2/assumed-roles/compatibility/aws/sts", 20, time.Minute,
		http.StatusBadRequest, http.StatusOK, func(t *testing.T) attempts {
			f := newFederation(t)
			assume := func(c *http.Client, token string) burstAnswer {
				form := url.Values{"Action": {"AssumeRoleWithWebIdentity"}, "Version": {"2011-06-15"}, "RoleSessionName": {"burst"},
					"RoleArn": {*f.roleArn(f.role)}, "WebIdentityToken": {token}}
				return stsCall(t, c, f.srv.URL+"/v2/assumed-roles/compatibility/aws/sts", form)
			}
			wrong := f.token(t, nil, keywardtest.WithAlg("none"))
			right := func(c *http.Client) burstAnswer { return assume(c, f.token(t, nil)) }
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return assume(c, wrong) },
				right:   right,
				advance: f.clock.Advance,
			}
		}},
	{"single sign-on: starting one", "GET /v2/auth/sso/{organization_id}", 30, time.Minute,
		http.StatusNotFound, http.StatusFound, func(t *testing.T) attempts {
			s := newSSOAPI(t)
			nowhere := s.srv.URL + "/v2/auth/sso/0192f4a0-0000-7000-8000-000000000000"
			right := func(c *http.Client) burstAnswer { return call(t, c, "GET", s.srv.URL+"/v2/auth/sso/"+s.orgID, "") }
			return attempts{
				wrong: func(c *http.Client) burstAnswer { return call(t, c, "GET", nowhere, "") },
				right: right,
			}
		}},
	{"single sign-on: the callback", "GET /v2/auth/sso/callback", 30, time.Minute,
		http.StatusUnauthorized, http.StatusCreated, func(t *testing.T) attempts {
			s := newSSOAPI(t)
			forged := s.srv.URL + "/v2/auth/sso/callback?state=forged&code=forged"
			right := func(c *http.Client) burstAnswer {
				jar, err := cookiejar.New(nil)
				if err != nil {
					t.Fatal(err)
				}
				browser := &http.Client{Transport: c.Transport, Jar: jar}
				cb, err := s.idp.Authorize(browser, s.srv.URL+"/v2/auth/sso/"+s.orgID, "ada", "pw-ada")
				if err != nil {
					t.Fatal(err)
				}
				return call(t, browser, "GET", cb.String(), "")
			}
			return attempts{
				wrong: func(c *http.Client) burstAnswer { return call(t, c, "GET", forged, "") },
				right: right,
			}
		}},
	{"SAML: the assertion", "POST /v2/auth/saml/{organization_id}/acs", 30, time.Minute,
		http.StatusUnauthorized, http.StatusCreated, func(t *testing.T) attempts {
			s := newSAMLAPI(t)
			// so that a forged response gets as far as its verification
			s.samlOrg(s.orgID, s.root, `,"allow_idp_initiated":true`)
			acs := s.acs(s.orgID)
			post := func(c *http.Client, form url.Values) burstAnswer {
				return call(t, c, "POST", acs, form.Encode(), "Content-Type", "application/x-www-form-urlencoded")
			}
			right := func(c *http.Client) burstAnswer { return post(c, s.spInitiated(s.orgID, "").Values()) }
			return attempts{
				wrong: func(c *http.Client) burstAnswer { return post(c, url.Values{"SAMLResponse": {"Zm9yZ2Vk"}}) },
				right: right,
			}
		}},
	{"invitation link: accepting it", "POST /v2/invitations/accept", 20, time.Minute,
		http.StatusBadRequest, http.StatusCreated, func(t *testing.T) attempts {
			m := newMailAPI(t, false)
			url := m.srv.URL + "/v2/invitations/accept"
			accept := func(c *http.Client, token string) burstAnswer {
				return call(t, c, "POST", url, fmt.Sprintf(`{"token":%q,"name":"New","password":"correct horse battery"}`, token))
			}
			right := func(c *http.Client) burstAnswer { return accept(c, m.freshLink()) }
			forged := m.freshLink() + "x"
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return accept(c, forged) },
				right:   right,
				advance: m.clock.Advance,
			}
		}},
	{"invitation link: reading it", "GET /v2/invitations/accept", 20, time.Minute,
		http.StatusBadRequest, http.StatusOK, func(t *testing.T) attempts {
			m := newMailAPI(t, false)
			describe := func(c *http.Client, token string) burstAnswer {
				return call(t, c, "GET", m.srv.URL+"/v2/invitations/accept?token="+url.QueryEscape(token), "")
			}
			link := m.freshLink()
			right := func(c *http.Client) burstAnswer { return describe(c, link) }
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return describe(c, link+"x") },
				right:   right,
				advance: m.clock.Advance,
			}
		}},
	{"console sign-in: the password", "", service.DefaultLoginLimits.PerAccountAddress, 10 * time.Minute,
		http.StatusUnauthorized, http.StatusSeeOther, func(t *testing.T) attempts {
			a, clock := newClockedAPI(t, service.Options{})
			a.createErin()
			signIn := func(c *http.Client, password string) burstAnswer {
				return a.page(t, c, "/login", url.Values{"email": {"erin@example.com"}, "password": {password}})
			}
			right := func(c *http.Client) burstAnswer { return signIn(c, erinPassword) }
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return signIn(c, "not the passphrase") },
				right:   right,
				advance: clock.Advance,
			}
		}},
	{"console invitation: accepting it", "", 20, time.Minute,
		http.StatusBadRequest, http.StatusSeeOther, func(t *testing.T) attempts {
			m := newMailAPI(t, false)
			accept := func(c *http.Client, token string) burstAnswer {
				return m.page(t, c, "/invitation", url.Values{"token": {token}, "name": {"New"}, "password": {"correct horse battery"}})
			}
			right := func(c *http.Client) burstAnswer { return accept(c, m.freshLink()) }
			forged := m.freshLink() + "x"
			return attempts{
				wrong:   func(c *http.Client) burstAnswer { return accept(c, forged) },
				right:   right,
				advance: m.clock.Advance,
			}
		}},
	{"invitation emails: to one person", "POST /v2/invitation/{invitation_id}/resend", 5 - 1, time.Hour, // the invitation's first email spent one
		http.StatusOK, http.StatusOK, func(t *testing.T) attempts {
			m := newMailAPI(t, false)
			id := m.invite(`{"email_invited":"victim@example.com"}`)
			resend := func(c *http.Client) burstAnswer {
				return call(t, c, "POST", m.srv.URL+"/v2/invitation/"+id+"/resend", "", "Authorization", "Bearer "+m.root)
			}
			return attempts{
				wrong: resend,
				right: resend,
				elsewhere: func() burstAnswer {
					other := m.invite(`{"email_invited":"someone-else@example.com"}`)
					return call(t, http.DefaultClient, "POST", m.srv.URL+"/v2/invitation/"+other+"/resend", "", "Authorization", "Bearer "+m.root)
				},
				advance: m.clock.Advance,
			}
		}},
}

// TestEveryThrottleUnderABurst: for every throttle, 200 concurrent
// charged attempts from one address get exactly the budget checked and
// every other one a 429 with Retry-After; the right attempt from that
// address is then refused too, while it still goes through from
// elsewhere; and, on a server with a fake clock, once the window has
// passed it goes through from the attacker's address as well.
func TestEveryThrottleUnderABurst(t *testing.T) {
	for _, tt := range throttles {
		t.Run(tt.name, func(t *testing.T) {
			at := tt.setup(t)
			attacker := from(t, "127.0.2.1")

			var mu sync.Mutex
			got, silent := map[int]int{}, 0
			var wg sync.WaitGroup
			for range 200 {
				wg.Go(func() {
					a := at.wrong(attacker)
					mu.Lock()
					defer mu.Unlock()
					got[a.status]++
					if a.status == http.StatusTooManyRequests && !a.waits() {
						silent++
					}
				})
			}
			wg.Wait()
			if got[tt.checked] != tt.budget || got[http.StatusTooManyRequests] != 200-tt.budget {
				t.Errorf("200 attempts at once: %v, want %d × %d and the rest 429", got, tt.budget, tt.checked)
			}
			if silent > 0 {
				t.Errorf("%d answers 429 without a Retry-After of whole seconds", silent)
			}
			if a := at.right(attacker); !a.waits() {
				t.Errorf("the right attempt once the budget is spent: %+v, want 429 with Retry-After", a)
			}
			elsewhere := at.elsewhere
			if elsewhere == nil {
				elsewhere = func() burstAnswer { return at.right(from(t, "127.0.3.1")) }
			}
			if a := elsewhere(); a.status != tt.allowed {
				t.Errorf("the right attempt from elsewhere: %d, want %d", a.status, tt.allowed)
			}
			if at.advance == nil {
				return
			}
			at.advance(tt.window)
			if a := at.right(attacker); a.status != tt.allowed {
				t.Errorf("the right attempt once the window has passed: %d, want %d", a.status, tt.allowed)
			}
		})
	}
}

// freshLink invites a new address as the root owner, through the
// development outbox, and returns the token of its link.
func (m *mailAPI) freshLink() string {
	m.t.Helper()
	email := fmt.Sprintf("new-%d@example.com", time.Now().UnixNano())
	id := m.invite(`{"email_invited":"` + email + `"}`)
	var outbox struct {
		Messages []struct {
			Text  string
			RefID string `json:"ref_id"`
		} `json:"messages"`
	}
	m.do("GET", "/v2/mail?per_page=500", m.root, "", http.StatusOK, &outbox)
	for _, msg := range outbox.Messages {
		if msg.RefID == id {
			return token(m.t, linkPattern.FindString(msg.Text))
		}
	}
	m.t.Fatalf("no email for invitation %s", id)
	return ""
}

// page posts form to the console's page at path from c, as the page's own
// form does (same origin).
func (a *api) page(t *testing.T, c *http.Client, path string, form url.Values) burstAnswer {
	return call(t, c, "POST", a.srv.URL+path, form.Encode(), "Content-Type", "application/x-www-form-urlencoded", "Origin", a.srv.URL)
}

// stsCall posts form to the STS endpoint from c. STS answers a spent
// budget as AWS does, 400 with the error code Throttling: stsCall reads
// that answer as the 429 it stands for, and any other as its status.
func stsCall(t *testing.T, c *http.Client, endpoint string, form url.Values) burstAnswer {
	req, err := http.NewRequest("POST", endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		t.Error(err)
		return burstAnswer{}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(req)
	if err != nil {
		t.Error(err)
		return burstAnswer{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	a := burstAnswer{res.StatusCode, res.Header.Get("Retry-After")}
	if a.status == http.StatusBadRequest && strings.Contains(string(b), "<Code>Throttling</Code>") {
		a.status = http.StatusTooManyRequests
	}
	return a
}
