package httpapi_test

import (
	"net/http"
	"net/netip"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/service"
)

// TestTrustedProxies: behind a trusted proxy, X-Forwarded-For is the
// source address a policy's keyward:SourceIp condition and the audit trail
// see; from any other peer the header is ignored, and what a client
// writes to the left of the proxies' entries is never believed.
func TestTrustedProxies(t *testing.T) {
	trusted, err := httpapi.ParseTrustedProxies("127.0.0.2, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	a := newAPIOn(t, service.Options{}, nil, func(c *httpapi.Config) { c.TrustedProxies = trusted })
	bob, key := a.createUser(`{"email":"bob@example.com","name":"Bob","api_enabled":true}`)
	a.attach(a.createPolicy("office-only", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":["iam.user.List"],"Resource":["*"],
		"Condition":{"IpAddress":{"keyward:SourceIp":["203.0.113.0/24"]}}}]}`), bob)

	proxy, stranger := from(t, "127.0.0.2"), from(t, "127.0.0.3")
	tests := []struct {
		name   string
		client *http.Client
		xff    string
		want   int
	}{
		{"the proxy forwards an office address", proxy, "203.0.113.9", http.StatusOK},
		{"through two trusted proxies", proxy, "203.0.113.9, 10.1.2.3", http.StatusOK},
		{"the proxy forwards another address", proxy, "198.51.100.1", http.StatusForbidden},
		{"a client's own entry left of the proxy's", proxy, "203.0.113.9, 198.51.100.1", http.StatusForbidden},
		{"an entry that does not parse stops at the proxy", proxy, "203.0.113.9, not-an-address", http.StatusForbidden},
		{"the proxy sends no header", proxy, "", http.StatusForbidden},
		{"an untrusted peer claims an office address", stranger, "203.0.113.9", http.StatusForbidden},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest("GET", a.srv.URL+"/v2/users", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		if tt.xff != "" {
			req.Header.Set("X-Forwarded-For", tt.xff)
		}
		res, err := tt.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, res.StatusCode, tt.want)
		}
	}

	var events struct {
		Events []struct {
			Action   string `json:"action"`
			SourceIP string `json:"source_ip"`
		} `json:"audit_events"`
	}
	a.do("GET", "/v2/audit-events?action=iam.user.List&refusals=true", a.root, "", http.StatusOK, &events)
	got := map[string]bool{}
	for _, e := range events.Events {
		got[e.SourceIP] = true
	}
	for _, want := range []string{"198.51.100.1", "127.0.0.2", "127.0.0.3"} {
		if !got[want] {
			t.Errorf("the refusals' audit events came from %v, want one from %s", got, want)
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    []netip.Prefix
		wantErr bool
	}{
		{"", nil, false},
		{"10.0.0.0/8", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, false},
		{" 10.1.2.3/8 , 192.0.2.7,2001:db8::/32", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.0.2.7/32"), netip.MustParsePrefix("2001:db8::/32")}, false},
		{"::ffff:192.0.2.7", []netip.Prefix{netip.MustParsePrefix("192.0.2.7/32")}, false},
		{"10.0.0.0/33", nil, true},
		{"proxy.example.com", nil, true},
	}
	for _, tt := range tests {
		got, err := httpapi.ParseTrustedProxies(tt.in)
		if (err != nil) != tt.wantErr || len(got) != len(tt.want) {
			t.Errorf("ParseTrustedProxies(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("ParseTrustedProxies(%q)[%d] = %v, want %v", tt.in, i, got[i], tt.want[i])
			}
		}
	}
}
