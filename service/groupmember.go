package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// AddGroupMember adds a user or service user of the caller's organization
// to a group. A user of another organization is CodeNotFound, an existing
// member CodeConflict, and a group with Limits.MembersPerGroup members
// CodeConflict.
func (s *Service) AddGroupMember(ctx context.Context, id keyward.GroupID, user keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := checkID("user_id", string(user)); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, err := groupOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantGroup, id: string(id), to: keyward.PrincipalUser}); err != nil {
			return err
		}
		if g.FromIdP() {
			return errFromIdP("group", "members", "user_id")
		}
		if _, err := userOf(ctx, tx, p.OrgID, user); err != nil {
			return err
		}
		n, err := tx.CountGroupMembers(ctx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := checkLimit("members_per_group", n, s.limits.MembersPerGroup, "a group may have at most %d members"); err != nil {
			return err
		}
		m := &keyward.GroupMember{OrgID: p.OrgID, GroupID: id, UserID: user, AddedAt: tx.Now(), AddedBy: p.UserID}
		if err := tx.AddGroupMember(ctx, m); keyward.ErrorCode(err) == keyward.CodeConflict {
			return &keyward.Error{Code: keyward.CodeConflict, Field: "user_id", Message: "The user is already a member of group " + g.Name + "."}
		} else if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.group.AddMember", TargetType: "group", TargetID: string(id), After: memberView{id, user},
		})
		return err
	})
}

// RemoveGroupMember removes a user from a group. The user loses what it
// held through the group at once, and the role sessions it made through
// the group's trusts end; a user who is not a member is CodeNotFound.
func (s *Service) RemoveGroupMember(ctx context.Context, id keyward.GroupID, user keyward.UserID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.writeGroup(ctx, p, id, "iam.group.RemoveMember", func(ctx context.Context, tx keyward.Tx, g *keyward.Group) error {
		if g.FromIdP() {
			return errFromIdP("group", "members", "user_id")
		}
		if !keyward.ValidID(string(user)) {
			return notFound("Group member")
		}
		if err := s.removeGroupMember(ctx, tx, p, p.OrgID, id, user); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("Group member")
		} else if err != nil {
			return err
		}
		return nil
	})
}

// removeGroupMember removes user from group id of org inside tx, ending
// the role sessions it made through the group's trusts, and commits the
// change, done by p (nil: the external actor of ctx). A user who is not a
// member is the store's CodeNotFound.
func (s *Service) removeGroupMember(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, id keyward.GroupID, user keyward.UserID) error {
	if err := tx.RemoveGroupMember(ctx, org, id, user); err != nil {
		return err
	}
	var fx effects
	var err error
	if fx.SessionsEnded, err = tx.EndGroupRoleSessions(ctx, org, id, user, tx.Now()); err != nil {
		return err
	}
	_, err = s.commit(ctx, tx, p, org, change{
		Action: "iam.group.RemoveMember", TargetType: "group", TargetID: string(id), Before: memberView{id, user}, After: fx.afterDelete(),
	})
	return err
}

// ListGroupMembers lists a group's members in the order they were added.
func (s *Service) ListGroupMembers(ctx context.Context, id keyward.GroupID, page keyward.Page) ([]*keyward.GroupMemberView, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.GroupMemberView, keyward.PageInfo, error) {
		if _, err := groupOf(ctx, tx, p.OrgID, id); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		if err := s.authorize(ctx, p, "iam.group.ListMembers", string(id)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		return tx.ListGroupMembers(ctx, p.OrgID, id, page)
	})
}
