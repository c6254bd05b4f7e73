package service

import (
	"context"
	"testing"

	"github.com/keyward-iam/keyward"
)

// TestEveryRefusedLoginHashesOnce: a refused login costs one argon2id
// computation whatever made it fail, an unknown email, a wrong password,
// an account whose password was invalidated or a service user's email, so
// that the time an answer takes does not tell which accounts exist or
// have a password.
func TestEveryRefusedLoginHashesOnce(t *testing.T) {
	ctx := context.Background()
	fx := newTokenFixture(t)
	asRoot := keyward.NewContextWithPrincipal(ctx, fx.root)
	bob, _, err := fx.svc.CreateUser(asRoot, UserInput{Email: "bob@example.com", Name: "Bob", Password: "bob's long passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if err := fx.svc.InvalidatePassword(asRoot, bob.Account.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := fx.svc.CreateUser(asRoot, UserInput{Email: "ci@example.com", Name: "ci", ServiceUser: true}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, email, password string }{
		{"an unknown email", "nobody@example.com", "any long passphrase"},
		{"a wrong password", "alice@example.com", "not alice's passphrase"},
		{"an invalidated password", "bob@example.com", "bob's long passphrase"},
		{"a service user", "ci@example.com", "any long passphrase"},
	} {
		before := fx.svc.hasher.Runs()
		_, _, err := fx.svc.Login(ctx, LoginInput{Email: tc.email, Password: tc.password})
		if keyward.ErrorCode(err) != keyward.CodeUnauthenticated {
			t.Errorf("%s: %v, want unauthenticated", tc.name, err)
		}
		if got := fx.svc.hasher.Runs() - before; got != 1 {
			t.Errorf("%s: %d argon2id computations, want 1", tc.name, got)
		}
	}
}
