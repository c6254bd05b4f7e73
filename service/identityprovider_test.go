package service

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// errField is the field err names, "" for none.
func errField(err error) string {
	if e := keyward.AsError(err); e != nil {
		return e.Field
	}
	return ""
}

// TestIdentityProviderSecret: the client secret is stored sealed (never in
// clear), opens only in its own organization's row, is kept when a later
// configuration leaves it out, and is required the first time.
func TestIdentityProviderSecret(t *testing.T) {
	ctx := context.Background()
	store := keywardtest.OpenStore(t)
	svc := New(store, Options{MaxConcurrentHashes: 1})
	root, asRoot := bootstrapRoot(t, ctx, svc)
	in := IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "keyward"}
	if _, err := svc.PutIdentityProvider(asRoot, in); errField(err) != "client_secret" {
		t.Fatalf("first configuration without a secret: %v, want an error naming client_secret", err)
	}
	const secret = "the-client-secret-of-keyward"
	in.ClientSecret = secret
	if _, err := svc.PutIdentityProvider(asRoot, in); err != nil {
		t.Fatal(err)
	}
	stored := func() *keyward.IdentityProvider {
		var idp *keyward.IdentityProvider
		if err := store.ReadTx(ctx, func(tx keyward.Tx) (err error) {
			idp, err = tx.GetIdentityProvider(ctx, root.OrgID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return idp
	}
	first := stored()
	if bytes.Contains(first.SealedSecret, []byte(secret)) {
		t.Fatal("the client secret is stored in clear")
	}
	if got, err := svc.openSecret(ctx, root.OrgID, first.SealedSecret); err != nil || got != secret {
		t.Errorf("openSecret = %q, %v, want the secret", got, err)
	}
	if _, err := svc.openSecret(ctx, "00000000-0000-7000-8000-000000000000", first.SealedSecret); keyward.ErrorCode(err) != keyward.CodeConflict {
		t.Errorf("opening the sealed secret as another organization's: %v, want CodeConflict", err)
	}
	in.ClientSecret, in.GroupsClaim = "", "roles"
	d, err := svc.PutIdentityProvider(asRoot, in)
	if err != nil {
		t.Fatal(err)
	}
	if d.GroupsClaim != "roles" || !bytes.Equal(stored().SealedSecret, first.SealedSecret) {
		t.Errorf("a configuration without a secret: groups claim %q, secret kept %v; want roles, true",
			d.GroupsClaim, bytes.Equal(stored().SealedSecret, first.SealedSecret))
	}
}

// TestIdentityProviderInputClean checks the configuration's validation and
// defaults.
func TestIdentityProviderInputClean(t *testing.T) {
	tests := []struct {
		name      string
		in        IdentityProviderInput
		wantField string
		want      IdentityProviderInput
	}{
		{"defaults", IdentityProviderInput{Issuer: " https://idp.example.com ", ClientID: "c"}, "",
			IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "c", Scopes: []string{"email", "profile"}, AllowedDomains: []string{},
				GroupsClaim: "groups", EmailClaim: "email", NameClaim: "name"}},
		{"domains lowercased, @ dropped, duplicates dropped", IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "c",
			Scopes: []string{"groups", "groups"}, AllowedDomains: []string{"@Example.COM", "example.org"}}, "",
			IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "c", Scopes: []string{"groups"}, AllowedDomains: []string{"example.com", "example.org"},
				GroupsClaim: "groups", EmailClaim: "email", NameClaim: "name"}},
		{"http issuer", IdentityProviderInput{Issuer: "http://idp.example.com", ClientID: "c"}, "issuer", IdentityProviderInput{}},
		{"no client id", IdentityProviderInput{Issuer: "https://idp.example.com"}, "client_id", IdentityProviderInput{}},
		{"empty scope", IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "c", Scopes: []string{""}}, "scopes", IdentityProviderInput{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.clean(false)
			if gotField := errField(err); gotField != tt.wantField {
				t.Fatalf("clean error = %v, want one naming %q", err, tt.wantField)
			}
			if tt.wantField != "" {
				return
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("clean (-want +got):\n%s", d)
			}
		})
	}
}
