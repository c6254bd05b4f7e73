package keyward

import (
	"context"
	"time"
)

// RecoveryCodeCount is how many recovery codes an account receives when
// it confirms a TOTP authenticator.
const RecoveryCodeCount = 10

// TOTP is an account's time-based one-time password authenticator (RFC
// 6238: 6 digits, 30-second steps, HMAC-SHA1). Sealed is its seed
// encrypted with the server's MFA key, never the seed itself. It is
// pending until the account proves it holds the seed (Active), and only
// an active one is asked for at login. LastStep is the last step a code
// was accepted for: a code of that step or an earlier one is refused, so
// each code works once.
type TOTP struct {
	AccountID   UserID
	Sealed      []byte
	Active      bool
	LastStep    int64
	CreatedAt   time.Time
	ConfirmedAt *time.Time
}

// RecoveryCode is one of an account's single-use codes that stand in for
// a TOTP code. Only the SHA-256 of the code is stored. UsedAt is set once
// it is spent.
type RecoveryCode struct {
	ID        string
	AccountID UserID
	Hash      []byte
	UsedAt    *time.Time
	CreatedAt time.Time
}

// MFATx stores accounts' second factors, the organization setting that
// demands one, and the time a login session verified one.
type MFATx interface {
	// GetTOTP returns the account's authenticator, pending or active;
	// CodeNotFound if it has none.
	GetTOTP(ctx context.Context, uid UserID) (*TOTP, error)
	// PutTOTP stores t, replacing the account's authenticator if it has
	// one.
	PutTOTP(ctx context.Context, t *TOTP) error
	// UseTOTPStep records that a code of step was accepted, unless a code
	// of that step or a later one already was: it reports whether it
	// recorded it. Two requests presenting one code race here, and one
	// loses.
	UseTOTPStep(ctx context.Context, uid UserID, step int64) (bool, error)
	// DeleteMFA removes the account's authenticator and recovery codes,
	// and reports whether it had an authenticator.
	DeleteMFA(ctx context.Context, uid UserID) (bool, error)

	// ReplaceRecoveryCodes replaces the account's recovery codes with
	// codes of these hashes.
	ReplaceRecoveryCodes(ctx context.Context, uid UserID, hashes [][]byte) error
	// ListRecoveryCodes lists the account's unspent recovery codes.
	ListRecoveryCodes(ctx context.Context, uid UserID) ([]*RecoveryCode, error)
	// UseRecoveryCode spends code id of the account at time at, and
	// reports whether it was unspent until now.
	UseRecoveryCode(ctx context.Context, uid UserID, id string, at time.Time) (bool, error)

	// SetLoginSessionMFA records that session id verified a second factor
	// at time at.
	SetLoginSessionMFA(ctx context.Context, id LoginSessionID, at time.Time) error
	// RequireMFA reports whether the organization demands a second factor
	// of its local members.
	RequireMFA(ctx context.Context, org OrgID) (bool, error)
	// SetRequireMFA changes it.
	SetRequireMFA(ctx context.Context, org OrgID, on bool) error
}
