package service

import (
	"context"
	"testing"

	"github.com/keyward-iam/keyward"
)

// bootstrapRoot bootstraps svc's first organization and returns its root
// owner, authenticated by the token Bootstrap gave, and ctx acting as it.
func bootstrapRoot(tb testing.TB, ctx context.Context, svc *Service) (*keyward.Principal, context.Context) {
	tb.Helper()
	rootToken, _, err := svc.Bootstrap(ctx, BootstrapInput{})
	if err != nil {
		tb.Fatal(err)
	}
	root, err := svc.Authenticate(ctx, rootToken)
	if err != nil {
		tb.Fatal(err)
	}
	return root, keyward.NewContextWithPrincipal(ctx, root)
}
