package federation

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// PublicClient returns the HTTP client that fetches discovery documents and
// key sets: it connects to public addresses only, so that an issuer URL
// registered by an organization cannot make the server reach loopback,
// private, link-local or other internal addresses (server-side request
// forgery). The check runs on the address actually dialled, after DNS
// resolution and on every redirect. allowPrivate lifts it, for development
// and tests whose issuers run on 127.0.0.1.
func PublicClient(allowPrivate bool) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !allowPrivate {
		d.Control = refusePrivate
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a proxy would dial on our behalf, past the check
	tr.DialContext = d.DialContext
	return &http.Client{Timeout: 10 * time.Second, Transport: tr}
}

// refusePrivate is a net.Dialer Control function that refuses non-public
// destination addresses.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("federation: cannot check address %q: %w", address, err)
	}
	if !Public(ap.Addr()) {
		return fmt.Errorf("federation: issuer address %s is not public; keyward fetches OIDC documents from public addresses only", ap.Addr())
	}
	return nil
}

// Public reports whether a is a public unicast address: not loopback,
// private (RFC 1918, RFC 4193), link-local, unspecified, multicast, or in
// the shared (RFC 6598) or benchmarking ranges.
func Public(a netip.Addr) bool {
	a = a.Unmap()
	switch {
	case !a.IsValid(), a.IsLoopback(), a.IsPrivate(), a.IsLinkLocalUnicast(), a.IsLinkLocalMulticast(),
		a.IsInterfaceLocalMulticast(), a.IsMulticast(), a.IsUnspecified():
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // shared address space (carrier NAT)
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
}
