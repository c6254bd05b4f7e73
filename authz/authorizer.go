package authz

import (
	"context"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
	"go.opentelemetry.io/otel/trace"
)

// Options configure an Authorizer. Zero fields take defaults.
type Options struct {
	Catalog *policy.Catalog // default policy.DefaultCatalog()
	// CatchUp bounds how long Snapshot waits for the store to reach a
	// requested revision (another replica's write not yet visible here).
	// Default 2 s.
	CatchUp time.Duration
	// RequireTenant makes the authorize API deny a request about a
	// resource that is neither registered in the principal's organization
	// nor named with the organization it belongs to (organization_id),
	// instead of deciding it by the principal's policies alone.
	RequireTenant bool
	// Tracer, when set, receives a span per snapshot update; nil traces
	// nothing. cmd/keyward passes the provider it configured.
	Tracer trace.TracerProvider
}

// Authorizer keeps the latest snapshot of each organization it has been
// asked about. It is safe for concurrent use.
//
// A snapshot is brought up to date by one update at a time per
// organization, which reads the organization's change log and patches the
// snapshot with what the changes touched (patch.go), or, when the log
// cannot say, loads the whole graph. Callers never wait for an update
// unless they ask for a revision the current snapshot does not have yet.
type Authorizer struct {
	store   keyward.Store
	cat     *policy.Catalog
	catchUp time.Duration
	tenant  bool         // Options.RequireTenant
	tracer  trace.Tracer // nil: no spans
	managed map[keyward.PolicyID]*policyNode
	builtin map[keyward.RoleID]builtinRole
	inline  inlineCache
	byName  map[string]*policyNode

	mu      sync.Mutex
	orgs    map[keyward.OrgID]*orgState // guarded by mu
	count   int                         // snapshots made (built or patched), for tests; guarded by mu
	builds  int                         // of which whole builds, for tests; guarded by mu
	updates UpdateStats                 // guarded by mu
}

// orgState is the cache of one organization.
type orgState struct {
	snap *Snapshot
	docs docCache // used by the update in flight only
	// updating is closed when the update in flight ends; nil if none.
	updating chan struct{}
	err      error // the last update's error, for its waiters
	// noticed is the newest revision a caller has seen committed (Notice);
	// an update that ends below it starts another.
	noticed int64
}

// UpdateStats counts an Authorizer's snapshot updates since it started.
type UpdateStats struct {
	Patches int64 // updates made by patching the previous snapshot
	Builds  int64 // updates that loaded the whole graph: first use, a gap in the log, a change it does not follow
	Failed  int64
}

// Stats returns the update counts so far.
func (a *Authorizer) Stats() UpdateStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.updates
}

// New returns an Authorizer reading from store.
func New(store keyward.Store, opts Options) *Authorizer {
	if opts.Catalog == nil {
		opts.Catalog = policy.DefaultCatalog()
	}
	if opts.CatchUp <= 0 {
		opts.CatchUp = 2 * time.Second
	}
	a := &Authorizer{
		store:   store,
		cat:     opts.Catalog,
		catchUp: opts.CatchUp,
		tenant:  opts.RequireTenant,
		managed: map[keyward.PolicyID]*policyNode{},
		builtin: builtinRoles(opts.Catalog),
		byName:  map[string]*policyNode{},
		orgs:    map[keyward.OrgID]*orgState{},
	}
	if opts.Tracer != nil {
		a.tracer = opts.Tracer.Tracer(tracerName)
	}
	for _, m := range policy.ManagedPolicies(a.cat) {
		n := newPolicyNode(a.cat, policyNode{id: keyward.PolicyID(m.ID), name: m.Name, managed: true, doc: m.Doc})
		a.managed[n.id] = n
		a.byName[m.Name] = n
	}
	return a
}

// Catalog returns the catalog the Authorizer decides with.
func (a *Authorizer) Catalog() *policy.Catalog { return a.cat }

// Snapshot returns a snapshot of org at revision minRevision or later. It
// returns the current snapshot at once if it is recent enough, however
// many changes are committed after it: those are absorbed by the update in
// flight. Otherwise it waits for an update to reach minRevision (starting
// one if none is in flight). If the store itself has not reached
// minRevision within the catch-up bound (a write committed on another
// replica and not visible here yet), it returns CodeUnavailable.
func (a *Authorizer) Snapshot(ctx context.Context, org keyward.OrgID, minRevision int64) (*Snapshot, error) {
	deadline := time.Now().Add(a.catchUp)
	for {
		a.mu.Lock()
		st := a.state(org)
		if st.snap != nil && st.snap.Revision >= minRevision {
			s := st.snap
			a.mu.Unlock()
			return s, nil
		}
		wait := st.updating
		if wait == nil {
			wait = a.startUpdate(org, st)
		}
		a.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		a.mu.Lock()
		s, err := st.snap, st.err
		a.mu.Unlock()
		switch {
		case s != nil && s.Revision >= minRevision:
			return s, nil
		case err != nil:
			return nil, err
		}
		if err := a.awaitRevision(ctx, org, minRevision, deadline); err != nil {
			return nil, err
		}
	}
}

// Absorb waits until the snapshot of org, if the Authorizer holds one,
// is at revision rev or later. It builds none: an organization nobody has
// asked about yet is loaded on its first request.
func (a *Authorizer) Absorb(ctx context.Context, org keyward.OrgID, rev int64) error {
	a.mu.Lock()
	st := a.orgs[org]
	held := st != nil && st.snap != nil
	a.mu.Unlock()
	if !held {
		return nil
	}
	_, err := a.Snapshot(ctx, org, rev)
	return err
}

// Notice tells the Authorizer that revision rev of org is committed (a
// credential read at that revision, say). If the snapshot is older, an
// update starts in the background; Notice does not wait for it.
func (a *Authorizer) Notice(org keyward.OrgID, rev int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.orgs[org]
	if st == nil || st.snap == nil || st.snap.Revision >= rev {
		return
	}
	st.noticed = max(st.noticed, rev)
	if st.updating == nil {
		a.startUpdate(org, st)
	}
}

// state returns org's cache entry, made on first use. a.mu must be held.
func (a *Authorizer) state(org keyward.OrgID) *orgState {
	st := a.orgs[org]
	if st == nil {
		st = &orgState{docs: docCache{}}
		a.orgs[org] = st
	}
	return st
}

// startUpdate starts the update of org's snapshot and returns the channel
// closed when it ends. a.mu must be held, and no update be in flight.
func (a *Authorizer) startUpdate(org keyward.OrgID, st *orgState) chan struct{} {
	done := make(chan struct{})
	st.updating = done
	go a.update(org, st, done)
	return done
}

// updateTimeout bounds one update, which runs on behalf of every caller
// waiting for it and so under none of their contexts.
const updateTimeout = 30 * time.Second

// update brings st's snapshot up to the store's current revision, then
// closes done. Only one runs per organization at a time, so it alone uses
// st.docs.
func (a *Authorizer) update(org keyward.OrgID, st *orgState, done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), updateTimeout)
	defer cancel()
	a.mu.Lock()
	old := st.snap
	a.mu.Unlock()

	ctx, span := a.startUpdateSpan(ctx, string(org))
	s, whole, err := a.next(ctx, org, old, st.docs)
	endUpdateSpan(span, s, whole, err)

	a.mu.Lock()
	st.err = err
	switch {
	case err != nil:
		a.updates.Failed++
	case st.snap == nil || s.Revision > st.snap.Revision:
		st.snap = s
		a.count++
		if whole {
			a.builds++
			a.updates.Builds++
		} else {
			a.updates.Patches++
		}
	}
	st.updating = nil
	// A revision noticed during the update, and not reached by it, gets an
	// update of its own, if this one made progress (else the store is
	// behind what was noticed, and the next request will ask again).
	if err == nil && st.snap.Revision < st.noticed && (old == nil || st.snap.Revision > old.Revision) {
		a.startUpdate(org, st)
	}
	a.mu.Unlock()
	close(done)
}

// next returns the snapshot of org at the store's current revision, made
// from old by a patch when the change log allows (whole is false), else
// built from the whole graph. The reads happen in one read transaction,
// the building after it, holding no connection.
func (a *Authorizer) next(ctx context.Context, org keyward.OrgID, old *Snapshot, docs docCache) (s *Snapshot, whole bool, err error) {
	var g, part *keyward.Graph
	var c *keyward.GraphChanges
	err = a.store.ReadTx(ctx, func(tx keyward.Tx) error {
		g, part, c = nil, nil, nil
		if old != nil {
			var err error
			if c, err = tx.GraphChanges(ctx, org, old.Revision); err != nil {
				return err
			}
			if c.To <= old.Revision {
				return nil
			}
			if !c.All && c.From == old.Revision {
				part, err = tx.LoadGraphPart(ctx, org, c)
				return err
			}
		}
		var err error
		g, err = tx.LoadGraph(ctx, org)
		return err
	})
	switch {
	case err != nil:
		return nil, false, err
	case part != nil:
		return old.patch(part, c, docs), false, nil
	case g != nil:
		return a.build(g, docs), true, nil
	}
	return old, false, nil // nothing committed since old
}

// build makes the snapshot of the whole graph g.
func (a *Authorizer) build(g *keyward.Graph, docs docCache) *Snapshot {
	s := build(a.cat, shared{managed: a.managed, byName: a.byName, builtin: a.builtin}, g, docs)
	s.requireTenant = a.tenant
	return s
}

// awaitRevision polls the organization's revision, which is cheap to read,
// until the store has reached minRevision, so that the snapshot is rebuilt
// once rather than on every poll. It returns CodeUnavailable at deadline.
func (a *Authorizer) awaitRevision(ctx context.Context, org keyward.OrgID, minRevision int64, deadline time.Time) error {
	for {
		var rev int64
		err := a.store.ReadTx(ctx, func(tx keyward.Tx) error {
			o, err := tx.GetOrganization(ctx, org)
			if err == nil {
				rev = o.Revision
			}
			return err
		})
		switch {
		case err != nil:
			return err
		case rev >= minRevision:
			return nil
		case time.Now().After(deadline):
			return keyward.Errorf(keyward.CodeUnavailable,
				"This server has not caught up with revision %d of the organization yet (it has %d); retry.", minRevision, rev)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Invalidate forgets the cached snapshot of org, so the next request
// builds it from the whole graph.
func (a *Authorizer) Invalidate(org keyward.OrgID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if st := a.orgs[org]; st != nil {
		st.snap = nil
	}
}
