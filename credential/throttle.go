package credential

import (
	"strings"
	"sync"
	"time"
)

// MaxBudgets bounds how many budgets a Throttle remembers; past it, full
// ones (which hold nothing worth remembering: a new budget starts full)
// are dropped, by a sweep at most every sweepEvery.
const MaxBudgets = 300_000

// sweepEvery spaces the sweeps for full budgets. A sweep reads every
// budget while holding the Throttle's lock; without a pause, a Throttle
// kept at MaxBudgets by budgets that are not full (many addresses
// failing at once) would sweep at every new key, and every throttled
// request would wait for it. Between sweeps new keys are added anyway.
const sweepEvery = time.Second

// A Throttle holds token-bucket budgets in memory, by key: each holds N
// tokens and refills evenly over its window. It is what keyward throttles
// password checks, web identity tokens and the other public endpoints
// with (service decides which budgets each request spends). It is safe
// for concurrent use.
type Throttle struct {
	mu      sync.Mutex
	buckets map[string]*bucket // guarded by mu
	swept   time.Time          // guarded by mu: the last sweep for full budgets
	sweeps  int                // guarded by mu: how many there were, for tests
}

// NewThrottle returns a Throttle holding no budget yet.
func NewThrottle() *Throttle { return &Throttle{buckets: map[string]*bucket{}} }

// A Budget names one bucket of a Throttle: Key, holding N tokens that come
// back evenly over Window. The first use of a key makes its bucket, full.
type Budget struct {
	Key    string
	N      int
	Window time.Duration
}

// bucket is a token bucket of size tokens, one coming back every every.
// Its Throttle's mutex guards it.
type bucket struct {
	size   float64
	every  time.Duration
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

// fill brings b's tokens up to date at now.
func (b *bucket) fill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(b.size, b.tokens+float64(d)/float64(b.every))
		b.at = now
	}
}

// wait returns how long until b holds a whole token, 0 if it does now.
func (b *bucket) wait(now time.Time) time.Duration {
	b.fill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) * float64(b.every))
}

// full reports whether b holds as many tokens as a new bucket.
func (b *bucket) full(now time.Time) bool {
	b.fill(now)
	return b.tokens >= b.size
}

// get returns the bucket of k, creating it full; the caller holds mu.
func (t *Throttle) get(k Budget, now time.Time) *bucket {
	if b := t.buckets[k.Key]; b != nil {
		return b
	}
	if len(t.buckets) >= MaxBudgets && now.Sub(t.swept) >= sweepEvery {
		t.swept = now
		t.sweeps++
		for key, b := range t.buckets {
			if b.full(now) {
				delete(t.buckets, key)
			}
		}
	}
	b := &bucket{size: float64(k.N), every: k.Window / time.Duration(k.N), tokens: float64(k.N), at: now}
	t.buckets[k.Key] = b
	return b
}

// An Attempt is one token taken from each of its budgets by Reserve, to be
// given back by Refund when what it paid for turns out not to count (a
// right password).
type Attempt struct {
	t       *Throttle
	buckets []*bucket
}

// Reserve takes one token from each budget, all or none in one step, so
// that concurrent callers never spend more than a budget holds. When any
// budget is empty it takes nothing and returns a nil Attempt and how long
// until every one holds a token.
func (t *Throttle) Reserve(now time.Time, budgets ...Budget) (*Attempt, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := &Attempt{t: t}
	var d time.Duration
	for _, k := range budgets {
		b := t.get(k, now)
		d = max(d, b.wait(now))
		a.buckets = append(a.buckets, b)
	}
	if d > 0 {
		return nil, d
	}
	for _, b := range a.buckets {
		b.tokens--
	}
	return a, 0
}

// Refund gives back a's tokens. A budget forgotten meanwhile (Forget, or
// dropped when full) gets its token back to no effect.
func (a *Attempt) Refund(now time.Time) {
	a.t.mu.Lock()
	defer a.t.mu.Unlock()
	for _, b := range a.buckets {
		b.fill(now)
		b.tokens = min(b.size, b.tokens+1)
	}
}

// Forget refills the budgets of the keys, and of every key that starts
// with one of the prefixes, as when an administrator unlocks an account.
func (t *Throttle) Forget(keys []string, prefixes ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.buckets, k)
	}
	if len(prefixes) == 0 {
		return
	}
	for k := range t.buckets {
		for _, p := range prefixes {
			if strings.HasPrefix(k, p) {
				delete(t.buckets, k)
			}
		}
	}
}
