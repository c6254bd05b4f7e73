package keyward

import (
	"context"
	"time"
)

// LoginSessionPrefix starts every login session token keyward issues:
// kws_<session id>_<secret>.
const LoginSessionPrefix = "kws_"

// LoginSessionID identifies a login session.
type LoginSessionID string

// LoginSession is the credential a password login yields: a bearer token
// of one member in one organization, good until ExpiresAt or until logout,
// a password change or the end of the membership. Only the SHA-256 of its
// secret is stored.
type LoginSession struct {
	ID         LoginSessionID
	OrgID      OrgID
	UserID     UserID
	SecretHash []byte
	SourceIP   string // the address the login came from
	CreatedAt  time.Time
	ExpiresAt  time.Time
	// MFAAt is when the session verified a second factor (at login, or
	// when it confirmed an authenticator); nil if it never did.
	MFAAt *time.Time
	// MFAEnrollOnly is set, on the session a login returns, when the
	// organization requires MFA and the session verified none: it may
	// only enroll an authenticator. Not stored: it is decided again at
	// every request (Principal.MFAEnrollOnly).
	MFAEnrollOnly bool
}

// LoginFailures is an account's budget of failed password checks, shared
// by every replica: a leaky bucket holding Failures as of UpdatedAt (the
// service says how fast it leaks). LockedAt is when the failures filled
// the budget, nil if they did not as of UpdatedAt: a record for operators,
// since the count alone decides. An administrator's unlock clears it all.
type LoginFailures struct {
	AccountID UserID
	Failures  int
	LockedAt  *time.Time
	UpdatedAt time.Time
}

// LifecycleTx stores what organization lifecycle and password login need
// beyond the other sub-interfaces: deleted organizations, their purge,
// login sessions and login failures.
type LifecycleTx interface {
	// ListDeletedOrganizationsOwnedBy lists the deleted organizations whose
	// root owner is uid, in creation order.
	ListDeletedOrganizationsOwnedBy(ctx context.Context, uid UserID, p Page) ([]*Organization, PageInfo, error)
	// ListOrganizationsDeletedBefore returns up to limit organizations
	// deleted before t, oldest deletion first.
	ListOrganizationsDeletedBefore(ctx context.Context, t time.Time, limit int) ([]OrgID, error)
	// PurgeOrganization deletes the organization for good, with everything
	// in it (its audit trail included) and the service accounts it owned;
	// human accounts stay.
	PurgeOrganization(ctx context.Context, id OrgID) error

	// CreateLoginSession stores s; its user must be a member of its
	// organization.
	CreateLoginSession(ctx context.Context, s *LoginSession) error
	// GetLoginSession finds a session by ID in any organization, expired
	// or not. It serves authentication and logout.
	GetLoginSession(ctx context.Context, id LoginSessionID) (*LoginSession, error)
	// ListLoginSessions lists the account's sessions, in every
	// organization, that have not expired at now, in creation order.
	ListLoginSessions(ctx context.Context, uid UserID, now time.Time, p Page) ([]*LoginSession, PageInfo, error)
	// DeleteLoginSession ends one session of the account.
	DeleteLoginSession(ctx context.Context, uid UserID, id LoginSessionID) error
	// DeleteLoginSessionsOf ends every session of the account except
	// keep (which may be empty) and returns how many it ended.
	DeleteLoginSessionsOf(ctx context.Context, uid UserID, keep LoginSessionID) (int, error)

	// GetLoginFailures returns the account's failures; none stored is a
	// zero count, not CodeNotFound.
	GetLoginFailures(ctx context.Context, uid UserID) (*LoginFailures, error)
	// PutLoginFailures stores f, replacing what was stored.
	PutLoginFailures(ctx context.Context, f *LoginFailures) error
	// ClearLoginFailures forgets the account's failures.
	ClearLoginFailures(ctx context.Context, uid UserID) error
}
