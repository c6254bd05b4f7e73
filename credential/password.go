package credential

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/keyward-iam/keyward"
)

// CheckPassword is the one check of a new password, whichever call sets it
// (account creation, invitation acceptance, a change, an administrator's
// set): valid UTF-8 of at most keyward.MaxPasswordBytes bytes, without
// control characters (NUL, tab, line breaks and the rest of Unicode's Cc:
// they are lost or altered by terminals, forms and the CLI's line reading,
// so their owner could not type the password again), at least
// keyward.MinPasswordLen characters of which keyward.MinPasswordNonSpace
// are not white space, and not one of the most common passwords. The error
// is a keyward.FieldError naming field. Passwords already set are not
// checked again: login compares whatever was stored.
func CheckPassword(field, pw string) error {
	if len(pw) > keyward.MaxPasswordBytes {
		return keyward.FieldError(field, "%s must be at most %d bytes long.", field, keyward.MaxPasswordBytes)
	}
	if !utf8.ValidString(pw) {
		return keyward.FieldError(field, "%s must be valid UTF-8.", field)
	}
	n, nonSpace := 0, 0
	for _, r := range pw {
		if unicode.IsControl(r) {
			return keyward.FieldError(field, "%s must not contain control characters (such as NUL, tab or a line break).", field)
		}
		n++
		if !unicode.IsSpace(r) {
			nonSpace++
		}
	}
	if n < keyward.MinPasswordLen {
		return keyward.FieldError(field, "%s must be at least %d characters long.", field, keyward.MinPasswordLen)
	}
	if nonSpace < keyward.MinPasswordNonSpace {
		return keyward.FieldError(field, "%s must have at least %d characters that are not spaces.", field, keyward.MinPasswordNonSpace)
	}
	if Common(pw) {
		return keyward.FieldError(field, "%s is one of the most common passwords; choose another.", field)
	}
	return nil
}

// argon2id parameters: OWASP's minimum (m=19 MiB, t=2, p=1), about 30 ms on
// the reference 2-core machine.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// Hasher hashes and verifies passwords with argon2id, bounding how many
// hashes run at once because each holds argonMemoryKiB of memory.
type Hasher struct {
	sem  chan struct{}
	runs atomic.Int64
}

// Runs returns how many argon2id computations h has run, hashes and
// verifications alike: the work a caller can make the server do.
func (h *Hasher) Runs() int64 { return h.runs.Load() }

// NewHasher returns a Hasher that runs at most concurrency hashes at once.
func NewHasher(concurrency int) *Hasher {
	return &Hasher{sem: make(chan struct{}, concurrency)}
}

// Hash returns the PHC string of password.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	h.sem <- struct{}{}
	h.runs.Add(1)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	<-h.sem
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches the PHC string encoded. A
// malformed encoded string never matches.
func (h *Hasher) Verify(password, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem == 0 || mem > 1<<20 || t == 0 || t > 16 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return false
	}
	h.sem <- struct{}{}
	h.runs.Add(1)
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	<-h.sem
	return subtle.ConstantTimeCompare(got, want) == 1
}
