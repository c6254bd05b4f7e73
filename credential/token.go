package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/keyward-iam/keyward"
)

// SecretLen is the number of random bytes in a token's secret (256 bits).
const SecretLen = 32

// NewSecret returns a fresh token secret (SecretLen random bytes, as
// lowercase hex) and its SHA-256, which is what the store keeps.
func NewSecret() (secret string, hash []byte) {
	secret = Random(SecretLen)
	sum := sha256.Sum256([]byte(secret))
	return secret, sum[:]
}

// Random returns n random bytes as lowercase hex. It panics if the
// system's random source fails, which leaves nothing safe to do.
func Random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("credential: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// Cut splits <prefix><id>_<secret>, the form of every bearer token
// keyward mints (API keys, login sessions, role sessions, SCIM tokens),
// into its id and secret. It accepts exactly what those are minted as: a
// canonical UUID, then the 2*SecretLen lowercase hex digits of NewSecret,
// so that one credential has one spelling and anything else is refused
// before a database read.
func Cut(token, prefix string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok || len(rest) != 37+2*SecretLen || rest[36] != '_' {
		return "", "", false
	}
	id, secret = rest[:36], rest[37:]
	if !keyward.ValidID(id) || !LowerHex(secret) {
		return "", "", false
	}
	return id, secret, true
}

// LowerHex reports whether s is all lowercase hex digits, as
// hex.EncodeToString writes them.
func LowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
