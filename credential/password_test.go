package credential

import (
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
)

// TestCheckPassword checks the rules of a new password, and that a refusal
// names the field.
func TestCheckPassword(t *testing.T) {
	const (
		control  = "password must not contain control characters (such as NUL, tab or a line break)."
		short    = "password must be at least 10 characters long."
		spaces   = "password must have at least 8 characters that are not spaces."
		common   = "password is one of the most common passwords; choose another."
		long     = "password must be at most 1024 bytes long."
		notUTF8  = "password must be valid UTF-8."
		accepted = ""
	)
	tests := []struct {
		name, pw, want string
	}{
		{"a passphrase", "correct horse battery staple", accepted},
		{"ten characters", "kx7q9wvz!?", accepted},
		{"eight visible among spaces", "  kx7q9wvz  ", accepted},
		{"non-ASCII", "ÅÅÅÅÅÅÅÅÅÅ", accepted},
		{"at the byte limit", strings.Repeat("é", 512), accepted},
		{"ten spaces", strings.Repeat(" ", 10), spaces},
		{"twelve NUL bytes", strings.Repeat("\x00", 12), control},
		{"a NUL inside", "kx7q9wvz\x00!?", control},
		{"a tab", "kx7q9\twvz!?", control},
		{"a newline", "kx7q9wvz!?\n", control},
		{"a carriage return", "kx7q9wvz!?\r", control},
		{"DEL", "kx7q9wvz!?\x7f", control},
		{"a C1 control (NEL)", "kx7q9wvz!?\u0085", control},
		{"seven visible", "a b c d e f g", spaces},
		{"ideographic spaces", strings.Repeat("\u3000", 10), spaces},
		{"no-break spaces around seven", "\u00a0\u00a0\u00a0kx7q9wv", spaces},
		{"nine characters", "kx7q9wvz!", short},
		{"empty", "", short},
		{"over the byte limit", strings.Repeat("é", 512) + "x", long},
		{"not UTF-8", strings.Repeat("\xff", 12), notUTF8},
		{"common", "password123", common},
		{"common in another case, padded", "  PassWord123 ", common},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword("password", tt.pw)
			got := ""
			if err != nil {
				e := keyward.AsError(err)
				if e == nil || e.Code != keyward.CodeInvalid || e.Field != "password" {
					t.Fatalf("CheckPassword(%q) = %v, want a FieldError for password", tt.pw, err)
				}
				got = e.Message
			}
			if got != tt.want {
				t.Errorf("CheckPassword(%q) = %q, want %q", tt.pw, got, tt.want)
			}
		})
	}
}

// TestHasher checks that a hash verifies its password only, and that a
// malformed or tampered PHC string never verifies.
func TestHasher(t *testing.T) {
	h := NewHasher(1)
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := h.Hash("correct horse battery staple")
	if enc == again {
		t.Errorf("two hashes of one password are equal (%q): the salt is not random", enc)
	}
	tests := []struct {
		pw, enc string
		want    bool
	}{
		{"correct horse battery staple", enc, true},
		{"correct horse battery stapl", enc, false},
		{"", enc, false},
		{"correct horse battery staple", strings.Replace(enc, "argon2id", "argon2i", 1), false},
		{"correct horse battery staple", strings.Replace(enc, "t=2", "t=3", 1), false},
		{"correct horse battery staple", enc[:len(enc)-2], false},
		{"correct horse battery staple", "", false},
		{"correct horse battery staple", "$argon2id$v=19$m=0,t=2,p=1$AAAA$AAAA", false},
	}
	for _, tt := range tests {
		if got := h.Verify(tt.pw, tt.enc); got != tt.want {
			t.Errorf("Verify(%q, %q) = %v, want %v", tt.pw, tt.enc, got, tt.want)
		}
	}
}
