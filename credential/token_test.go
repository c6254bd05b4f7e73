package credential

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
)

func TestNewSecret(t *testing.T) {
	a, ha := NewSecret()
	b, _ := NewSecret()
	if len(a) != 2*SecretLen || !LowerHex(a) || a == b {
		t.Fatalf("NewSecret() = %q, then %q: want two different %d-digit lowercase hex secrets", a, b, 2*SecretLen)
	}
	if sum := sha256.Sum256([]byte(a)); hex.EncodeToString(ha) != hex.EncodeToString(sum[:]) {
		t.Errorf("NewSecret() hash %x, want the SHA-256 of the secret %x", ha, sum)
	}
}

// FuzzCut checks that Cut never panics and takes only a token of the
// minted form: the prefix, a canonical id, "_", and 2*SecretLen lowercase
// hex digits, which spell the token again.
func FuzzCut(f *testing.F) {
	const id = "0193a000-0000-7000-8000-000000000011"
	secret := strings.Repeat("0123456789abcdef", 4)
	for _, s := range []string{
		"kw_" + id + "_" + secret, "kw_" + strings.ToUpper(id) + "_" + secret, "kw_" + id + "_" + strings.ToUpper(secret),
		"kw_" + id + "_" + secret[1:], "kw_" + id + "_" + secret + "0", "kw_" + id + "-" + secret, "kw_" + id + secret,
		" kw_" + id + "_" + secret, "kw_" + id + "_" + secret[:63] + "\n", "kws_" + id + "_" + secret, "", "kw_",
	} {
		f.Add(s, "kw_")
		f.Add(s, "kws_")
	}
	f.Fuzz(func(t *testing.T, token, prefix string) {
		id, secret, ok := Cut(token, prefix)
		if !ok {
			if id != "" || secret != "" {
				t.Fatalf("Cut(%q, %q) refused it but returned %q, %q", token, prefix, id, secret)
			}
			return
		}
		if !keyward.ValidID(id) || len(secret) != 2*SecretLen || !LowerHex(secret) {
			t.Fatalf("Cut(%q, %q) = %q, %q", token, prefix, id, secret)
		}
		if got := prefix + id + "_" + secret; got != token {
			t.Fatalf("Cut(%q, %q) reads back as %q", token, prefix, got)
		}
	})
}
