package httpapi_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/service"
)

// TestBurstFromOneIPv6Prefix: the budgets of a source address are those
// of its /64 when it is IPv6, since whoever holds one address of a /64
// holds them all: 200 attempts at once from 200 addresses of one /64 get
// no more checked than one address would, and an address of the next /64
// is not held up. Behind a trusted proxy, X-Forwarded-For names them.
func TestBurstFromOneIPv6Prefix(t *testing.T) {
	trusted, err := httpapi.ParseTrustedProxies("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	a := newAPIOn(t, service.Options{}, nil, func(c *httpapi.Config) { c.TrustedProxies = trusted })
	a.createErin()
	c := from(t, "127.0.0.1")
	login, nowhere := a.srv.URL+"/v2/auth/login", a.srv.URL+"/v2/auth/sso/0192f4a0-0000-7000-8000-000000000000"
	tests := []struct {
		name    string
		send    func(addr string) answer
		budget  int
		checked int
	}{
		{"login", func(addr string) answer {
			return call(t, c, "POST", login, loginBody("not the passphrase"), "X-Forwarded-For", addr)
		}, service.DefaultLoginLimits.PerAccountAddress, http.StatusUnauthorized},
		{"single sign-on", func(addr string) answer {
			return call(t, c, "GET", nowhere, "", "X-Forwarded-For", addr)
		}, 30, http.StatusNotFound},
	}
	for _, tt := range tests {
		var mu sync.Mutex
		got := map[int]int{}
		var wg sync.WaitGroup
		for i := range 200 {
			wg.Go(func() {
				a := tt.send(fmt.Sprintf("2001:db8:1:2::%x", i+1))
				mu.Lock()
				defer mu.Unlock()
				got[a.status]++
			})
		}
		wg.Wait()
		if got[tt.checked] != tt.budget || got[http.StatusTooManyRequests] != 200-tt.budget {
			t.Errorf("%s: 200 addresses of one /64 at once: %v, want %d × %d and the rest 429", tt.name, got, tt.budget, tt.checked)
		}
		if a := tt.send("2001:db8:1:3::1"); a.status != tt.checked {
			t.Errorf("%s: an address of the next /64: %d, want %d", tt.name, a.status, tt.checked)
		}
	}
}
