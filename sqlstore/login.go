package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/keyward-iam/keyward"
)

const loginSessionColumns = "s.id, s.org_id, s.user_id, s.secret_hash, s.source_ip, s.created_at, s.expires_at, s.mfa_at"

func scanLoginSession(sc scanner) (*keyward.LoginSession, error) {
	var (
		s                keyward.LoginSession
		created, expires int64
		mfa              sql.NullInt64
	)
	if err := sc.Scan(&s.ID, &s.OrgID, &s.UserID, &s.SecretHash, &s.SourceIP, &created, &expires, &mfa); err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.MFAAt = fromMicros(created), fromMicros(expires), fromNullMicros(mfa)
	return &s, nil
}

// CreateLoginSession inserts s, giving it an ID and a creation time if it
// has none. Its user must be a member of its organization.
func (t *tx) CreateLoginSession(ctx context.Context, s *keyward.LoginSession) error {
	const op = "sqlstore.CreateLoginSession"
	t.touch(s.OrgID, changeNone, "")
	setID(&s.ID, t.now)
	if s.CreatedAt.IsZero() {
		s.CreatedAt = t.now
	}
	s.CreatedAt, s.ExpiresAt, s.MFAAt = micro(s.CreatedAt), micro(s.ExpiresAt), microPtr(s.MFAAt)
	_, err := t.execChecked(ctx, `INSERT INTO login_sessions
		(id, org_id, user_id, secret_hash, source_ip, created_at, expires_at, mfa_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		s.ID, s.OrgID, s.UserID, s.SecretHash, s.SourceIP, s.CreatedAt.UnixMicro(), s.ExpiresAt.UnixMicro(), nullMicros(s.MFAAt))
	return dbError(op, err, errNoMember)
}

// GetLoginSession finds a session by ID in any organization.
func (t *tx) GetLoginSession(ctx context.Context, id keyward.LoginSessionID) (*keyward.LoginSession, error) {
	const op = "sqlstore.GetLoginSession"
	s, err := scanLoginSession(t.tx.QueryRowContext(ctx, "SELECT "+loginSessionColumns+" FROM login_sessions s WHERE s.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Login session not found.")
	}
	return s, dbError(op, err, nil)
}

// ListLoginSessions lists the account's sessions that have not expired at
// now, in creation order.
func (t *tx) ListLoginSessions(ctx context.Context, uid keyward.UserID, now time.Time, p keyward.Page) ([]*keyward.LoginSession, keyward.PageInfo, error) {
	return list(ctx, t, listing{
		op:   "sqlstore.ListLoginSessions",
		cols: loginSessionColumns,
		from: "FROM login_sessions s WHERE s.user_id = $1 AND s.expires_at > $2",
		args: []any{uid, now.UnixMicro()},
		key:  "s.id",
	}, p, scanLoginSession, func(s *keyward.LoginSession) string { return string(s.ID) })
}

// DeleteLoginSession ends one session of the account.
func (t *tx) DeleteLoginSession(ctx context.Context, uid keyward.UserID, id keyward.LoginSessionID) error {
	const op = "sqlstore.DeleteLoginSession"
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM login_sessions WHERE id = $1 AND user_id = $2", id, uid))
	return changedOne(op, n, err, nil, "Login session not found.")
}

// DeleteLoginSessionsOf ends every session of the account but keep.
func (t *tx) DeleteLoginSessionsOf(ctx context.Context, uid keyward.UserID, keep keyward.LoginSessionID) (int, error) {
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM login_sessions WHERE user_id = $1 AND id <> $2", uid, keep))
	return int(n), dbError("sqlstore.DeleteLoginSessionsOf", err, nil)
}

// GetLoginFailures returns the account's failed password checks; none
// stored is a zero count.
func (t *tx) GetLoginFailures(ctx context.Context, uid keyward.UserID) (*keyward.LoginFailures, error) {
	const op = "sqlstore.GetLoginFailures"
	f := &keyward.LoginFailures{AccountID: uid}
	var locked sql.NullInt64
	var updated int64
	err := t.tx.QueryRowContext(ctx, "SELECT failures, locked_at, updated_at FROM login_failures WHERE account_id = $1", uid).
		Scan(&f.Failures, &locked, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	f.LockedAt, f.UpdatedAt = fromNullMicros(locked), fromMicros(updated)
	return f, nil
}

// PutLoginFailures stores f, replacing what was stored.
func (t *tx) PutLoginFailures(ctx context.Context, f *keyward.LoginFailures) error {
	const op = "sqlstore.PutLoginFailures"
	t.touch("", changeNone, "")
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = t.now
	}
	f.UpdatedAt, f.LockedAt = micro(f.UpdatedAt), microPtr(f.LockedAt)
	_, err := t.execChecked(ctx, `INSERT INTO login_failures (account_id, failures, locked_at, updated_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id) DO UPDATE SET failures = $2, locked_at = $3, updated_at = $4`,
		f.AccountID, f.Failures, nullMicros(f.LockedAt), f.UpdatedAt.UnixMicro())
	return dbError(op, err, keyward.Errorf(keyward.CodeNotFound, "Account not found."))
}

// ClearLoginFailures forgets the account's failures.
func (t *tx) ClearLoginFailures(ctx context.Context, uid keyward.UserID) error {
	t.touch("", changeNone, "")
	_, err := t.tx.ExecContext(ctx, "DELETE FROM login_failures WHERE account_id = $1", uid)
	return dbError("sqlstore.ClearLoginFailures", err, nil)
}
