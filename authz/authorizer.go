package authz

import (
	"context"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
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
}

// Authorizer keeps the latest snapshot of each organization it has been
// asked about. It is safe for concurrent use.
type Authorizer struct {
	store   keyward.Store
	cat     *policy.Catalog
	catchUp time.Duration
	tenant  bool // Options.RequireTenant
	managed map[keyward.PolicyID]*policyNode
	builtin map[keyward.RoleID]builtinRole
	inline  inlineCache
	byName  map[string]*policyNode

	mu    sync.Mutex
	orgs  map[keyward.OrgID]*orgState // guarded by mu
	count int                         // snapshots built, for tests; guarded by mu
}

// orgState is the cache of one organization.
type orgState struct {
	snap     *Snapshot
	docs     docCache
	building chan struct{} // closed when the build in flight ends; nil if none
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
	for _, m := range policy.ManagedPolicies(a.cat) {
		n := &policyNode{id: keyward.PolicyID(m.ID), name: m.Name, managed: true, doc: m.Doc}
		a.managed[n.id] = n
		a.byName[m.Name] = n
	}
	return a
}

// Catalog returns the catalog the Authorizer decides with.
func (a *Authorizer) Catalog() *policy.Catalog { return a.cat }

// Snapshot returns a snapshot of org at revision minRevision or later,
// building one if the cached one is older. Concurrent callers share one
// build. If the store itself has not reached minRevision within the
// catch-up bound (a write committed on another replica and not visible
// here yet), it returns CodeUnavailable.
func (a *Authorizer) Snapshot(ctx context.Context, org keyward.OrgID, minRevision int64) (*Snapshot, error) {
	deadline := time.Now().Add(a.catchUp)
	for {
		a.mu.Lock()
		st := a.orgs[org]
		if st == nil {
			st = &orgState{}
			a.orgs[org] = st
		}
		if st.snap != nil && st.snap.Revision >= minRevision {
			s := st.snap
			a.mu.Unlock()
			return s, nil
		}
		if wait := st.building; wait != nil {
			a.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		st.building = done
		prev := st.docs
		a.mu.Unlock()

		s, docs, err := a.load(ctx, org, prev)

		a.mu.Lock()
		st.building = nil
		if err == nil && (st.snap == nil || s.Revision > st.snap.Revision) {
			st.snap, st.docs = s, docs
			a.count++
		}
		a.mu.Unlock()
		close(done)
		if err != nil {
			return nil, err
		}
		if s.Revision >= minRevision {
			return s, nil
		}
		if err := a.awaitRevision(ctx, org, minRevision, deadline); err != nil {
			return nil, err
		}
	}
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
// rebuilds it.
func (a *Authorizer) Invalidate(org keyward.OrgID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if st := a.orgs[org]; st != nil {
		st.snap = nil
	}
}

func (a *Authorizer) load(ctx context.Context, org keyward.OrgID, prev docCache) (*Snapshot, docCache, error) {
	var g *keyward.Graph
	err := a.store.ReadTx(ctx, func(tx keyward.Tx) error {
		var err error
		g, err = tx.LoadGraph(ctx, org)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s, docs := build(a.cat, shared{managed: a.managed, builtin: a.builtin}, g, prev)
	s.byName, s.requireTenant = a.byName, a.tenant
	return s, docs, nil
}
