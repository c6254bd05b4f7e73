package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// catalogCheckEvery is how often a server reads the stored catalog's
// revision to learn of a change made through another replica.
const catalogCheckEvery = time.Second

// engine is the Authorizer of the current catalog together with what it
// takes to make the next one when the catalog changes.
type engine struct {
	cur  atomic.Pointer[authz.Authorizer]
	opts authz.Options        // Catalog aside
	base []policy.CatalogPart // the deployment's parts, the stored one aside

	mu       sync.Mutex   // serializes catalog loads
	revision atomic.Int64 // of the stored part the current catalog includes
	checked  atomic.Int64 // when the revision was last read, unix nanoseconds
}

// newEngine returns an engine deciding with the catalog of base alone,
// until Load reads the stored part.
func newEngine(store keyward.Store, base []policy.CatalogPart, opts authz.Options) (*engine, error) {
	cat, err := policy.Compose(base...)
	if err != nil {
		return nil, err
	}
	e := &engine{opts: opts, base: base}
	opts.Catalog = cat
	e.cur.Store(authz.New(store, opts))
	return e, nil
}

// engine returns the Authorizer decisions are made with.
func (s *Service) engine() *authz.Authorizer { return s.eng.cur.Load() }

// catalog returns the action catalog: the one way the service reaches it.
func (s *Service) catalog() *policy.Catalog { return s.engine().Catalog() }

// LoadCatalog reads the catalog part stored through the API and, if it
// changed since the last load, starts deciding with the catalog it makes
// with the deployment's own parts. A stored part that no longer composes
// with them (a file now declares an action the part declares too) is an
// error naming both, and the catalog stays as it was. The server calls it
// at start; afterwards requests call it at most once a second
// (refreshCatalog).
func (s *Service) LoadCatalog(ctx context.Context) error {
	e := s.eng
	e.mu.Lock()
	defer e.mu.Unlock()
	var doc []byte
	var rev int64
	if err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) (err error) {
		doc, rev, err = tx.GetCatalog(ctx)
		return err
	}); err != nil {
		return err
	}
	e.checked.Store(s.now().UnixNano())
	if rev == e.revision.Load() {
		return nil
	}
	part, err := storedPart(doc)
	if err != nil {
		return err
	}
	return s.useCatalog(part, rev)
}

// useCatalog makes the catalog of the base parts and part, stored at
// revision rev, current. Every snapshot is made anew with it, on first use.
// The caller holds e.mu.
func (s *Service) useCatalog(part policy.CatalogPart, rev int64) error {
	e := s.eng
	cat, err := policy.Compose(append(e.base[:len(e.base):len(e.base)], part)...)
	if err != nil {
		return fmt.Errorf("the catalog stored through the API (revision %d) does not go with the deployment's catalog files: %w", rev, err)
	}
	opts := e.opts
	opts.Catalog = cat
	e.cur.Store(authz.New(s.store, opts))
	e.revision.Store(rev)
	return nil
}

// refreshCatalog calls LoadCatalog if the stored revision was last read
// more than catalogCheckEvery ago. A failure is logged, not returned: the
// request goes on with the catalog it has.
func (s *Service) refreshCatalog(ctx context.Context) {
	e := s.eng
	last := e.checked.Load()
	now := s.now().UnixNano()
	if now-last < int64(catalogCheckEvery) || !e.checked.CompareAndSwap(last, now) {
		return
	}
	if err := s.LoadCatalog(ctx); err != nil {
		s.log.ErrorContext(ctx, "loading the stored catalog", "err", err)
	}
}

// storedPart decodes the stored catalog part; nil is the empty part.
func storedPart(doc []byte) (policy.CatalogPart, error) {
	if len(doc) == 0 {
		return policy.CatalogPart{Source: policy.SourceAPI}, nil
	}
	var part policy.CatalogPart
	if err := json.Unmarshal(doc, &part); err != nil {
		return part, fmt.Errorf("the stored catalog does not read: %w", err)
	}
	part.Source = policy.SourceAPI
	return part, nil
}
