package service

import (
	"context"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// TestPasswordPaths checks that every call that sets a password refuses
// what credential.CheckPassword refuses, with credential.CheckPassword's own error. (Bootstrap
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
			got, want := p.set(pw), credential.CheckPassword(p.field, pw)
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
