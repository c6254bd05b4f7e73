package service

import (
	"context"
	"net/netip"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
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
	// throttle holds the budgets in memory: by pairKey(email, address),
	// by accountKey(email), and by ipKey(address, or a purpose and a key).
	throttle *credential.Throttle
}

func newLogins(opts Options) *logins {
	l := &logins{retention: opts.OrgRetention, sessionTTL: opts.LoginSessionTTL, limits: opts.LoginLimits.withDefaults(),
		throttle: credential.NewThrottle()}
	if l.retention <= 0 {
		l.retention = DefaultOrgRetention
	}
	if l.sessionTTL <= 0 {
		l.sessionTTL = DefaultLoginSessionTTL
	}
	return l
}

// The keys of the budgets in logins.throttle: one address on one
// account, one account, and one address (or a purpose and a key).
func pairKey(email, ip string) string {
	return "pair\x00" + normalEmail(email) + "\x00" + addressKey(ip)
}
func accountKey(email string) string { return "account\x00" + normalEmail(email) }
func ipKey(key string) string        { return "ip\x00" + key }

// addressKey is what a budget of one source address is kept under: the
// address itself for IPv4, its /64 for IPv6. Whoever holds one IPv6
// address holds its whole /64 (a host, a home, a VM gets one), so a
// budget per address would be a budget per request for an attacker who
// rotates through it. Anything else (no address, a test's name) is kept
// as it is.
func addressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	if a = a.Unmap(); a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

func normalEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// reservePassword reserves one password check on the account of email
// from ip: a token of the account's budget from ip, of the account's own
// and of ip's.
func (l *logins) reservePassword(email, ip string, now time.Time) (*credential.Attempt, time.Duration) {
	return l.throttle.Reserve(now,
		credential.Budget{Key: pairKey(email, ip), N: l.limits.PerAccountAddress, Window: accountAddressWindow},
		credential.Budget{Key: accountKey(email), N: l.limits.PerAccount, Window: accountWindow},
		credential.Budget{Key: ipKey(addressKey(ip)), N: l.limits.PerAddress, Window: addressWindow})
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

// invitationRefusalsPerMinute bounds the refused invitation links one
// source address may present, describing or accepting: the endpoints are
// public, and an acceptance that creates an account hashes its password.
const invitationRefusalsPerMinute = 20

// The invitation emails one organization may send in an hour: to one
// address, and to every address together. Only callers who may invite
// spend them, and each organization has its own, so neither a stranger
// nor another organization holds up its invitations; they bound how
// often a careless or hostile inviter mails one person, and how much
// mail one organization makes this server send.
const (
	invitationMailsPerAddress = 5
	invitationMailsPerOrg     = 200
)

// reserveInvitationMail reserves one invitation email of org to email,
// to be given back (Refund) when it is not sent after all, or returns
// CodeRateLimited naming the field email_invited.
func (l *logins) reserveInvitationMail(org keyward.OrgID, email string, now time.Time) (*credential.Attempt, error) {
	key := "mail\x00" + string(org)
	try, d := l.throttle.Reserve(now,
		credential.Budget{Key: key + "\x00" + normalEmail(email), N: invitationMailsPerAddress, Window: time.Hour},
		credential.Budget{Key: key, N: invitationMailsPerOrg, Window: time.Hour})
	if try == nil {
		return nil, &keyward.Error{Code: keyward.CodeRateLimited, Detail: d, Field: "email_invited",
			Message: "Too many invitation emails from this organization (to " + email + ", or in all); try again in " +
				max(d.Round(time.Second), time.Second).String() + "."}
	}
	return try, nil
}

// reserveIP reserves one request keyed by key (a purpose and an
// organization) of a budget of perMinute a minute, for the audit budgets.
func (l *logins) reserveIP(key string, perMinute int, now time.Time) (*credential.Attempt, time.Duration) {
	return l.throttle.Reserve(now, credential.Budget{Key: ipKey(key), N: perMinute, Window: time.Minute})
}

// reserveFrom reserves one request of purpose from source address ip of
// the address's budget of perMinute a minute (its /64 for IPv6, see
// addressKey), for public endpoints other than the password login. A
// spent budget is CodeRateLimited, saying there were too many what from
// the address, whose Detail is the time.Duration to wait.
func (l *logins) reserveFrom(purpose, ip string, perMinute int, what string, now time.Time) (*credential.Attempt, error) {
	try, d := l.reserveIP(purpose+" "+addressKey(ip), perMinute, now)
	if try == nil {
		return nil, &keyward.Error{Code: keyward.CodeRateLimited, Detail: d,
			Message: "Too many " + what + " from this address; try again in " + max(d.Round(time.Second), time.Second).String() + "."}
	}
	return try, nil
}

// throttleRefusals runs check, which checks what the caller of a public
// endpoint presents, on its source address's budget of perMinute refused
// requests of purpose a minute (reserveFrom): the token is reserved
// before check runs, so that a burst gets no more checks than the budget
// holds, stays spent on every refusal (malformed input, an unknown or
// wrong secret, an unreachable issuer alike) and comes back only when
// check succeeds.
func throttleRefusals[T any](ctx context.Context, s *Service, purpose string, perMinute int, what string, check func(ip string) (T, error)) (T, error) {
	_, ip := keyward.RequestFromContext(ctx)
	try, err := s.logins.reserveFrom(purpose, ip, perMinute, what, s.now())
	if err != nil {
		var zero T
		return zero, err
	}
	out, err := check(ip)
	if err == nil {
		try.Refund(s.now())
	}
	return out, err
}

// forgive refills every budget of email's account (its own, and each
// address's on it), as when an administrator unlocks it.
func (l *logins) forgive(email string) {
	l.throttle.Forget([]string{accountKey(email)}, pairKey(email, ""))
}
