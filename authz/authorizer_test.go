package authz

import (
	"context"
	"sync"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestSnapshotShared checks that concurrent requests for a stale snapshot
// share one build, that a cached snapshot serves older revisions, and that
// a newer revision rebuilds.
func TestSnapshotShared(t *testing.T) {
	db := keywardtest.OpenStore(t)
	ctx := context.Background()
	var org keyward.OrgID
	write := func() int64 {
		var rev int64
		err := db.WriteTx(ctx, func(tx keyward.Tx) error {
			if org == "" {
				owner := &keyward.Account{Email: "root@example.com", Name: "root"}
				owner.ID = keyward.UserID(keyward.NewID(tx.Now()))
				if err := tx.CreateAccount(ctx, owner); err != nil {
					return err
				}
				org = keyward.OrgID(keyward.NewID(tx.Now()))
				if err := tx.CreateOrganization(ctx, &keyward.Organization{ID: org, Name: "o", OwnerID: owner.ID}); err != nil {
					return err
				}
			}
			var err error
			rev, err = tx.BumpRevision(ctx, org)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return rev
	}
	rev := write()
	a := New(db, Options{})

	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, err := a.Snapshot(ctx, org, rev); err != nil || s.Revision != rev {
				t.Errorf("Snapshot = %v, %v; want revision %d", s, err, rev)
			}
		}()
	}
	wg.Wait()
	if a.count != 1 {
		t.Errorf("16 concurrent requests built %d snapshots, want 1", a.count)
	}
	if _, err := a.Snapshot(ctx, org, rev-1); err != nil || a.count != 1 {
		t.Errorf("an older revision rebuilt (count %d, err %v); the cached snapshot serves it", a.count, err)
	}
	rev2 := write()
	s, err := a.Snapshot(ctx, org, rev2)
	if err != nil || s.Revision != rev2 || a.count != 2 {
		t.Errorf("after a write: revision %v, count %d, err %v; want %d, 2", s, a.count, err, rev2)
	}
	a.Invalidate(org)
	if s, err := a.Snapshot(ctx, org, 0); err != nil || s.Revision != rev2 || a.count != 3 {
		t.Errorf("after Invalidate: count %d, err %v; want a rebuild", a.count, err)
	}
}
