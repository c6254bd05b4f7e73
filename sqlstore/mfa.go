package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/keyward-iam/keyward"
)

// GetTOTP returns the account's authenticator, pending or active.
func (t *tx) GetTOTP(ctx context.Context, uid keyward.UserID) (*keyward.TOTP, error) {
	const op = "sqlstore.GetTOTP"
	m := &keyward.TOTP{AccountID: uid}
	var created int64
	var confirmed sql.NullInt64
	err := t.tx.QueryRowContext(ctx, "SELECT secret, active, last_step, created_at, confirmed_at FROM mfa_totp WHERE account_id = $1", uid).
		Scan(&m.Sealed, &m.Active, &m.LastStep, &created, &confirmed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "No TOTP authenticator is enrolled.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	m.CreatedAt, m.ConfirmedAt = fromMicros(created), fromNullMicros(confirmed)
	return m, nil
}

// PutTOTP stores m, replacing the account's authenticator.
func (t *tx) PutTOTP(ctx context.Context, m *keyward.TOTP) error {
	const op = "sqlstore.PutTOTP"
	t.touch("", changeNone, "")
	if m.CreatedAt.IsZero() {
		m.CreatedAt = t.now
	}
	m.CreatedAt, m.ConfirmedAt = micro(m.CreatedAt), microPtr(m.ConfirmedAt)
	_, err := t.execChecked(ctx, `INSERT INTO mfa_totp (account_id, secret, active, last_step, created_at, confirmed_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (account_id) DO UPDATE SET secret = $2, active = $3, last_step = $4, created_at = $5, confirmed_at = $6`,
		m.AccountID, m.Sealed, m.Active, m.LastStep, m.CreatedAt.UnixMicro(), nullMicros(m.ConfirmedAt))
	return dbError(op, err, keyward.Errorf(keyward.CodeNotFound, "Account not found."))
}

// UseTOTPStep moves last_step up to step, in one conditional update, so
// that of two transactions presenting one code only one moves it.
func (t *tx) UseTOTPStep(ctx context.Context, uid keyward.UserID, step int64) (bool, error) {
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "UPDATE mfa_totp SET last_step = $2 WHERE account_id = $1 AND last_step < $2", uid, step))
	return n == 1, dbError("sqlstore.UseTOTPStep", err, nil)
}

// DeleteMFA removes the account's authenticator and recovery codes.
func (t *tx) DeleteMFA(ctx context.Context, uid keyward.UserID) (bool, error) {
	const op = "sqlstore.DeleteMFA"
	t.touch("", changeNone, "")
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM mfa_recovery_codes WHERE account_id = $1", uid); err != nil {
		return false, dbError(op, err, nil)
	}
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM mfa_totp WHERE account_id = $1", uid))
	return n == 1, dbError(op, err, nil)
}

// ReplaceRecoveryCodes replaces the account's recovery codes.
func (t *tx) ReplaceRecoveryCodes(ctx context.Context, uid keyward.UserID, hashes [][]byte) error {
	const op = "sqlstore.ReplaceRecoveryCodes"
	t.touch("", changeNone, "")
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM mfa_recovery_codes WHERE account_id = $1", uid); err != nil {
		return dbError(op, err, nil)
	}
	for _, h := range hashes {
		if _, err := t.execChecked(ctx, "INSERT INTO mfa_recovery_codes (id, account_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
			keyward.NewID(t.now), uid, h, t.now.UnixMicro()); err != nil {
			return dbError(op, err, keyward.Errorf(keyward.CodeNotFound, "Account not found."))
		}
	}
	return nil
}

// ListRecoveryCodes lists the account's unspent recovery codes.
func (t *tx) ListRecoveryCodes(ctx context.Context, uid keyward.UserID) ([]*keyward.RecoveryCode, error) {
	const op = "sqlstore.ListRecoveryCodes"
	rows, err := t.tx.QueryContext(ctx,
		"SELECT id, code_hash, created_at FROM mfa_recovery_codes WHERE account_id = $1 AND used_at IS NULL ORDER BY id", uid)
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var codes []*keyward.RecoveryCode
	for rows.Next() {
		c := &keyward.RecoveryCode{AccountID: uid}
		var created int64
		if err := rows.Scan(&c.ID, &c.Hash, &created); err != nil {
			return nil, dbError(op, err, nil)
		}
		c.CreatedAt = fromMicros(created)
		codes = append(codes, c)
	}
	return codes, dbError(op, rows.Err(), nil)
}

// UseRecoveryCode spends one code, in one conditional update.
func (t *tx) UseRecoveryCode(ctx context.Context, uid keyward.UserID, id string, at time.Time) (bool, error) {
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx,
		"UPDATE mfa_recovery_codes SET used_at = $3 WHERE account_id = $1 AND id = $2 AND used_at IS NULL", uid, id, micro(at).UnixMicro()))
	return n == 1, dbError("sqlstore.UseRecoveryCode", err, nil)
}

// SetLoginSessionMFA records when session id verified a second factor.
func (t *tx) SetLoginSessionMFA(ctx context.Context, id keyward.LoginSessionID, at time.Time) error {
	const op = "sqlstore.SetLoginSessionMFA"
	t.touch("", changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "UPDATE login_sessions SET mfa_at = $2 WHERE id = $1", id, micro(at).UnixMicro()))
	return changedOne(op, n, err, nil, "Login session not found.")
}

// RequireMFA reports whether the organization demands a second factor.
func (t *tx) RequireMFA(ctx context.Context, org keyward.OrgID) (bool, error) {
	const op = "sqlstore.RequireMFA"
	var on bool
	err := t.tx.QueryRowContext(ctx, "SELECT require_mfa FROM organizations WHERE id = $1", org).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound(op, "Organization not found.")
	}
	return on, dbError(op, err, nil)
}

// SetRequireMFA changes whether the organization demands a second factor.
// The access graph does not hold the setting: sessions read it when they
// authenticate.
func (t *tx) SetRequireMFA(ctx context.Context, org keyward.OrgID, on bool) error {
	const op = "sqlstore.SetRequireMFA"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "UPDATE organizations SET require_mfa = $2 WHERE id = $1", org, on))
	return changedOne(op, n, err, nil, "Organization not found.")
}
