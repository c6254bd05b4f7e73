package service

import (
	"context"
	"sync"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// Decisions inside a transaction: a decision needs a snapshot, and building
// one reads the database on a connection of its own. Asked for while the
// transaction holds a connection, with as many callers as the pool has
// connections, every connection would wait for another and none would
// return. So the service runs every transaction through read or write,
// which obtain the snapshots it will need with no connection held, and a
// decision inside a transaction takes its snapshot from those (snapshot)
// and never builds one.

// txScope holds the snapshots that the decisions of one call's
// transaction use. It is safe for concurrent use.
type txScope struct {
	mu    sync.Mutex
	snaps map[keyward.OrgID]*authz.Snapshot // guarded by mu
	need  *snapshotNeed                     // guarded by mu: the snapshot a decision asked for and did not get
	wrote map[keyward.OrgID]int64           // guarded by mu: the revisions the call's writes committed
}

// committed records the revisions a committed write transaction bumped.
func (sc *txScope) committed(bs []bump) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, b := range bs {
		if b.rev > sc.wrote[b.org] {
			if sc.wrote == nil {
				sc.wrote = map[keyward.OrgID]int64{}
			}
			sc.wrote[b.org] = b.rev
		}
	}
}

// snapshotNeed is a snapshot a decision inside a transaction asked for.
type snapshotNeed struct {
	org      keyward.OrgID
	revision int64
}

type txScopeKey struct{}

// txScopeOf returns the scope of the transaction that ctx runs in, or nil
// outside one.
func txScopeOf(ctx context.Context) *txScope {
	sc, _ := ctx.Value(txScopeKey{}).(*txScope)
	return sc
}

// maxSnapshotReruns bounds how often a transaction is run again because a
// decision in it needed a snapshot it did not have (another organization's,
// or a newer one): each run loads what the previous one missed.
const maxSnapshotReruns = 3

// read runs fn in a read transaction of the store (see inTx).
func (s *Service) read(ctx context.Context, fn func(ctx context.Context, tx keyward.Tx) error) error {
	return s.inTx(ctx, false, fn)
}

// write runs fn in a write transaction of the store (see inTx). The
// transaction starts by taking the write lock of the caller's
// organization, so writers to one organization queue rather than abort
// (keyward.NewContextWithWriteOrg).
func (s *Service) write(ctx context.Context, fn func(ctx context.Context, tx keyward.Tx) error) error {
	return s.inTx(ctx, true, fn)
}

// inTx is the one way the service runs a transaction. Before it begins,
// holding no connection, it obtains the snapshot of the caller's
// organization at the caller's revision, which nearly every decision of a
// call needs. fn gets a context in which snapshot serves decisions from
// what was obtained; a decision that needs any other snapshot fails, the
// transaction rolls back, and inTx loads that snapshot, again holding no
// connection, and runs fn again.
func (s *Service) inTx(ctx context.Context, write bool, fn func(ctx context.Context, tx keyward.Tx) error) error {
	run := s.store.ReadTx
	if write {
		run = s.store.WriteTx
	}
	if txScopeOf(ctx) != nil {
		// Inside another transaction of this call, which holds a
		// connection: decide from its scope; what is missing fails up to
		// the outer inTx, which loads it once that connection is free.
		return run(ctx, func(tx keyward.Tx) error { return fn(ctx, tx) })
	}
	sc := &txScope{snaps: map[keyward.OrgID]*authz.Snapshot{}}
	if p := keyward.PrincipalFromContext(ctx); p != nil {
		snap, err := s.engine().Snapshot(ctx, p.OrgID, p.Revision)
		if err != nil {
			return err
		}
		sc.snaps[p.OrgID] = snap
		if write {
			ctx = keyward.NewContextWithWriteOrg(ctx, p.OrgID)
		}
	}
	tctx := context.WithValue(ctx, txScopeKey{}, sc)
	for reruns := 0; ; reruns++ {
		err := run(tctx, func(tx keyward.Tx) error { return fn(tctx, tx) })
		sc.mu.Lock()
		need, wrote := sc.need, sc.wrote
		sc.need, sc.wrote = nil, nil
		sc.mu.Unlock()
		if err == nil {
			s.absorb(ctx, wrote)
		}
		if err == nil || need == nil || reruns == maxSnapshotReruns {
			return err
		}
		snap, lerr := s.engine().Snapshot(ctx, need.org, need.revision)
		if lerr != nil {
			return lerr
		}
		sc.mu.Lock()
		sc.snaps[need.org] = snap
		sc.mu.Unlock()
	}
}

// absorb waits, holding no connection, until the snapshots this server
// holds have absorbed the revisions the call's writes committed, so that
// whatever the caller sends next is decided with its write in place:
// the writer pays for the update, not the checks that run meanwhile, which
// are answered from the snapshot before it. The write is committed
// whatever happens here; a failed update is logged, and the next request
// retries it.
func (s *Service) absorb(ctx context.Context, wrote map[keyward.OrgID]int64) {
	for org, rev := range wrote {
		if err := s.engine().Absorb(ctx, org, rev); err != nil {
			s.log.WarnContext(ctx, "snapshot update after a write failed", "org", org, "revision", rev, "err", err)
		}
	}
}

// snapshot is the one way the service gets a snapshot: of org, at
// minRevision or later. Outside a transaction it may build one
// (authz.Authorizer.Snapshot). Inside one (ctx from read or write) it
// never touches the database: it returns a snapshot obtained before the
// transaction began, or records what was needed and fails with
// CodeUnavailable, so that inTx loads it after the rollback and runs the
// transaction again.
func (s *Service) snapshot(ctx context.Context, org keyward.OrgID, minRevision int64) (*authz.Snapshot, error) {
	sc := txScopeOf(ctx)
	if sc == nil {
		return s.engine().Snapshot(ctx, org, minRevision)
	}
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if snap := sc.snaps[org]; snap != nil && snap.Revision >= minRevision {
		return snap, nil
	}
	sc.need = &snapshotNeed{org: org, revision: minRevision}
	s.snapshotMisses.Add(1)
	return nil, keyward.Errorf(keyward.CodeUnavailable,
		"The access snapshot of this organization changed during the request; retry.")
}
