package service

import (
	"context"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestLocalPath: a sign-in comes back only to a path of this server.
func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/team", "/team"},
		{"/oidc/authorize/resume?id=abc", "/oidc/authorize/resume?id=abc"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"team", "/"},
		{"/team\r\nSet-Cookie: x=y", "/"},
		{"/a\tb", "/"},
	} {
		if got := LocalPath(tc.in); got != tc.want {
			t.Errorf("LocalPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestUsesSSO: the sign-in page links to an organization's identity
// provider exactly when a sign-in through it would start.
func TestUsesSSO(t *testing.T) {
	ctx := context.Background()
	svc := New(keywardtest.OpenStore(t), Options{MaxConcurrentHashes: 1})
	root, asRoot := bootstrapRoot(t, ctx, svc)
	check := func(what string, org keyward.OrgID, want bool) {
		t.Helper()
		if got, err := svc.UsesSSO(ctx, org); err != nil || got != want {
			t.Errorf("%s: UsesSSO = %v, %v; want %v", what, got, err, want)
		}
	}
	check("not an id", "not-an-id", false)
	check("no such organization", "00000000-0000-7000-8000-000000000000", false)
	check("local mode, no provider", root.OrgID, false)
	if _, err := svc.PutIdentityProvider(asRoot, IdentityProviderInput{Issuer: "https://idp.example.com", ClientID: "keyward", ClientSecret: "the-client-secret"}); err != nil {
		t.Fatal(err)
	}
	check("local mode with a provider", root.OrgID, false)
	if _, err := svc.SetIdentityMode(asRoot, root.OrgID, keyward.IdentityIdP); err != nil {
		t.Fatal(err)
	}
	check("idp mode with a provider", root.OrgID, true)
}
