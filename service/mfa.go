package service

import (
	"context"
	"crypto/cipher"
	"errors"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
)

// errWrongSecret marks, in an error's chain, a wrong guess of a secret the
// caller presented (a password, a TOTP code, a recovery code): the check
// that found it stays spent on the budgets of failed checks.
var errWrongSecret = errors.New("wrong secret")

// SecondFactor is what a caller presents to prove it holds an account's
// authenticator: a TOTP code or one of its recovery codes, not both.
type SecondFactor struct {
	TOTPCode     string
	RecoveryCode string
}

func (f SecondFactor) empty() bool { return f.TOTPCode == "" && f.RecoveryCode == "" }

// normal checks f's shape (CodeInvalid naming the field) and returns it
// with the TOTP code's spaces dropped.
func (f SecondFactor) normal() (SecondFactor, error) {
	if f.TOTPCode != "" && f.RecoveryCode != "" {
		return f, keyward.FieldError("recovery_code", "Send totp_code or recovery_code, not both.")
	}
	if f.TOTPCode != "" {
		code, err := checkTOTPCode("totp_code", f.TOTPCode)
		f.TOTPCode = code
		return f, err
	}
	if len(f.RecoveryCode) > 64 {
		return f, keyward.FieldError("recovery_code", "recovery_code is not a recovery code.")
	}
	return f, nil
}

// errWrongFactor is the one answer to a second factor that is wrong,
// outside the time window, already used or spent: which of them it was
// helps only a guesser.
func errWrongFactor(f SecondFactor) error {
	field := "totp_code"
	if f.RecoveryCode != "" {
		field = "recovery_code"
	}
	return &keyward.Error{Code: keyward.CodeUnauthenticated, Field: field, Err: errWrongSecret,
		Message: "The MFA code is wrong, expired or already used."}
}

// errMFARequired answers a login of an account with an active
// authenticator that presented no code.
func errMFARequired() error {
	return &keyward.Error{Code: keyward.CodeMFARequired, Field: "totp_code",
		Message: "This account uses multi-factor authentication: send the code of your authenticator app as totp_code (or a recovery code as recovery_code) with your email and password."}
}

// mfaKey returns the server key that seals TOTP seeds. It may write the
// key, so it is called before, never inside, a transaction.
func (s *Service) mfaKey(ctx context.Context) (cipher.AEAD, error) {
	return s.totpKey.aead(ctx, s)
}

// activeTOTP returns the account's authenticator if it is active, nil if
// it has none or a pending one.
func activeTOTP(ctx context.Context, tx keyward.Tx, uid keyward.UserID) (*keyward.TOTP, error) {
	m, err := tx.GetTOTP(ctx, uid)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && !m.Active {
		return nil, nil
	}
	return m, err
}

// spendFactor checks f against the account's active authenticator in tx
// and spends what it used, so that it never works again: the code's time
// step (UseTOTPStep, which also refuses an earlier step) or the recovery
// code. Two transactions presenting one code race on that conditional
// update, and one loses. It reports whether f was a recovery code, and
// returns errWrongFactor when f does not verify.
func (s *Service) spendFactor(ctx context.Context, tx keyward.Tx, key cipher.AEAD, uid keyward.UserID, f SecondFactor) (recovery bool, err error) {
	m, err := activeTOTP(ctx, tx, uid)
	if err != nil {
		return false, err
	}
	if m == nil {
		return false, errWrongFactor(f)
	}
	if f.RecoveryCode != "" {
		codes, err := tx.ListRecoveryCodes(ctx, uid)
		if err != nil {
			return false, err
		}
		id, ok := matchRecoveryCode(codes, f.RecoveryCode)
		if ok {
			ok, err = tx.UseRecoveryCode(ctx, uid, id, tx.Now())
		}
		if err == nil && !ok {
			err = errWrongFactor(f)
		}
		return true, err
	}
	seed, err := openSeed(key, uid, m.Sealed)
	if err != nil {
		return false, err
	}
	step, ok := matchTOTP(seed, f.TOTPCode, s.now(), m.LastStep)
	if ok {
		ok, err = tx.UseTOTPStep(ctx, uid, step)
	}
	if err == nil && !ok {
		err = errWrongFactor(f)
	}
	return false, err
}

// guarded runs check, which verifies a secret of acct that the caller
// presents, on the budgets of failed password checks, as Login does: it
// reserves a token of each before, keeps them spent when check fails with
// errWrongSecret in its chain, and gives them back otherwise.
func (s *Service) guarded(ctx context.Context, acct *keyward.Account, check func() error) error {
	_, ip := keyward.RequestFromContext(ctx)
	try, err := s.reservePasswordCheck(acct.Email, ip)
	if err != nil {
		return err
	}
	if _, err := s.chargeAccount(ctx, acct.ID); err != nil {
		try.Refund(s.now())
		return err
	}
	err = check()
	if errors.Is(err, errWrongSecret) {
		return err
	}
	try.Refund(s.now())
	if rerr := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error { return s.refundAccount(ctx, tx, acct.ID) }); err == nil {
		err = rerr
	}
	return err
}

// MFAStatus is an account's second factor as its owner sees it. TOTP is
// "none", "pending" (enrolled, not confirmed) or "active".
type MFAStatus struct {
	TOTP              string
	ConfirmedAt       *time.Time
	RecoveryCodesLeft int
}

// TOTPEnrollment is a pending authenticator: its seed (base32) and its
// otpauth:// URI for an authenticator app. It is shown once.
type TOTPEnrollment struct {
	Secret string
	URI    string
}

// selfMFA authorizes the caller's action on its own second factor and
// returns its account: a role session acts as its role and has none, and
// a service user is API-only.
func (s *Service) selfMFA(ctx context.Context, action string) (*keyward.Principal, *keyward.Account, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	if p.Session != nil {
		return nil, nil, refuse(action, authz.LayerSessionPolicy, "a role session has no second factor of its own")
	}
	if err := s.authorize(ctx, p, action, string(p.UserID)); err != nil {
		return nil, nil, err
	}
	var acct *keyward.Account
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		acct, err = tx.GetAccount(ctx, p.UserID)
		return err
	})
	if err == nil && acct.Service {
		err = keyward.Errorf(keyward.CodeUnprocessable, "A service user is API-only: it signs in with keys, never with a password and a second factor.")
	}
	return p, acct, err
}

// GetMFA returns the state of the caller's own second factor.
func (s *Service) GetMFA(ctx context.Context) (*MFAStatus, error) {
	p, _, err := s.selfMFA(ctx, "iam.user.ReadMFA")
	if err != nil {
		return nil, err
	}
	st := &MFAStatus{TOTP: "none"}
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		m, err := tx.GetTOTP(ctx, p.UserID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		st.TOTP, st.ConfirmedAt = "pending", m.ConfirmedAt
		if m.Active {
			st.TOTP = "active"
		}
		codes, err := tx.ListRecoveryCodes(ctx, p.UserID)
		st.RecoveryCodesLeft = len(codes)
		return err
	})
	return st, err
}

// EnrollTOTP starts the enrolment of a TOTP authenticator for the
// caller's own account: a fresh seed, stored sealed and pending, replacing
// a pending one. It asks for nothing at login until ConfirmTOTP. An
// account whose authenticator is active gets CodeConflict: it disables
// that one first.
func (s *Service) EnrollTOTP(ctx context.Context) (*TOTPEnrollment, error) {
	p, acct, err := s.selfMFA(ctx, "iam.user.EnrollMFA")
	if err != nil {
		return nil, err
	}
	key, err := s.mfaKey(ctx)
	if err != nil {
		return nil, err
	}
	otpKey, err := newTOTPKey(acct.Email)
	if err != nil {
		return nil, err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if m, err := activeTOTP(ctx, tx, p.UserID); err != nil || m != nil {
			if err == nil {
				err = keyward.Errorf(keyward.CodeConflict, "An authenticator is already active: disable it (with a code) before enrolling another.")
			}
			return err
		}
		if err := tx.PutTOTP(ctx, &keyward.TOTP{AccountID: p.UserID, Sealed: sealSeed(key, p.UserID, otpKey.Secret())}); err != nil {
			return err
		}
		_, err := s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.user.EnrollMFA", TargetType: "user", TargetID: string(p.UserID),
			After: map[string]any{"totp": "pending"}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &TOTPEnrollment{Secret: otpKey.Secret(), URI: otpKey.URL()}, nil
}

// ConfirmTOTP activates the caller's pending authenticator, given one of
// its codes, and returns keyward.RecoveryCodeCount recovery codes, shown
// this once (only their hashes are kept). The code is checked on the
// budgets of failed password checks. When the caller used a login
// session, that session has now verified a second factor.
func (s *Service) ConfirmTOTP(ctx context.Context, code string) ([]string, error) {
	p, acct, err := s.selfMFA(ctx, "iam.user.EnrollMFA")
	if err != nil {
		return nil, err
	}
	if code, err = checkTOTPCode("totp_code", code); err != nil {
		return nil, err
	}
	key, err := s.mfaKey(ctx)
	if err != nil {
		return nil, err
	}
	codes, hashes := newRecoveryCodes()
	err = s.guarded(ctx, acct, func() error {
		return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
			m, err := tx.GetTOTP(ctx, p.UserID)
			if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && m.Active {
				return keyward.Errorf(keyward.CodeConflict, "There is no pending authenticator to confirm: enroll one first.")
			}
			if err != nil {
				return err
			}
			seed, err := openSeed(key, p.UserID, m.Sealed)
			if err != nil {
				return err
			}
			step, ok := matchTOTP(seed, code, s.now(), m.LastStep)
			if !ok {
				return errWrongFactor(SecondFactor{TOTPCode: code})
			}
			now := tx.Now()
			m.Active, m.LastStep, m.ConfirmedAt = true, step, &now
			if err := tx.PutTOTP(ctx, m); err != nil {
				return err
			}
			if err := tx.ReplaceRecoveryCodes(ctx, p.UserID, hashes); err != nil {
				return err
			}
			if p.LoginSession != "" {
				if err := tx.SetLoginSessionMFA(ctx, p.LoginSession, now); err != nil {
					return err
				}
			}
			_, err = s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.user.ConfirmMFA", TargetType: "user", TargetID: string(p.UserID),
				After: map[string]any{"totp": "active", "recovery_codes": len(codes)}})
			return err
		})
	})
	if errors.Is(err, errWrongSecret) {
		s.recordMFAFailure(ctx, p, "iam.user.ConfirmMFA")
	}
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP removes the caller's active authenticator and its recovery
// codes, given a current code or a recovery code (checked on the budgets
// of failed password checks). An organization that requires MFA keeps its
// members' authenticators: CodeConflict, and an administrator's ResetMFA
// is the way out for a lost one.
func (s *Service) DisableTOTP(ctx context.Context, f SecondFactor) error {
	p, acct, err := s.selfMFA(ctx, "iam.user.DisableMFA")
	if err != nil {
		return err
	}
	if f, err = f.normal(); err != nil {
		return err
	}
	if f.empty() {
		return keyward.FieldError("totp_code", "totp_code (or recovery_code) is required to disable multi-factor authentication.")
	}
	key, err := s.mfaKey(ctx)
	if err != nil {
		return err
	}
	err = s.guarded(ctx, acct, func() error {
		return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
			on, err := tx.RequireMFA(ctx, p.OrgID)
			if err != nil {
				return err
			}
			if on {
				return keyward.Errorf(keyward.CodeConflict, "Your organization requires multi-factor authentication: it cannot be disabled. An administrator may reset it.")
			}
			if m, err := activeTOTP(ctx, tx, p.UserID); err != nil || m == nil {
				if err == nil {
					err = keyward.Errorf(keyward.CodeConflict, "No authenticator is active: there is nothing to disable.")
				}
				return err
			}
			recovery, err := s.spendFactor(ctx, tx, key, p.UserID, f)
			if err != nil {
				return err
			}
			if _, err := tx.DeleteMFA(ctx, p.UserID); err != nil {
				return err
			}
			_, err = s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.user.DisableMFA", TargetType: "user", TargetID: string(p.UserID),
				After: map[string]any{"totp": "none", "by_recovery_code": recovery}})
			return err
		})
	})
	if errors.Is(err, errWrongSecret) {
		s.recordMFAFailure(ctx, p, "iam.user.DisableMFA")
	}
	return err
}

// recordMFAFailure records, in its own transaction, that p presented a
// wrong second factor to action. It is a record for the audit trail: a
// failure to write it is logged, and the caller's answer stays the
// refusal.
func (s *Service) recordMFAFailure(ctx context.Context, p *keyward.Principal, action string) {
	err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return s.record(ctx, tx, p, p.OrgID, change{Action: "iam.user.MFAFailed", TargetType: "user", TargetID: string(p.UserID),
			After: map[string]any{"during": action}})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "record a failed MFA check", "error", err.Error(), "account", p.UserID)
	}
}

// ResetMFA removes the second factor of another member of the caller's
// organization, who lost its authenticator, and ends its login sessions.
// It needs iam.user.ResetMFA and obeys the rule of passwords (localUser):
// the account belongs to this organization alone and is not its root
// owner. The caller's own is DisableTOTP's, which asks for a code.
func (s *Service) ResetMFA(ctx context.Context, id keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if id == p.UserID {
		return keyward.Errorf(keyward.CodeConflict, "To remove your own second factor, disable it with a code (DELETE /v2/users/me/mfa/totp).")
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := s.localUser(ctx, tx, p, id, "iam.user.ResetMFA", "user_id", "second factor")
		if err != nil {
			return err
		}
		had, err := tx.DeleteMFA(ctx, u.Account.ID)
		if err != nil {
			return err
		}
		ended, err := tx.DeleteLoginSessionsOf(ctx, u.Account.ID, "")
		if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.user.ResetMFA", TargetType: "user", TargetID: string(id),
			After: map[string]any{"had_totp": had, "sessions_ended": ended}})
		return err
	})
}

// RequireMFA reports whether the caller's organization requires its local
// members to sign in with a second factor.
func (s *Service) RequireMFA(ctx context.Context, org keyward.OrgID) (bool, error) {
	p, err := caller(ctx)
	if err != nil {
		return false, err
	}
	if err := s.authorize(ctx, p, "iam.organization.Read", string(org)); err != nil {
		return false, err
	}
	var on bool
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if org != p.OrgID {
			return notFound("Organization")
		}
		on, err = tx.RequireMFA(ctx, org)
		return err
	})
	return on, err
}

// SetRequireMFA turns the caller's organization's MFA requirement on or
// off (iam.organization.Update); on nil is CodeInvalid, once the caller
// may know. While it is on, a local member without
// an active authenticator who logs in gets a session that may only enroll
// one (see authorize), and members cannot disable theirs.
func (s *Service) SetRequireMFA(ctx context.Context, org keyward.OrgID, set *bool) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorize(ctx, p, "iam.organization.Update", string(org)); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if org != p.OrgID {
			return notFound("Organization")
		}
		if set == nil {
			return keyward.FieldError("require_mfa", "require_mfa is required: true or false.")
		}
		on := *set
		was, err := tx.RequireMFA(ctx, org)
		if err != nil {
			return err
		}
		if err := tx.SetRequireMFA(ctx, org, on); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, org, change{Action: "iam.organization.Update", TargetType: "organization", TargetID: string(org),
			Before: map[string]any{"require_mfa": was}, After: map[string]any{"require_mfa": on}})
		return err
	})
}
