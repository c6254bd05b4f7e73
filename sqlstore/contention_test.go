package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestConcurrentWritersToOneOrg runs 64 writers to one organization at
// once on a pool of the default size, each reading the organization,
// creating a group, appending its audit event and bumping the revision, as
// every change does, with a few milliseconds of work in between. All must commit (none busy, none hung: the deadline
// turns a deadlock into a failure), and the revision must have moved once
// per write. Half the writers name the organization up front
// (keyward.NewContextWithWriteOrg), half do not.
func TestConcurrentWritersToOneOrg(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		org, owner := newOrg(t, s, "busy")
		start := revisionOf(t, s, org.ID)
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()

		const writers = 64
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := range writers {
			wg.Go(func() {
				wctx := ctx
				if i%2 == 0 {
					wctx = keyward.NewContextWithWriteOrg(ctx, org.ID)
				}
				errs <- s.WriteTx(wctx, func(tx keyward.Tx) error {
					if _, err := tx.GetOrganization(ctx, org.ID); err != nil {
						return err
					}
					time.Sleep(5 * time.Millisecond) // the rest of a change's work
					g := &keyward.Group{OrgID: org.ID, Name: fmt.Sprintf("group %d", i)}
					if err := tx.CreateGroup(ctx, g); err != nil {
						return err
					}
					ev := &keyward.AuditEvent{OrgID: org.ID, ActorID: owner.ID, Action: "iam.group.Create", TargetID: string(g.ID)}
					if err := tx.AppendAudit(ctx, ev); err != nil {
						return err
					}
					_, err := tx.BumpRevision(ctx, org.ID)
					return err
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("WriteTx: %v (code %q)", err, keyward.ErrorCode(err))
			}
		}
		if got := revisionOf(t, s, org.ID); got != start+writers {
			t.Errorf("revision = %d, want %d", got, start+writers)
		}
	})
}

// TestWriteLocksTheOrgItBumps checks that a transaction told to lock one
// organization that bumps another is run again with both locked, and
// commits once, while one that bumps an organization it created is not.
func TestWriteLocksTheOrgItBumps(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *sqlstore.DB) {
		a, _ := newOrg(t, s, "a")
		b, _ := newOrg(t, s, "b")
		startB := revisionOf(t, s, b.ID)
		var runs atomic.Int32
		ctx := keyward.NewContextWithWriteOrg(t.Context(), a.ID)
		err := s.WriteTx(ctx, func(tx keyward.Tx) error {
			runs.Add(1)
			_, err := tx.BumpRevision(ctx, b.ID)
			return err
		})
		if err != nil {
			t.Fatalf("WriteTx: %v", err)
		}
		if got := revisionOf(t, s, b.ID); got != startB+1 {
			t.Errorf("revision of b = %d, want %d", got, startB+1)
		}
		want := int32(1) // SQLite's writes are serial and lock nothing
		if s.Dialect() == sqlstore.DialectPostgres {
			want = 2
		}
		if got := runs.Load(); got != want {
			t.Errorf("fn ran %d times, want %d", got, want)
		}

		// An organization the transaction creates is its own: bumping it
		// needs no rerun (which would create it again under a new id).
		runs.Store(0)
		owner := newAccount(t, s, "owner@c.example", false)
		err = s.WriteTx(ctx, func(tx keyward.Tx) error {
			runs.Add(1)
			c := &keyward.Organization{Name: "c", Type: keyward.OrgTypeTeam, OwnerID: owner.ID}
			if err := tx.CreateOrganization(ctx, c); err != nil {
				return err
			}
			_, err := tx.BumpRevision(ctx, c.ID)
			return err
		})
		if err != nil || runs.Load() != 1 {
			t.Errorf("create and bump an organization: %v after %d runs, want success after 1", err, runs.Load())
		}
	})
}

func revisionOf(t testing.TB, s keyward.Store, org keyward.OrgID) int64 {
	t.Helper()
	var rev int64
	read(t, s, func(tx keyward.Tx) error {
		o, err := tx.GetOrganization(t.Context(), org)
		if err == nil {
			rev = o.Revision
		}
		return err
	})
	return rev
}
