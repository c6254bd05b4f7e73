package federation

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestPublic(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"140.82.112.3", true},
		{"2606:4700::1111", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fd00::1", false},
		{"fe80::1", false},
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"::ffff:127.0.0.1", false},
		{"224.0.0.1", false},
	} {
		if got := Public(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("Public(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

// TestPublicClient checks that the client refuses to fetch from a server
// on loopback unless private addresses are allowed.
func TestPublicClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := PublicClient(false).Get(srv.URL)
	if err == nil || !strings.Contains(err.Error(), "not public") {
		t.Errorf("public client to %s: err = %v, want a refusal", srv.URL, err)
	}
	res, err := PublicClient(true).Get(srv.URL)
	if err != nil {
		t.Fatalf("client allowing private addresses: %v", err)
	}
	res.Body.Close()
}
