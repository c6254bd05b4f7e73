package service

import (
	"strings"
	"sync"
	"time"

	"github.com/keyward-iam/keyward"
)

// LoginLimits bounds failed password checks (logins and password
// changes). Each is a token bucket that holds its number of checks and
// refills evenly over its window: a check takes a token before the
// password is hashed and gives it back when the password was right, so
// only failures stay spent. A check finding any of its buckets empty is
// refused with CodeRateLimited before anything is hashed.
//
// The buckets are in memory, per server. The per-account budget is also
// kept in the database, so every replica shares it. It is the one budget
// that addresses other than the caller's can spend, so it is kept far
// above what one address may spend on one server in its window
// (PerAccountAddress at once and 6 times as many an hour): nobody locks
// an account's owner out without rotating addresses.
type LoginLimits struct {
	// PerAccountAddress is how many failed checks one source address may
	// make on one account in 10 minutes; default 5.
	PerAccountAddress int
	// PerAccount is how many failed checks one account may take in an
	// hour, from every address together; default 100.
	PerAccount int
	// PerAddress is how many failed checks one source address may make in
	// a minute, on every account together; default 20.
	PerAddress int
}

// DefaultLoginLimits are the LoginLimits that zero fields take.
var DefaultLoginLimits = LoginLimits{PerAccountAddress: 5, PerAccount: 100, PerAddress: 20}

func (l LoginLimits) withDefaults() LoginLimits {
	if l.PerAccountAddress <= 0 {
		l.PerAccountAddress = DefaultLoginLimits.PerAccountAddress
	}
	if l.PerAccount <= 0 {
		l.PerAccount = DefaultLoginLimits.PerAccount
	}
	if l.PerAddress <= 0 {
		l.PerAddress = DefaultLoginLimits.PerAddress
	}
	return l
}

// The windows of LoginLimits' budgets.
const (
	accountAddressWindow = 10 * time.Minute
	accountWindow        = time.Hour
	addressWindow        = time.Minute
)

// maxBuckets bounds each bucket map; past it, full buckets (which hold
// nothing worth remembering) are dropped.
const maxBuckets = 100_000

// Defaults of the Options that logins serves.
const (
	DefaultOrgRetention    = 30 * 24 * time.Hour
	DefaultLoginSessionTTL = 12 * time.Hour
)

// logins holds the settings and the throttling state of password logins,
// of the other public endpoints' budgets and of organization retention.
type logins struct {
	retention  time.Duration
	sessionTTL time.Duration
	limits     LoginLimits
	mu         sync.Mutex
	pairs      map[string]*bucket // guarded by mu; by pairKey(email, address)
	accounts   map[string]*bucket // guarded by mu; by lower-cased email
	ips        map[string]*bucket // guarded by mu; by address, or by a purpose and a key
}

func newLogins(opts Options) *logins {
	l := &logins{retention: opts.OrgRetention, sessionTTL: opts.LoginSessionTTL, limits: opts.LoginLimits.withDefaults(),
		pairs: map[string]*bucket{}, accounts: map[string]*bucket{}, ips: map[string]*bucket{}}
	if l.retention <= 0 {
		l.retention = DefaultOrgRetention
	}
	if l.sessionTTL <= 0 {
		l.sessionTTL = DefaultLoginSessionTTL
	}
	return l
}

// bucket is a token bucket of size tokens, one coming back every every.
// Its holder's mutex (logins.mu) guards it.
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

// budgetOf is the bucket key of a budget of n in window, in map m.
type budgetOf struct {
	m      map[string]*bucket
	key    string
	n      int
	window time.Duration
}

// get returns the bucket of k, creating it full; the caller holds mu.
func (k budgetOf) get(now time.Time) *bucket {
	if b := k.m[k.key]; b != nil {
		return b
	}
	if len(k.m) >= maxBuckets {
		for key, b := range k.m {
			if b.full(now) {
				delete(k.m, key)
			}
		}
	}
	b := &bucket{size: float64(k.n), every: k.window / time.Duration(k.n), tokens: float64(k.n), at: now}
	k.m[k.key] = b
	return b
}

// attempt is one token taken from each of its buckets by reserve, to be
// given back by refund when what it paid for turns out not to count.
type attempt struct {
	l       *logins
	buckets []*bucket
}

// reserve takes one token from each budget's bucket, all or none in one
// step under mu, so that concurrent callers never spend more than a
// budget holds. When any bucket is empty it takes nothing and returns how
// long until every one holds a token.
func (l *logins) reserve(now time.Time, budgets ...budgetOf) (*attempt, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := &attempt{l: l}
	var d time.Duration
	for _, k := range budgets {
		b := k.get(now)
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

// refund gives back a's tokens. A bucket forgotten meanwhile (forgive, or
// dropped when full) gets its token back to no effect.
func (a *attempt) refund(now time.Time) {
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	for _, b := range a.buckets {
		b.fill(now)
		b.tokens = min(b.size, b.tokens+1)
	}
}

// pairKey is the key of the budget of one address on one account.
func pairKey(email, ip string) string {
	return normalEmail(email) + "\x00" + ip
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// reservePassword reserves one password check on the account of email
// from ip: a token of the account's budget from ip, of the account's own
// and of ip's.
func (l *logins) reservePassword(email, ip string, now time.Time) (*attempt, time.Duration) {
	return l.reserve(now,
		budgetOf{l.pairs, pairKey(email, ip), l.limits.PerAccountAddress, accountAddressWindow},
		budgetOf{l.accounts, normalEmail(email), l.limits.PerAccount, accountWindow},
		budgetOf{l.ips, ip, l.limits.PerAddress, addressWindow})
}

// drain brings f, an account's stored budget, up to date at now: the
// budget is a leaky bucket holding f.Failures as of f.UpdatedAt, one
// leaking away every accountWindow/PerAccount. It returns how long until
// one more failure fits, 0 if one fits now. The caller holds f's row in
// a write transaction.
func (l *logins) drain(f *keyward.LoginFailures, now time.Time) time.Duration {
	every := accountWindow / time.Duration(l.limits.PerAccount)
	// UpdatedAt moves by whole leaks only, so that checks closer together
	// than every do not stop the leak.
	if n := int(now.Sub(f.UpdatedAt) / every); n >= f.Failures {
		f.Failures, f.UpdatedAt = 0, now
	} else if n > 0 {
		f.Failures -= n
		f.UpdatedAt = f.UpdatedAt.Add(time.Duration(n) * every)
	}
	if f.Failures < l.limits.PerAccount {
		return 0
	}
	return every - now.Sub(f.UpdatedAt)
}

// mark sets f.LockedAt when f's failures fill the account's budget and
// clears it when they do not.
func (l *logins) mark(f *keyward.LoginFailures, now time.Time) {
	switch {
	case f.Failures < l.limits.PerAccount:
		f.LockedAt = nil
	case f.LockedAt == nil:
		f.LockedAt = &now
	}
}

// webIdentityFailuresPerMinute bounds the refused web identity tokens one
// source IP may present: the endpoint is public, and each refusal costs a
// signature check (or a discovery attempt) and an audit event.
const webIdentityFailuresPerMinute = 20

// reserveIP reserves one request keyed by key (a purpose and a source IP
// or an organization) of a budget of perMinute a minute, for public
// endpoints other than the password login and for audit budgets.
func (l *logins) reserveIP(key string, perMinute int, now time.Time) (*attempt, time.Duration) {
	return l.reserve(now, budgetOf{l.ips, key, perMinute, time.Minute})
}

// forgive refills every budget of email's account (its own, and each
// address's on it), as when an administrator unlocks it.
func (l *logins) forgive(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	email = normalEmail(email)
	delete(l.accounts, email)
	for k := range l.pairs {
		if strings.HasPrefix(k, email+"\x00") {
			delete(l.pairs, k)
		}
	}
}
