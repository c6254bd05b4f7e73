package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// orgMember returns user id of organization org, as acted on by the
// caller with action: the organization, the caller seen in it, and the
// user. The root owner is refused here for every action but reading: no
// one removes, suspends or demotes the root owner.
func (s *Service) orgMember(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.UserID, action, verb string) (*keyward.Principal, *keyward.User, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, nil, err
	}
	_, actor, err := s.orgActor(ctx, tx, p, org, action, string(id))
	if err != nil {
		return nil, nil, err
	}
	u, err := userOf(ctx, tx, org, id)
	if err != nil {
		return nil, nil, err
	}
	if u.Owner {
		return nil, nil, keyward.Errorf(keyward.CodeConflict, "The root owner cannot be %s.", verb)
	}
	return actor, u, nil
}

// RemoveOrgUser removes a user from an organization: the membership and,
// in that organization, its group memberships, role bindings, policy
// attachments, role trusts, API keys and login sessions go, its role
// sessions end and its pending invitations are revoked (see removeMember).
// The account and its other organizations stay; a service user's account,
// which belongs to this organization alone, goes. The root owner cannot be
// removed.
func (s *Service) RemoveOrgUser(ctx context.Context, org keyward.OrgID, id keyward.UserID) error {
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		actor, u, err := s.orgMember(ctx, tx, org, id, "iam.organization.RemoveUser", "removed")
		if err != nil {
			return err
		}
		fx, err := removeMember(ctx, tx, org, u)
		if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, actor, org, change{
			Action: "iam.organization.RemoveUser", TargetType: "user", TargetID: string(id), Before: viewUser(u), After: fx.afterDelete(),
		})
		return err
	})
}

// removeMember is the one way a member leaves org, whoever removes it. Its
// role sessions end; its pending invitations are revoked (what it may no
// longer grant, they may not either); its membership goes with everything
// it holds in org (MemberTx.DeleteMember), role trusts included, so that
// an account that rejoins starts with nothing; and a service user's
// account, which belongs to org alone, goes too. It returns what it ended,
// for the removal's audit event.
func removeMember(ctx context.Context, tx keyward.Tx, org keyward.OrgID, u *keyward.User) (effects, error) {
	var fx effects
	id := u.Member.UserID
	n, err := tx.EndUserRoleSessions(ctx, org, id, tx.Now())
	if err != nil {
		return fx, err
	}
	fx.SessionsEnded = n
	if fx.InvitationsRevoked, err = tx.RevokeInvitationsBy(ctx, org, id, tx.Now()); err != nil {
		return fx, err
	}
	if err := tx.DeleteMember(ctx, org, id); err != nil {
		return fx, err
	}
	if u.Service {
		if n, err := tx.CountMemberships(ctx, id); err != nil {
			return fx, err
		} else if n == 0 {
			if err := tx.DeleteAccount(ctx, id); err != nil {
				return fx, err
			}
		}
	}
	return fx, nil
}

// SuspendUser suspends a member: its API keys, login sessions and logins
// are refused in that organization until UnsuspendUser, and its role
// sessions end for good (a session is granted to the member as it was, so
// unsuspending does not bring one back); nothing is deleted. Suspending a
// suspended member changes nothing. The root owner cannot be suspended,
// nor can callers suspend themselves.
func (s *Service) SuspendUser(ctx context.Context, org keyward.OrgID, id keyward.UserID) error {
	return s.setSuspended(ctx, org, id, true)
}

// UnsuspendUser lifts a member's suspension: everything it had works
// again, but the role sessions the suspension ended. Unsuspending an
// active member changes nothing.
func (s *Service) UnsuspendUser(ctx context.Context, org keyward.OrgID, id keyward.UserID) error {
	return s.setSuspended(ctx, org, id, false)
}

func (s *Service) setSuspended(ctx context.Context, org keyward.OrgID, id keyward.UserID, suspend bool) error {
	action, verb := "iam.organization.UnsuspendUser", "unsuspended"
	if suspend {
		action, verb = "iam.organization.SuspendUser", "suspended"
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		actor, u, err := s.orgMember(ctx, tx, org, id, action, verb)
		if err != nil {
			return err
		}
		if suspend && id == actor.UserID {
			return keyward.Errorf(keyward.CodeConflict, "You cannot suspend yourself.")
		}
		return s.suspendMember(ctx, tx, actor, u, suspend)
	})
}

// suspendMember suspends u (or lifts its suspension) inside tx and commits
// the change, done by actor (nil: the external actor of ctx, such as a
// SCIM token). Suspending ends u's role sessions; its keys and login
// sessions are refused while it stays suspended, which Authenticate
// checks at every call. A member already in that state is left alone.
func (s *Service) suspendMember(ctx context.Context, tx keyward.Tx, actor *keyward.Principal, u *keyward.User, suspend bool) error {
	action := "iam.organization.UnsuspendUser"
	if suspend {
		action = "iam.organization.SuspendUser"
	}
	if (u.Status == keyward.StatusSuspended) == suspend {
		return nil
	}
	before := viewUser(u)
	now := tx.Now()
	u.Status, u.SuspendedAt, u.Member.UpdatedAt = keyward.StatusActive, nil, now
	if suspend {
		u.Status, u.SuspendedAt = keyward.StatusSuspended, &now
	}
	if err := tx.UpdateMember(ctx, &u.Member); err != nil {
		return err
	}
	var fx effects
	if suspend {
		var err error
		if fx.SessionsEnded, err = tx.EndUserRoleSessions(ctx, u.OrgID, u.Member.UserID, now); err != nil {
			return err
		}
	}
	_, err := s.commit(ctx, tx, actor, u.OrgID, change{
		Action: action, TargetType: "user", TargetID: string(u.Member.UserID), Before: before, After: struct {
			userView
			effects
		}{viewUser(u), fx},
	})
	return err
}

// ListSuspendedUsers lists the suspended members of an organization.
func (s *Service) ListSuspendedUsers(ctx context.Context, org keyward.OrgID, page keyward.Page) ([]*keyward.User, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.User, keyward.PageInfo, error) {
		if _, _, err := s.orgActor(ctx, tx, p, org, "iam.organization.ListSuspendedUsers", ""); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		return tx.ListUsers(ctx, org, keyward.UserFilter{Status: keyward.StatusSuspended, Page: page})
	})
}

// TransferOwnership makes another member the organization's root owner;
// the caller, who must be the root owner, becomes a normal member (with
// whatever roles and policies it has). The new owner must be an active
// human member.
func (s *Service) TransferOwnership(ctx context.Context, org keyward.OrgID, to keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := checkID("user_id", string(to)); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		o, actor, err := s.orgActor(ctx, tx, p, org, "iam.organization.TransferOwnership", "")
		if err != nil {
			return err
		}
		if actor.Kind != keyward.KindRootOwner {
			return errNotRootOwner("transfer its ownership")
		}
		u, err := tx.GetUser(ctx, org, to)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.FieldError("user_id", "User %s is not a member of this organization.", to)
		}
		if err != nil {
			return err
		}
		switch {
		case u.Owner:
			return keyward.FieldError("user_id", "User %s is already the root owner.", to)
		case u.Service:
			return keyward.FieldError("user_id", "A service user cannot own an organization.")
		case u.Status != keyward.StatusActive:
			return keyward.FieldError("user_id", "User %s is suspended; unsuspend it first.", to)
		}
		old, err := tx.GetUser(ctx, org, actor.UserID)
		if err != nil {
			return err
		}
		now := tx.Now()
		// One root owner per organization: demote before promoting.
		old.Owner, old.Member.UpdatedAt = false, now
		if err := tx.UpdateMember(ctx, &old.Member); err != nil {
			return err
		}
		u.Owner, u.Member.UpdatedAt = true, now
		if err := tx.UpdateMember(ctx, &u.Member); err != nil {
			return err
		}
		o.OwnerID, o.UpdatedAt = to, now
		if err := tx.UpdateOrganization(ctx, o); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, actor, org, change{
			Action: "iam.organization.TransferOwnership", TargetType: "organization", TargetID: string(org),
			Before: map[string]any{"owner_id": old.Account.ID}, After: map[string]any{"owner_id": to},
		})
		return err
	})
}
