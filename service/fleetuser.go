package service

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// FleetUserInput is a local user a fleet administrator creates in an
// organization: a human account with a password, as seed 004's fleet
// administrator sets it at creation.
type FleetUserInput struct {
	Email    string
	Name     string
	Password string
}

// FleetCreateUser creates a local user of organization org with a password
// and no policy: what it may do, the organization's administrators grant.
// The caller needs fleet.user.Create; the organization must be live and in
// the local identity mode (CodeConflict naming identity_mode otherwise).
// The change is in org's audit trail and the fleet's.
func (s *Service) FleetCreateUser(ctx context.Context, org keyward.OrgID, in FleetUserInput) (*keyward.User, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.user.Create", string(org)); err != nil {
		return nil, err
	}
	if in.Password == "" {
		return nil, keyward.FieldError("password", "password is required: a local user logs in with the password its fleet administrator sets.")
	}
	acct, member, err := s.newUser(UserInput{Email: in.Email, Name: in.Name, Password: in.Password})
	if err != nil {
		return nil, err
	}
	var u *keyward.User
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if _, err := liveOrg(ctx, tx, org); err != nil {
			return err
		}
		if u, err = s.insertUser(ctx, tx, p, org, acct, member, "fleet.user.Create"); err != nil {
			return err
		}
		return s.recordFleet(ctx, tx, p, org, change{Action: "fleet.user.Create", TargetType: "user", TargetID: string(u.Account.ID), After: viewUser(u)})
	})
	return u, err
}

// FleetSetPassword sets the password of local user id of organization org
// and ends its login sessions; the caller needs fleet.user.SetPassword and
// the organization must be in the local identity mode. Like an
// organization administrator, a fleet administrator changes only an
// account that belongs to that organization alone and is not its root
// owner (checkAccountOwner).
func (s *Service) FleetSetPassword(ctx context.Context, org keyward.OrgID, id keyward.UserID, password string) error {
	return s.fleetWritePassword(ctx, org, id, password, "fleet.user.SetPassword")
}

// FleetInvalidatePassword removes the password of local user id of
// organization org, in either identity mode, and ends its login sessions;
// the caller needs fleet.user.InvalidatePassword.
func (s *Service) FleetInvalidatePassword(ctx context.Context, org keyward.OrgID, id keyward.UserID) error {
	return s.fleetWritePassword(ctx, org, id, "", "fleet.user.InvalidatePassword")
}

// fleetWritePassword performs action, setting password or, for
// fleet.user.InvalidatePassword, removing it; the password is checked and
// hashed once the caller is authorized, outside the transaction.
func (s *Service) fleetWritePassword(ctx context.Context, org keyward.OrgID, id keyward.UserID, password, action string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorizeFleet(ctx, p, action, string(id)); err != nil {
		return err
	}
	hash := ""
	if action == "fleet.user.SetPassword" {
		if err := credential.CheckPassword("password", password); err != nil {
			return err
		}
		if hash, err = s.hasher.Hash(password); err != nil {
			return err
		}
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if _, err := liveOrg(ctx, tx, org); err != nil {
			return err
		}
		u, err := userOf(ctx, tx, org, id)
		if err != nil {
			return err
		}
		if u.Service {
			return keyward.FieldError("password", "A service user is API-only and cannot have a password.")
		}
		if err := checkAccountOwner(ctx, tx, p, u, "password"); err != nil {
			return err
		}
		c, err := s.storePassword(ctx, tx, p, org, u, hash, action)
		if err != nil {
			return err
		}
		return s.recordFleet(ctx, tx, p, org, c)
	})
}
