package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/service"
)

// from returns a client whose requests come from ip, a loopback address
// other than 127.0.0.1 if need be: the server takes the source address
// from the connection.
func from(t *testing.T, ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 200}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

// post sends a JSON body without credentials and returns the status.
func post(t *testing.T, c *http.Client, url, body string) int {
	res, err := c.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// statuses counts answers by status, safe for concurrent use.
type statuses struct {
	mu sync.Mutex
	n  map[int]int
}

func (s *statuses) add(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[int]int{}
	}
	s.n[code]++
}

// burst sends n requests at once, body(i) from clients(i), and counts the
// answers.
func burst(t *testing.T, n int, url string, client func(i int) *http.Client, body func(i int) string) map[int]int {
	var got statuses
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got.add(post(t, client(i), url, body(i))) })
	}
	wg.Wait()
	return got.n
}

func loginBody(password string) string {
	return fmt.Sprintf(`{"email":"erin@example.com","password":%q}`, password)
}

// TestLoginBurstFromOneAddress: 200 wrong passwords at once from one
// address get at most the address's budget on the account checked, the
// rest 429 before any hash; the right password sent once the budget is
// spent, while the burst is still running, is refused too.
func TestLoginBurstFromOneAddress(t *testing.T) {
	a := newAPI(t)
	a.createErin()
	url := a.srv.URL + "/v2/auth/login"
	c := from(t, "127.0.0.1")

	var got statuses
	spent := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for range 199 {
		wg.Go(func() {
			code := post(t, c, url, loginBody("not the passphrase"))
			got.add(code)
			if code == http.StatusTooManyRequests {
				once.Do(func() { close(spent) })
			}
		})
	}
	var right int
	wg.Go(func() {
		<-spent
		right = post(t, c, url, loginBody(erinPassword))
	})
	go func() { // so that the right password is sent even if nothing is refused
		defer once.Do(func() { close(spent) })
		for {
			got.mu.Lock()
			n := 0
			for _, k := range got.n {
				n += k
			}
			got.mu.Unlock()
			if n == 199 {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	wg.Wait()

	budget := service.DefaultLoginLimits.PerAccountAddress
	if checked := 199 - got.n[http.StatusTooManyRequests]; checked > budget {
		t.Errorf("%d of 199 wrong passwords checked (%v), want at most %d", checked, got.n, budget)
	}
	if got.n[http.StatusUnauthorized] != budget || got.n[http.StatusTooManyRequests] != 199-budget {
		t.Errorf("answers %v, want %d × 401 and the rest 429", got.n, budget)
	}
	if right != http.StatusTooManyRequests {
		t.Errorf("the right password after the budget was spent: %d, want 429", right)
	}
}

// TestLoginBurstLocksNobodyElseOut: a burst of wrong passwords from one
// address spends that address's budget on the account, not the account:
// its owner still logs in from another address, and the attacker's
// address stays refused even with the right password.
func TestLoginBurstLocksNobodyElseOut(t *testing.T) {
	a := newAPI(t)
	a.createErin()
	url := a.srv.URL + "/v2/auth/login"
	attacker, erin := from(t, "127.0.0.2"), from(t, "127.0.0.3")

	got := burst(t, 200, url, func(int) *http.Client { return attacker }, func(int) string { return loginBody("not the passphrase") })
	if got[http.StatusUnauthorized] > service.DefaultLoginLimits.PerAccountAddress {
		t.Errorf("the attacker's burst: %v, want at most %d checked", got, service.DefaultLoginLimits.PerAccountAddress)
	}
	tests := []struct {
		name string
		c    *http.Client
		want int
	}{
		{"the owner from another address", erin, http.StatusCreated},
		{"the owner again", erin, http.StatusCreated},
		{"the right password from the attacker's address", attacker, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		if got := post(t, tt.c, url, loginBody(erinPassword)); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
}

// TestLoginRotatingAddresses: wrong passwords from 200 addresses at once
// spend the account's own budget, which bounds them all: at most that
// many are checked, and the owner waits for it to refill, or for an
// administrator to unlock the account.
func TestLoginRotatingAddresses(t *testing.T) {
	const perAccount = 12
	a, clock := newClockedAPI(t, service.Options{LoginLimits: service.LoginLimits{PerAccount: perAccount}})
	erinID, _ := a.createErin()
	url := a.srv.URL + "/v2/auth/login"
	clients := make([]*http.Client, 200)
	for i := range clients {
		clients[i] = from(t, fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250))
	}

	got := burst(t, 200, url, func(i int) *http.Client { return clients[i] }, func(int) string { return loginBody("not the passphrase") })
	if got[http.StatusUnauthorized] != perAccount || got[http.StatusTooManyRequests] != 200-perAccount {
		t.Errorf("200 addresses at once: %v, want %d × 401 and the rest 429", got, perAccount)
	}
	erin := from(t, "127.0.9.9")
	if got := post(t, erin, url, loginBody(erinPassword)); got != http.StatusTooManyRequests {
		t.Errorf("the owner while the account's budget is spent: %d, want 429", got)
	}
	clock.Advance(time.Hour / perAccount)
	if got := post(t, erin, url, loginBody(erinPassword)); got != http.StatusCreated {
		t.Errorf("the owner once a token came back: %d, want 201", got)
	}

	// The success gave its token back; spend the budget again, then
	// unlock.
	got = burst(t, 200, url, func(i int) *http.Client { return clients[i] }, func(int) string { return loginBody("still not the passphrase") })
	if got[http.StatusUnauthorized] != 1 {
		t.Errorf("a second burst: %v, want 1 × 401", got)
	}
	a.do("DELETE", "/v2/users/"+erinID+"/lockout", a.root, "", http.StatusNoContent, nil)
	if got := post(t, erin, url, loginBody(erinPassword)); got != http.StatusCreated {
		t.Errorf("the owner after an unlock: %d, want 201", got)
	}
}

// TestWebIdentityBurstUnreachableIssuer: tokens naming an issuer that
// cannot be reached cost a discovery attempt each, so they spend the
// address's budget like any refusal, and a burst of them is cut off at
// the budget; sessions started do not spend it, every refusal does.
func TestWebIdentityBurstUnreachableIssuer(t *testing.T) {
	f := newFederation(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	var iss issuerBody
	f.do("POST", "/v2/oidc/issuer", f.root, `{"issuer":{"uri":"`+dead.URL+`","audiences":["keyward"]}}`, http.StatusCreated, &iss)
	f.createTrust(`{"role_id":"` + f.role + `","trust_type":"FederatedAssumption","trusted_oidc_issuer_id":"` + iss.Issuer.ID +
		`","claim_conditions":{"sub":"repo:acme/api:*"}}`)

	url := f.srv.URL + "/v2/assumed-roles/assume-with-web-identity"
	body := func(token string) string {
		b, _ := json.Marshal(map[string]any{"role_id": f.role, "organization_id": f.orgID, "web_identity_token": token})
		return string(b)
	}
	forged := body(f.token(t, map[string]any{"iss": dead.URL}))
	c := from(t, "127.0.0.4")
	got := burst(t, 200, url, func(int) *http.Client { return c }, func(int) string { return forged })
	const budget = 20
	if got[http.StatusServiceUnavailable] != budget || got[http.StatusTooManyRequests] != 200-budget {
		t.Errorf("200 forged tokens at once: %v, want %d × 503 and the rest 429", got, budget)
	}
	if got := post(t, c, url, body(f.token(t, nil))); got != http.StatusTooManyRequests {
		t.Errorf("a good token once the budget is spent: %d, want 429", got)
	}

	f.clock.Advance(time.Minute)
	for i := range budget + 5 {
		if got := post(t, c, url, body(f.token(t, nil))); got != http.StatusCreated {
			t.Fatalf("good token %d after the refill: %d, want 201", i, got)
		}
	}
	// A good token asking for a session the role refuses cost a
	// verification: a refusal like any other.
	bad, _ := json.Marshal(map[string]any{"role_id": f.role, "organization_id": f.orgID, "web_identity_token": f.token(t, nil), "duration": 1})
	got = burst(t, 200, url, func(int) *http.Client { return c }, func(int) string { return string(bad) })
	if got[http.StatusBadRequest] != budget || got[http.StatusTooManyRequests] != 200-budget {
		t.Errorf("200 refused session requests at once: %v, want %d × 400 and the rest 429", got, budget)
	}
}

// TestChangePasswordThrottled: a wrong current password spends the same
// budget as a wrong login password, so a stolen session cannot guess it
// faster, and the owner's logins from elsewhere are not held up.
func TestChangePasswordThrottled(t *testing.T) {
	a := newAPI(t)
	a.createErin()
	session := a.login("erin@example.com", erinPassword, "", http.StatusCreated)
	for range service.DefaultLoginLimits.PerAccountAddress {
		a.do("PUT", "/v2/users/me/password", session, `{"current_password":"wrong wrong wrong","new_password":"another long passphrase"}`, http.StatusBadRequest, nil)
	}
	res := a.do("PUT", "/v2/users/me/password", session, `{"current_password":"`+erinPassword+`","new_password":"another long passphrase"}`, http.StatusTooManyRequests, nil)
	if res.Header.Get("Retry-After") == "" {
		t.Error("a throttled password change has no Retry-After")
	}
	a.login("erin@example.com", erinPassword, "", http.StatusTooManyRequests)
	if got := post(t, from(t, "127.0.0.5"), a.srv.URL+"/v2/auth/login", loginBody(erinPassword)); got != http.StatusCreated {
		t.Errorf("login from another address: %d, want 201", got)
	}
}
