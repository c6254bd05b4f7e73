package authz_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// TestExplainWalkMatchesSet checks that explaining a request by walking
// the principal's policies gives, statement for statement and diagnostic
// for diagnostic, what the principal's compiled set explains, on requests
// drawn over an organization in the large org's proportions (policies
// with conditions, wildcards, resource, project and organization scopes).
func TestExplainWalkMatchesSet(t *testing.T) {
	o, err := scaledOrg(1000)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := authz.New(o.db, authz.Options{Catalog: o.cat}).Snapshot(context.Background(), o.org, 0)
	if err != nil {
		t.Fatal(err)
	}
	statements := 0
	for i, r := range o.requests(rand.New(rand.NewPCG(15, 15)), len(o.users), 3000) {
		if u := snap.Principal(r.Principal); u == nil || u.Kind() == keyward.KindRootOwner {
			continue
		}
		got, want := authz.ExplainPolicies(snap, &r), authz.ExplainByCompiledSet(snap, &r)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("request %d (%s %s on %q): walked explanation differs from the set's (-set +walked):\n%s", i, r.Principal, r.Action, r.Resource, diff)
		}
		statements += len(got.Statements)
	}
	if statements == 0 {
		t.Fatal("no request matched a statement: the comparison shows nothing")
	}
}
