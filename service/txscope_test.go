package service

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestConcurrentAttachesOnAStaleSnapshot is the deadlock of deciding inside
// a transaction: more attaches than the pool has connections, by an
// administrator (decided by the engine, unlike the root owner), each
// authenticated after a write, so that the snapshot they need is newer
// than the cached one, all in one organization. Every attach must commit
// before the deadline (a deadlock fails rather than hangs), none refused as
// busy, on a pool of the default size, and none may have decided without
// the snapshot obtained before its transaction.
func TestConcurrentAttachesOnAStaleSnapshot(t *testing.T) {
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		svc := New(keywardtest.OpenDialect(t, dialect, sqlstore.Config{}), Options{})
		_, asRoot := bootstrapRoot(t, ctx, svc)
		on := true
		admin, adminToken, err := svc.CreateUser(asRoot, UserInput{Email: "admin@example.com", Name: "Admin", APIEnabled: &on})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.AttachPolicyUser(asRoot, managedPolicyNamed(t, "AdministratorAccess"), admin.Account.ID); err != nil {
			t.Fatal(err)
		}
		pol, err := svc.CreatePolicy(asRoot, PolicyInput{Name: "lister",
			Document: []byte(`{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)})
		if err != nil {
			t.Fatal(err)
		}
		const attaches = 64 // far more than the 10 connections of PostgreSQL's default pool
		users := make([]keyward.UserID, attaches)
		for i := range users {
			u, _, err := svc.CreateUser(asRoot, UserInput{Email: fmt.Sprintf("u%d@example.com", i), Name: "U"})
			if err != nil {
				t.Fatal(err)
			}
			users[i] = u.Account.ID
		}

		var wg sync.WaitGroup
		errs := make(chan error, attaches)
		for _, u := range users {
			wg.Go(func() {
				p, err := svc.Authenticate(ctx, adminToken)
				if err == nil {
					err = svc.AttachPolicyUser(keyward.NewContextWithPrincipal(ctx, p), pol.ID, u)
				}
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("attach: %v (code %q)", err, keyward.ErrorCode(err))
			}
		}
		if n := svc.snapshotMisses.Load(); n != 0 {
			t.Errorf("%d decisions inside a transaction lacked their snapshot, want 0", n)
		}
	})
}

// TestDecisionInsideATransactionNeverLoads checks that a decision inside a
// transaction that needs a newer snapshot than the one obtained before it
// fails rather than reads the database, and that the transaction is run
// again once that snapshot was loaded with no connection held.
func TestDecisionInsideATransactionNeverLoads(t *testing.T) {
	ctx := t.Context()
	store := keywardtest.OpenStore(t)
	svc := New(store, Options{})
	root, asRoot := bootstrapRoot(t, ctx, svc)
	if _, err := svc.snapshot(ctx, root.OrgID, root.Revision); err != nil {
		t.Fatal(err)
	}
	// A write the cached snapshot (at root.Revision) does not have: one
	// committed by another server (a write through svc would have waited
	// for its snapshot to absorb it).
	if err := store.WriteTx(ctx, func(tx keyward.Tx) error {
		_, err := tx.BumpRevision(ctx, root.OrgID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	runs := 0
	err := svc.read(asRoot, func(ctx context.Context, tx keyward.Tx) error {
		runs++
		o, err := tx.GetOrganization(ctx, root.OrgID)
		if err != nil {
			return err
		}
		_, err = svc.snapshot(ctx, root.OrgID, o.Revision)
		if runs == 1 && keyward.ErrorCode(err) != keyward.CodeUnavailable {
			t.Errorf("first run: snapshot = %v, want CodeUnavailable", err)
		}
		return err
	})
	if err != nil || runs != 2 {
		t.Errorf("read = %v after %d runs, want success after 2", err, runs)
	}
}

// managedPolicyNamed returns the id of the managed policy called name.
func managedPolicyNamed(t *testing.T, name string) keyward.PolicyID {
	t.Helper()
	for _, m := range policy.ManagedPolicies(policy.DefaultCatalog()) {
		if m.Name == name {
			return keyward.PolicyID(m.ID)
		}
	}
	t.Fatalf("no managed policy %s", name)
	return ""
}
