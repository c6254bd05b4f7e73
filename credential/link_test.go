package credential

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
)

// fuzzInvitation is the invitation the link fuzz targets sign.
var fuzzInvitation = &keyward.Invitation{
	ID: "0193a000-0000-7000-8000-0000000000c1", OrgID: "0193a000-0000-7000-8000-0000000000a1",
	Nonce: "00112233445566778899aabbccddeeff", ExpiresAt: time.Unix(1_800_000_000, 0),
}

// fuzzLink is the link of fuzzInvitation signed with key.
func fuzzLink(key []byte) Link {
	i := fuzzInvitation
	return NewLink(key, i.ID, i.OrgID, i.ExpiresAt.Unix(), i.Nonce)
}

// linkSeeds are link tokens and near misses of them.
func linkSeeds() []string {
	good := fuzzLink([]byte("fuzz key")).String()
	parts := strings.Split(good, ".")
	join := func(p ...string) string { return strings.Join(p, ".") }
	mac := parts[3]
	return []string{
		good,
		" " + good + "\n",
		join(parts[0], parts[1], "+"+parts[2], mac),
		join(parts[0], parts[1], "0"+parts[2], mac),
		join(parts[0], parts[1], "-"+parts[2], mac),
		join(parts[0], parts[1], "99999999999999999999", mac),
		join(parts[0], strings.ToUpper(parts[1]), parts[2], mac),
		join(strings.ToUpper(parts[0]), parts[1], parts[2], mac),
		join(parts[0], parts[1][1:], parts[2], mac),
		join(parts[0], parts[1], parts[2], mac[:len(mac)-1]+"B"),
		join(parts[0], parts[1], parts[2], mac[:20]+"\n"+mac[20:]),
		join(parts[0], parts[1], parts[2], mac+"="),
		join(parts[0], parts[1], parts[2], strings.ReplaceAll(mac, "-", "+")),
		join(parts[0], parts[1], parts[2], mac, ""),
		join(parts[0], parts[1], parts[2]),
		"", ".", "...", "....",
	}
}

// FuzzParseLink checks that ParseLink never panics and takes only a token
// that String's spelling gives back (less surrounding white space), with a
// canonical id and nonce and a whole MAC.
func FuzzParseLink(f *testing.F) {
	for _, s := range linkSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		l, ok := ParseLink(token)
		if !ok {
			if l.ID != "" || l.Nonce != "" || l.Expires != 0 || l.MAC != nil {
				t.Fatalf("ParseLink(%q) refused it but returned %+v", token, l)
			}
			return
		}
		if !keyward.ValidID(string(l.ID)) || len(l.Nonce) != 32 || !LowerHex(l.Nonce) || len(l.MAC) != 32 {
			t.Fatalf("ParseLink(%q) = %+v", token, l)
		}
		if got := l.String(); got != strings.TrimSpace(token) {
			t.Fatalf("ParseLink(%q) reads back as %q", token, got)
		}
	})
}

// FuzzLinkSignature signs a link with a fuzzed key and checks that a
// fuzzed token verifies exactly when it is that link (less surrounding
// white space), and never under another key or for another organization.
func FuzzLinkSignature(f *testing.F) {
	for _, key := range []string{"fuzz key", "", strings.Repeat("k", 64), strings.Repeat("k", 65)} {
		good := fuzzLink([]byte(key)).String()
		f.Add([]byte(key), good)
		for _, s := range linkSeeds() {
			f.Add([]byte(key), strings.Replace(s, fuzzLink([]byte("fuzz key")).String(), good, 1))
		}
	}
	f.Fuzz(func(t *testing.T, key []byte, altered string) {
		inv := fuzzInvitation
		token := fuzzLink(key).String()
		l, ok := ParseLink(altered)
		verified := ok && l.SignedBy(key, inv.OrgID)
		if want := strings.TrimSpace(altered) == token; verified != want {
			t.Fatalf("key %q: %q, %q altered, verified = %v, want %v", key, altered, token, verified, want)
		}
		if verified && (l.ID != inv.ID || l.Nonce != inv.Nonce || l.Expires != inv.ExpiresAt.Unix()) {
			t.Fatalf("%q verified as %+v, want the parts of %+v", altered, l, inv)
		}
		other := []byte{1}
		if len(key) > 0 {
			other = bytes.Clone(key)
			other[0] ^= 1
		}
		if l, ok := ParseLink(token); !ok || l.SignedBy(other, inv.OrgID) || l.SignedBy(key, "0193a000-0000-7000-8000-0000000000a2") {
			t.Fatalf("%q: parsed %v, or verified under key %q or another organization", token, ok, other)
		}
	})
}
