package service

import (
	"context"
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
			err := checkPassword("password", tt.pw)
			got := ""
			if err != nil {
				e := keyward.AsError(err)
				if e == nil || e.Code != keyward.CodeInvalid || e.Field != "password" {
					t.Fatalf("checkPassword(%q) = %v, want a FieldError for password", tt.pw, err)
				}
				got = e.Message
			}
			if got != tt.want {
				t.Errorf("checkPassword(%q) = %q, want %q", tt.pw, got, tt.want)
			}
		})
	}
}

// TestPasswordPaths checks that every call that sets a password refuses
// what checkPassword refuses, with checkPassword's own error. (Bootstrap
// sets none: the first account signs in with its API key.)
func TestPasswordPaths(t *testing.T) {
	ctx := context.Background()
	fx := newTokenFixture(t)
	asRoot := keyward.NewContextWithPrincipal(ctx, fx.root)
	login := fx.tokens[1]
	alice, err := fx.svc.Authenticate(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	asAlice := keyward.NewContextWithPrincipal(ctx, alice)
	inv, err := fx.svc.CreateInvitation(asRoot, InvitationInput{Email: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	key, err := fx.svc.invitationKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	link := linkToken(key, inv)

	paths := []struct {
		name, field string
		set         func(pw string) error
	}{
		{"create a user", "password", func(pw string) error {
			_, _, err := fx.svc.CreateUser(asRoot, UserInput{Email: "bob@example.com", Name: "Bob", Password: pw})
			return err
		}},
		{"update a user", "password", func(pw string) error {
			return fx.svc.UpdateUser(asRoot, fx.alice, UserInput{Password: pw})
		}},
		{"set a local user's password", "password", func(pw string) error {
			return fx.svc.SetPassword(asRoot, fx.alice, pw)
		}},
		{"change one's own password", "new_password", func(pw string) error {
			return fx.svc.ChangePassword(asAlice, login, "a long and rare password", pw)
		}},
		{"accept an invitation", "password", func(pw string) error {
			_, err := fx.svc.AcceptInvitation(ctx, AcceptInput{Token: link, Name: "Ada", Password: pw})
			return err
		}},
	}
	bad := []string{strings.Repeat(" ", 10), strings.Repeat("\x00", 12), "kx7q9\twvz!?", "a b c d e f g", "short", "password123"}
	for _, p := range paths {
		for _, pw := range bad {
			got, want := p.set(pw), checkPassword(p.field, pw)
			if want == nil || got == nil || got.Error() != want.Error() {
				t.Errorf("%s with %q: %v, want %v", p.name, pw, got, want)
			}
		}
	}
	// Nothing was set: alice's password and the invitation still work.
	if _, _, err := fx.svc.Login(ctx, LoginInput{Email: "alice@example.com", Password: "a long and rare password"}); err != nil {
		t.Errorf("alice's password after the refusals: %v", err)
	}
	if _, err := fx.svc.DescribeInvitation(ctx, link); err != nil {
		t.Errorf("the invitation after the refusals: %v", err)
	}
}
