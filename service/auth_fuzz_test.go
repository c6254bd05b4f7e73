package service

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
	"github.com/keyward-iam/keyward/keywardtest"
)

// tokenFormats are the bearer token formats of Authenticate, each with its
// parser reduced to (id, secret, ok).
var tokenFormats = []struct {
	prefix string
	parse  func(token string) (id, secret string, ok bool)
}{
	{keyward.APIKeyPrefix, func(token string) (string, string, bool) {
		id, secret, ok := parseToken(token)
		return string(id), secret, ok
	}},
	{keyward.LoginSessionPrefix, func(token string) (string, string, bool) {
		id, secret, ok := parseSessionToken(token)
		return string(id), secret, ok
	}},
	{keyward.SessionTokenPrefix, func(token string) (string, string, bool) {
		id, sum, ok := parseRoleSessionToken(token)
		if !ok {
			if sum != [32]byte{} {
				return string(id), "<the hash of a secret>", false
			}
			return string(id), "", false
		}
		// The parser hands out only the secret's hash; the secret is
		// what follows the id, and the hash must be of it.
		secret := token[len(keyward.SessionTokenPrefix)+37:]
		if sha256.Sum256([]byte(secret)) != sum {
			return string(id), "<hash of another secret>", true
		}
		return string(id), secret, true
	}},
}

// tokenSeeds are tokens in each format and near misses of them.
func tokenSeeds() []string {
	const id = "0193a000-0000-7000-8000-000000000011"
	secret := strings.Repeat("0123456789abcdef", 4)
	var seeds []string
	for _, p := range []string{keyward.APIKeyPrefix, keyward.LoginSessionPrefix, keyward.SessionTokenPrefix} {
		seeds = append(seeds,
			p+id+"_"+secret,
			p+strings.ToUpper(id)+"_"+secret,
			p+id+"_"+strings.ToUpper(secret),
			p+id+"_"+secret[1:],
			p+id+"_"+secret+"0",
			p+id+"_"+secret[:63]+"g",
			p+id+"_"+secret[:63]+"\n",
			p+id+"-"+secret,
			p+id+secret,
			p+"{"+id[1:35]+"}_"+secret,
			p+id+"_"+secret+"_"+secret,
			" "+p+id+"_"+secret,
			p,
		)
	}
	return append(seeds, "", "kw", "kws", "kw_kws_"+id+"_"+secret, "Bearer kw_"+id+"_"+secret, "kw_"+id+"_"+strings.Repeat("é", 32))
}

// FuzzParseToken checks the three bearer token parsers: none panics, a
// token parses under at most one of them, and a parse that succeeds gives
// a canonical id and a secret of the minted form (64 lowercase hex digits)
// that spell the token again.
func FuzzParseToken(f *testing.F) {
	for _, s := range tokenSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		parsed := 0
		for _, tf := range tokenFormats {
			id, secret, ok := tf.parse(token)
			if !ok {
				if id != "" || secret != "" {
					t.Fatalf("%s parser refused %q but returned id %q, secret %q", tf.prefix, token, id, secret)
				}
				continue
			}
			parsed++
			if !keyward.ValidID(id) || len(secret) != 2*credential.SecretLen || !credential.LowerHex(secret) {
				t.Fatalf("%s parser took %q: id %q, secret %q", tf.prefix, token, id, secret)
			}
			if got := tf.prefix + id + "_" + secret; got != token {
				t.Fatalf("%s parser took %q, which reads back as %q", tf.prefix, token, got)
			}
		}
		if parsed > 1 {
			t.Fatalf("%q parses as %d kinds of token", token, parsed)
		}
	})
}

// tokenFixture is a Service with one credential of each kind, all acting
// as the member alice.
type tokenFixture struct {
	svc    *Service
	root   *keyward.Principal
	alice  keyward.UserID
	tokens []string // an API key, a login session token, a role session token
}

func newTokenFixture(tb testing.TB) *tokenFixture {
	tb.Helper()
	ctx := context.Background()
	svc := New(keywardtest.OpenStore(tb), Options{MaxConcurrentHashes: 1})
	root, asRoot := bootstrapRoot(tb, ctx, svc)
	on := true
	alice, key, err := svc.CreateUser(asRoot, UserInput{Email: "alice@example.com", Name: "Alice", Password: "a long and rare password", APIEnabled: &on})
	if err != nil {
		tb.Fatal(err)
	}
	_, login, err := svc.Login(ctx, LoginInput{Email: "alice@example.com", Password: "a long and rare password"})
	if err != nil {
		tb.Fatal(err)
	}
	role, err := svc.CreateRole(asRoot, RoleInput{Name: "deployer", Type: keyward.RoleAssumable, MaxSessionSeconds: 3600})
	if err != nil {
		tb.Fatal(err)
	}
	typ, id := keyward.TrustTemporary, alice.Account.ID
	if _, err := svc.CreateRoleTrust(asRoot, TrustInput{RoleID: role.ID, Type: &typ, TrustedUserID: &id}); err != nil {
		tb.Fatal(err)
	}
	asAlice, err := svc.Authenticate(ctx, key)
	if err != nil {
		tb.Fatal(err)
	}
	sess, err := svc.AssumeRole(keyward.NewContextWithPrincipal(ctx, asAlice), AssumeInput{RoleID: role.ID, SessionName: "fuzz"})
	if err != nil {
		tb.Fatal(err)
	}
	return &tokenFixture{svc: svc, root: root, alice: alice.Account.ID, tokens: []string{key, login, sess.Token}}
}

// splice replaces s[i:j] by with, i and j taken modulo what fits.
func splice(s string, from, to uint16, with string) string {
	i := int(from) % (len(s) + 1)
	j := i + int(to)%(len(s)+1-i)
	return s[:i] + with + s[j:]
}

// FuzzAuthenticate alters a live credential of each kind and checks that
// Authenticate takes it exactly when it is unchanged: a token that works
// is one the server issued, and any edit of one (its prefix, id or
// secret) is refused as unauthenticated, never with another error.
func FuzzAuthenticate(f *testing.F) {
	fx := newTokenFixture(f)
	for kind := range uint8(3) {
		f.Add(kind, uint16(0), uint16(0), "")
		f.Add(kind, uint16(0), uint16(3), "kws_")
		f.Add(kind, uint16(0), uint16(4), "kwr_")
		f.Add(kind, uint16(0), uint16(3), "kw_")
		f.Add(kind, uint16(70), uint16(1), "0")
		f.Add(kind, uint16(70), uint16(1), "A")
		f.Add(kind, uint16(200), uint16(1), "f")
		f.Add(kind, uint16(200), uint16(0), "\n")
		f.Add(kind, uint16(6), uint16(1), "F")
		f.Add(kind, uint16(200), uint16(0), "0")
	}
	f.Fuzz(func(t *testing.T, kind uint8, from, to uint16, with string) {
		token := fx.tokens[int(kind)%len(fx.tokens)]
		altered := splice(token, from, to, with)
		p, err := fx.svc.Authenticate(context.Background(), altered)
		switch {
		case altered == token && err != nil:
			t.Fatalf("Authenticate(%q), an issued token: %v", token, err)
		case altered == token && p.UserID != fx.alice:
			t.Fatalf("Authenticate(%q) = %+v, want alice", token, p)
		case altered != token && err == nil:
			t.Fatalf("Authenticate(%q), %q altered, took it as %+v", altered, token, p)
		case altered != token && keyward.ErrorCode(err) != keyward.CodeUnauthenticated:
			t.Fatalf("Authenticate(%q): %v, want CodeUnauthenticated", altered, err)
		}
	})
}
