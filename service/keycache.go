package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
)

// keyCacheTTL is how long a verified API key is trusted without reading
// the database again. It bounds how stale this server may be about a
// change committed elsewhere (another replica, or a tool writing to the
// database directly); changes committed through this Service drop the
// organization's keys at once.
const keyCacheTTL = time.Second

// keyCacheMax bounds the keys held; past it, new keys are not cached
// until expired ones make room.
const keyCacheMax = 100_000

// keyCache remembers the API keys that authenticated, so that a client
// sending many requests with one key costs one database read per ttl
// (keyCacheTTL) rather than three queries per request. An entry holds what
// Authenticate verified: the SHA-256 of the secret, the key's expiry and
// the principal it resolved to.
//
// Entries are invalidated by generation: every invalidation advances gen
// and records it for the organization (or for all). An entry carries the
// gen read before the database read that produced it, so an entry read
// while a write to its organization was committing is never used: it is
// stale from birth.
type keyCache struct {
	ttl  time.Duration
	mu   sync.Mutex
	keys map[keyward.APIKeyID]*cachedKey // guarded by mu
	gen  uint64                          // guarded by mu
	org  map[keyward.OrgID]uint64        // guarded by mu: the gen of each organization's last invalidation
	all  uint64                          // guarded by mu: the gen of the last invalidation of every organization
}

type cachedKey struct {
	sum       [sha256.Size]byte
	expiresAt *time.Time // the key's own expiry; nil: never
	principal keyward.Principal
	gen       uint64
	until     time.Time // wall clock
}

// newKeyCache returns a cache whose entries live for ttl (wall clock).
func newKeyCache(ttl time.Duration) *keyCache {
	return &keyCache{ttl: ttl, keys: map[keyward.APIKeyID]*cachedKey{}, org: map[keyward.OrgID]uint64{}}
}

// generation returns the current generation, to be read before the
// database read whose result is then put with it.
func (c *keyCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns the principal of key id with secret sum, if it was verified
// less than the cache's ttl ago, its organization has not changed through this
// Service since, and it has not expired at now (the service clock).
func (c *keyCache) get(id keyward.APIKeyID, sum [sha256.Size]byte, now time.Time) (keyward.Principal, bool) {
	c.mu.Lock()
	e := c.keys[id]
	valid := e != nil && e.gen >= c.all && e.gen >= c.org[e.principal.OrgID] && time.Now().Before(e.until)
	c.mu.Unlock()
	if !valid || subtle.ConstantTimeCompare(sum[:], e.sum[:]) != 1 {
		return keyward.Principal{}, false
	}
	if e.expiresAt != nil && !now.Before(*e.expiresAt) {
		return keyward.Principal{}, false
	}
	return e.principal, true
}

// put caches key k, whose secret hashes to sum, as resolving to p; gen is
// what generation returned before k was read.
func (c *keyCache) put(k *keyward.APIKey, sum [sha256.Size]byte, p keyward.Principal, gen uint64) {
	e := &cachedKey{sum: sum, expiresAt: k.ExpiresAt, principal: p, gen: gen, until: time.Now().Add(c.ttl)}
	e.principal.RequestID, e.principal.SourceIP = "", ""
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.keys) >= keyCacheMax {
		now := time.Now()
		for id, old := range c.keys {
			if !now.Before(old.until) {
				delete(c.keys, id)
			}
		}
		if len(c.keys) >= keyCacheMax {
			return
		}
	}
	c.keys[k.ID] = e
}

// invalidate drops the cached keys of orgs, or of every organization when
// orgs is empty.
func (c *keyCache) invalidate(orgs []keyward.OrgID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if len(orgs) == 0 {
		c.all = c.gen
		clear(c.keys)
		return
	}
	for _, o := range orgs {
		c.org[o] = c.gen
	}
}

// invalidatingStore is the Service's store: once a write transaction
// ends, it invalidates the cached keys of every organization whose
// revision the transaction bumped (every change does, through commit), or
// of all organizations if it committed without bumping one. So a key
// revoked, or a member suspended, removed or denied API access, through
// this Service is refused from the next request on.
type invalidatingStore struct {
	keyward.Store
	keys *keyCache
}

func (s invalidatingStore) WriteTx(ctx context.Context, fn func(keyward.Tx) error) error {
	var bumps []bump
	err := s.Store.WriteTx(ctx, func(tx keyward.Tx) error {
		bumps = bumps[:0] // a retried transaction starts over
		return fn(revisionRecorder{Tx: tx, bumps: &bumps})
	})
	orgs := make([]keyward.OrgID, 0, len(bumps))
	for _, b := range bumps {
		orgs = append(orgs, b.org)
	}
	// A failed commit may still have committed; dropping the keys of the
	// organizations it touched costs one read each.
	if err == nil || len(orgs) > 0 {
		s.keys.invalidate(orgs)
	}
	if sc := txScopeOf(ctx); err == nil && sc != nil {
		sc.committed(bumps)
	}
	return err
}

// bump is a revision a transaction bumped an organization to.
type bump struct {
	org keyward.OrgID
	rev int64
}

// revisionRecorder is a transaction that records the organizations whose
// revision it bumps, and to what.
type revisionRecorder struct {
	keyward.Tx
	bumps *[]bump
}

func (t revisionRecorder) BumpRevision(ctx context.Context, id keyward.OrgID) (int64, error) {
	rev, err := t.Tx.BumpRevision(ctx, id)
	*t.bumps = append(*t.bumps, bump{id, rev})
	return rev, err
}
