package service

import "testing"

// TestAddressKey: an IPv4 address is its own budget's key, in either
// spelling; an IPv6 address shares its /64's.
func TestAddressKey(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"192.0.2.1", "192.0.2.1", true},
		{"192.0.2.1", "::ffff:192.0.2.1", true},
		{"192.0.2.1", "192.0.2.2", false},
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true},
		{"2001:db8:1:2::1", "2001:db8:1:2::1%eth0", true},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"2001:db8:1:2::1", "2001:db8:2:2::1", false},
		{"not an address", "not an address", true},
		{"", "192.0.2.1", false},
	}
	for _, tt := range tests {
		if got := addressKey(tt.a) == addressKey(tt.b); got != tt.same {
			t.Errorf("addressKey(%q) = %q, addressKey(%q) = %q: same %v, want %v", tt.a, addressKey(tt.a), tt.b, addressKey(tt.b), got, tt.same)
		}
	}
}
