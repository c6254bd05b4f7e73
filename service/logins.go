package service

import (
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Login throttling: failed logins spend tokens of two buckets, one per
// account (by email) and one per source IP; while either is empty, logins
// are refused with CodeRateLimited before the password is even checked.
// The buckets are in memory, per server: they slow guessing down, and the
// lockout (stored, so shared by every replica) stops it.
const (
	accountFailuresPerMinute = 5
	ipFailuresPerMinute      = 20
	// lockoutThreshold is the number of consecutive failed logins that
	// locks an account until an administrator unlocks it.
	lockoutThreshold = 10
	// maxBuckets bounds each bucket map; past it, full buckets (which
	// hold nothing worth remembering) are dropped.
	maxBuckets = 100_000
)

// Defaults of the Options that logins serves.
const (
	DefaultOrgRetention    = 30 * 24 * time.Hour
	DefaultLoginSessionTTL = 12 * time.Hour
)

// logins holds the settings and the throttling state of password logins
// and of organization retention.
type logins struct {
	retention  time.Duration
	sessionTTL time.Duration
	mu         sync.Mutex
	accounts   map[string]*rate.Limiter // guarded by mu; by lower-cased email
	ips        map[string]*rate.Limiter // guarded by mu
}

func newLogins(opts Options) *logins {
	l := &logins{retention: opts.OrgRetention, sessionTTL: opts.LoginSessionTTL,
		accounts: map[string]*rate.Limiter{}, ips: map[string]*rate.Limiter{}}
	if l.retention <= 0 {
		l.retention = DefaultOrgRetention
	}
	if l.sessionTTL <= 0 {
		l.sessionTTL = DefaultLoginSessionTTL
	}
	return l
}

// bucket returns m's limiter for key, creating it full.
func bucket(m map[string]*rate.Limiter, key string, perMinute int, now time.Time) *rate.Limiter {
	if b := m[key]; b != nil {
		return b
	}
	if len(m) >= maxBuckets {
		for k, b := range m {
			if b.TokensAt(now) >= float64(b.Burst()) {
				delete(m, k)
			}
		}
	}
	b := rate.NewLimiter(rate.Limit(float64(perMinute)/60), perMinute)
	m[key] = b
	return b
}

// wait returns how long a login for email from ip must wait, 0 if it may
// go ahead now.
func (l *logins) wait(email, ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var d time.Duration
	for _, b := range []*rate.Limiter{
		bucket(l.accounts, strings.ToLower(email), accountFailuresPerMinute, now),
		bucket(l.ips, ip, ipFailuresPerMinute, now),
	} {
		if missing := 1 - b.TokensAt(now); missing > 0 {
			d = max(d, time.Duration(math.Ceil(missing/float64(b.Limit())*float64(time.Second))))
		}
	}
	return d
}

// failed spends one token of email's and of ip's bucket.
func (l *logins) failed(email, ip string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bucket(l.accounts, strings.ToLower(email), accountFailuresPerMinute, now).AllowN(now, 1)
	bucket(l.ips, ip, ipFailuresPerMinute, now).AllowN(now, 1)
}

// webIdentityFailuresPerMinute bounds the refused web identity tokens one
// source IP may present: the endpoint is public, and each refusal costs a
// signature check and an audit event.
const webIdentityFailuresPerMinute = 20

// waitIP returns how long a request keyed by key (a purpose and a source
// IP) must wait, 0 if it may go ahead now: the per-IP bucket alone, for
// public endpoints other than the password login.
func (l *logins) waitIP(key string, perMinute int, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := bucket(l.ips, key, perMinute, now)
	if missing := 1 - b.TokensAt(now); missing > 0 {
		return time.Duration(math.Ceil(missing / float64(b.Limit()) * float64(time.Second)))
	}
	return 0
}

// failedIP spends one token of key's bucket.
func (l *logins) failedIP(key string, perMinute int, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	bucket(l.ips, key, perMinute, now).AllowN(now, 1)
}

// forgive refills email's bucket, as when an administrator unlocks it.
func (l *logins) forgive(email string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.accounts, strings.ToLower(email))
}
