package service

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// fuzzInvitation is the invitation the link fuzz targets sign.
var fuzzInvitation = &keyward.Invitation{
	ID: "0193a000-0000-7000-8000-0000000000c1", OrgID: "0193a000-0000-7000-8000-0000000000a1",
	Nonce: "00112233445566778899aabbccddeeff", ExpiresAt: time.Unix(1_800_000_000, 0),
}

// linkSeeds are link tokens and near misses of them.
func linkSeeds() []string {
	good := linkToken([]byte("fuzz key"), fuzzInvitation)
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

// FuzzParseLink checks that parseLink never panics, refuses with the one
// errBadLink, and takes only a token that linkToken's spelling gives back
// (less surrounding white space), with a canonical id and nonce and a
// whole MAC.
func FuzzParseLink(f *testing.F) {
	for _, s := range linkSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		l, err := parseLink(token)
		if err != nil {
			if e := keyward.AsError(err); e == nil || e.Code != keyward.CodeInvalid || e.Field != "token" {
				t.Fatalf("parseLink(%q): %v, want CodeInvalid for token", token, err)
			}
			return
		}
		if !keyward.ValidID(string(l.id)) || len(l.nonce) != 32 || !lowerHex(l.nonce) || len(l.mac) != 32 {
			t.Fatalf("parseLink(%q) = %+v", token, l)
		}
		if got := l.String(); got != strings.TrimSpace(token) {
			t.Fatalf("parseLink(%q) reads back as %q", token, got)
		}
	})
}

// FuzzLinkSignature signs a link with a fuzzed key, alters it and checks
// that it verifies exactly when it is unchanged, and never under another
// key.
func FuzzLinkSignature(f *testing.F) {
	for _, key := range []string{"fuzz key", "", strings.Repeat("k", 64), strings.Repeat("k", 65)} {
		f.Add([]byte(key), uint16(0), uint16(0), "")
		f.Add([]byte(key), uint16(60), uint16(1), "0")
		f.Add([]byte(key), uint16(70), uint16(0), "0")
		f.Add([]byte(key), uint16(70), uint16(0), "+")
		f.Add([]byte(key), uint16(200), uint16(1), "A")
		f.Add([]byte(key), uint16(200), uint16(0), "\r\n")
		f.Add([]byte(key), uint16(0), uint16(0), " ")
	}
	f.Fuzz(func(t *testing.T, key []byte, from, to uint16, with string) {
		inv := fuzzInvitation
		token := linkToken(key, inv)
		altered := splice(token, from, to, with)
		l, err := parseLink(altered)
		verified := err == nil && l.signedBy(key, inv.OrgID)
		if want := strings.TrimSpace(altered) == token; verified != want {
			t.Fatalf("key %q: %q, %q altered, verified = %v, want %v", key, altered, token, verified, want)
		}
		if verified && (l.id != inv.ID || l.nonce != inv.Nonce || l.expires != inv.ExpiresAt.Unix()) {
			t.Fatalf("%q verified as %+v, want the parts of %+v", altered, l, inv)
		}
		other := []byte{1}
		if len(key) > 0 {
			other = bytes.Clone(key)
			other[0] ^= 1
		}
		if l, err := parseLink(token); err != nil || l.signedBy(other, inv.OrgID) || l.signedBy(key, "0193a000-0000-7000-8000-0000000000a2") {
			t.Fatalf("%q: parse error %v, or verified under key %q or another organization", token, err, other)
		}
	})
}

// FuzzDescribeInvitation alters the link of a stored invitation and checks
// that the service describes the invitation exactly when the link is
// unchanged, refusing every other one as invalid (never with a server
// error).
func FuzzDescribeInvitation(f *testing.F) {
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	svc := New(keywardtest.OpenStore(f), Options{InvitationKey: key})
	rootToken, _, err := svc.Bootstrap(ctx, BootstrapInput{})
	if err != nil {
		f.Fatal(err)
	}
	root, err := svc.Authenticate(ctx, rootToken)
	if err != nil {
		f.Fatal(err)
	}
	inv, err := svc.CreateInvitation(keyward.NewContextWithPrincipal(ctx, root), InvitationInput{Email: "ada@example.com"})
	if err != nil {
		f.Fatal(err)
	}
	token := linkToken(key, inv)
	for _, s := range [][2]uint16{{0, 0}, {0, 36}, {37, 1}, {70, 1}, {80, 0}, {90, 3}, {200, 1}} {
		f.Add(s[0], s[1], "")
		f.Add(s[0], s[1], "0")
		f.Add(s[0], s[1], "a.")
	}
	f.Fuzz(func(t *testing.T, from, to uint16, with string) {
		altered := splice(token, from, to, with)
		d, err := svc.DescribeInvitation(ctx, altered)
		switch want := strings.TrimSpace(altered) == token; {
		case want && (err != nil || d.ID != inv.ID):
			t.Fatalf("DescribeInvitation(%q), the issued link: %+v, %v", altered, d, err)
		case !want && err == nil:
			t.Fatalf("DescribeInvitation(%q), %q altered, took it: %+v", altered, token, d)
		case !want && keyward.ErrorCode(err) != keyward.CodeInvalid:
			t.Fatalf("DescribeInvitation(%q): %v, want CodeInvalid", altered, err)
		}
	})
}
