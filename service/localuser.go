package service

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/credential"
)

// ChangePassword changes the caller's own password, given the current one,
// and ends the account's other login sessions (the one the caller used, if
// token is one, stays). A wrong current password counts as a failed login
// (see Login), and a spent budget is CodeRateLimited.
func (s *Service) ChangePassword(ctx context.Context, token, current, next string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if p.Session != nil {
		return refuse("iam.user.ChangePassword", authz.LayerSessionPolicy, "a role session cannot change its user's password")
	}
	if err := s.authorize(ctx, p, "iam.user.ChangePassword", string(p.UserID)); err != nil {
		return err
	}
	if current == "" {
		return keyward.FieldError("current_password", "current_password is required.")
	}
	if err := credential.CheckPassword("new_password", next); err != nil {
		return err
	}
	var acct *keyward.Account
	if err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		acct, err = tx.GetAccount(ctx, p.UserID)
		return err
	}); err != nil {
		return err
	}
	if acct.Service {
		return keyward.FieldError("new_password", "A service user is API-only and cannot have a password.")
	}
	// The current password is checked like a login's, on the same
	// budgets: a stolen session must not guess it faster.
	if err := s.guarded(ctx, acct, func() error {
		if acct.PasswordHash == "" || !s.hasher.Verify(current, acct.PasswordHash) {
			return &keyward.Error{Code: keyward.CodeInvalid, Field: "current_password", Message: "The current password is wrong.", Err: errWrongSecret}
		}
		return nil
	}); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(next)
	if err != nil {
		return err
	}
	keep, _, _ := parseSessionToken(token)
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		a, err := tx.GetAccount(ctx, p.UserID)
		if err != nil {
			return err
		}
		a.PasswordHash, a.UpdatedAt = hash, tx.Now()
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		ended, err := tx.DeleteLoginSessionsOf(ctx, p.UserID, keep)
		if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.user.ChangePassword", TargetType: "user", TargetID: string(p.UserID),
			After: map[string]any{"sessions_ended": ended},
		})
		return err
	})
}

// localUser returns user id of the caller's organization for an
// administrator's action on its credentials (what names them, such as
// "password" or "second factor"; field is the request field a service
// user's refusal names): a human account that belongs to this organization
// alone (an account in several organizations is its owner's to manage),
// and not the root owner unless the caller is.
func (s *Service) localUser(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.UserID, action, field, what string) (*keyward.User, error) {
	u, err := userOf(ctx, tx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, action, string(id)); err != nil {
		return nil, err
	}
	if u.Service {
		return nil, keyward.FieldError(field, "A service user is API-only and has no %s.", what)
	}
	if err := checkAccountOwner(ctx, tx, p, u, what); err != nil {
		return nil, err
	}
	// Every action here but taking a password away helps someone into the
	// account: a password another member sets is a credential it hands
	// itself, a second factor removed or a lockout lifted (so that the
	// guessing goes on) opens the way to one. Whoever does it must hold
	// everything the account holds.
	if action != "iam.user.InvalidatePassword" && id != p.UserID {
		if err := s.checkCovers(ctx, p, id); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// SetPassword sets the password of a local user of the caller's
// organization and ends the account's login sessions.
func (s *Service) SetPassword(ctx context.Context, id keyward.UserID, password string) error {
	if err := credential.CheckPassword("password", password); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return err
	}
	return s.writePassword(ctx, id, hash, "iam.user.SetPassword")
}

// InvalidatePassword removes the password of a local user of the caller's
// organization: it can no longer log in, and its login sessions end. Its
// API keys keep working until they are revoked.
func (s *Service) InvalidatePassword(ctx context.Context, id keyward.UserID) error {
	return s.writePassword(ctx, id, "", "iam.user.InvalidatePassword")
}

func (s *Service) writePassword(ctx context.Context, id keyward.UserID, hash, action string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := s.localUser(ctx, tx, p, id, action, "password", "password")
		if err != nil {
			return err
		}
		_, err = s.storePassword(ctx, tx, p, p.OrgID, u, hash, action)
		return err
	})
}

// storePassword sets u's password hash ("" invalidates it) and ends its
// login sessions, committing the change as action in org, done by p. A
// password is set only in an organization in the local identity mode.
func (s *Service) storePassword(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, u *keyward.User, hash, action string) (change, error) {
	if hash != "" {
		if err := checkLocalIdentity(ctx, tx, org, "set passwords"); err != nil {
			return change{}, err
		}
	}
	u.PasswordHash, u.Account.UpdatedAt = hash, tx.Now()
	if err := tx.UpdateAccount(ctx, &u.Account); err != nil {
		return change{}, err
	}
	ended, err := tx.DeleteLoginSessionsOf(ctx, u.Account.ID, "")
	if err != nil {
		return change{}, err
	}
	c := change{Action: action, TargetType: "user", TargetID: string(u.Account.ID), After: map[string]any{"sessions_ended": ended}}
	_, err = s.commit(ctx, tx, p, org, c)
	return c, err
}

// UnlockUser refills every budget of failed password checks of a user's
// account, the stored one and this server's in memory (other servers'
// refill with time), so it may log in again at once. It obeys the rule of
// passwords (localUser): only for an account of this organization alone,
// not the root owner's, and only by a caller who holds all it holds.
func (s *Service) UnlockUser(ctx context.Context, id keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	var email string
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		u, err := s.localUser(ctx, tx, p, id, "iam.user.Update", "user_id", "sign-in lockout")
		if err != nil {
			return err
		}
		email = u.Email
		if err := tx.ClearLoginFailures(ctx, id); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{Action: "iam.user.Unlock", TargetType: "user", TargetID: string(id)})
		return err
	})
	if err == nil {
		s.logins.forgive(email)
	}
	return err
}
