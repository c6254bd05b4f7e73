package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
)

// GroupInput is the body of group create and update. Update replaces both
// fields, as Vultr's client always sends both.
type GroupInput struct {
	Name        string // Vultr's display_name
	Description string
}

// GroupDetail is a group as the API shows it: with the first page
// (keyward.DefaultPerPage) of its members, in the order they were added.
type GroupDetail struct {
	keyward.Group
	Members []*keyward.GroupMemberView
	// AssignedAt is when the group got what lists it (a policy, a user's
	// membership), where the listing knows; zero otherwise.
	AssignedAt time.Time
}

type groupView struct {
	ID          keyward.GroupID `json:"id"`
	Name        string          `json:"display_name"`
	Description string          `json:"description"`
	Source      string          `json:"source"`
}

func viewGroup(g *keyward.Group) groupView {
	return groupView{g.ID, g.Name, g.Description, g.SourceName()}
}

type memberView struct {
	GroupID keyward.GroupID `json:"group_id"`
	UserID  keyward.UserID  `json:"user_id"`
}

func (in GroupInput) clean() (GroupInput, error) {
	name, err := cleanName("display_name", in.Name, true)
	if err != nil {
		return in, err
	}
	desc, err := cleanDescription(in.Description)
	return GroupInput{Name: name, Description: desc}, err
}

// cleanDescription trims a description and bounds its length.
func cleanDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if n := len([]rune(s)); n > maxDescriptionLen {
		return "", keyward.FieldError("description", "description is %d characters long; the limit is %d.", n, maxDescriptionLen)
	}
	return s, nil
}

// maxDescriptionLen is the longest description of a group, role or policy,
// in characters.
const maxDescriptionLen = 1000

// groupOf returns the live group id of org; a deleted one is
// CodeNotFound, as a missing one is.
func groupOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.GroupID) (*keyward.Group, error) {
	g, err := storedGroupOf(ctx, tx, org, id)
	if err == nil && g.DeletedAt != nil {
		return nil, notFound("Group")
	}
	return g, err
}

// storedGroupOf returns group id of org, deleted or not, or CodeNotFound.
func storedGroupOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.GroupID) (*keyward.Group, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Group")
	}
	g, err := tx.GetGroup(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Group")
	}
	return g, err
}

// groupNameTaken returns a CodeConflict naming display_name if a live
// group of org other than self is called name.
func groupNameTaken(ctx context.Context, tx keyward.Tx, org keyward.OrgID, name string, self keyward.GroupID) error {
	gs, _, err := tx.ListGroups(ctx, org, keyward.GroupFilter{Name: name, Page: keyward.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if len(gs) > 0 && gs[0].ID != self {
		return errGroupName(name)
	}
	return nil
}

func errGroupName(name string) error {
	return &keyward.Error{Code: keyward.CodeConflict, Field: "display_name", Message: "A group named " + name + " already exists."}
}

// detailGroup reads the first page of g's members.
func detailGroup(ctx context.Context, tx keyward.Tx, g *keyward.Group) (*GroupDetail, error) {
	members, _, err := tx.ListGroupMembers(ctx, g.OrgID, g.ID, keyward.Page{})
	if err != nil {
		return nil, err
	}
	return &GroupDetail{Group: *g, Members: members}, nil
}

// CreateGroup creates a group in the caller's organization. The name must
// be unused there (case-insensitively) and the organization under
// Limits.Groups.
func (s *Service) CreateGroup(ctx context.Context, in GroupInput) (*GroupDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.group.Create", ""); err != nil {
		return nil, err
	}
	if in, err = in.clean(); err != nil {
		return nil, err
	}
	g := &keyward.Group{OrgID: p.OrgID, Name: in.Name, Description: in.Description}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return s.insertGroup(ctx, tx, p, g)
	})
	if err != nil {
		return nil, err
	}
	return &GroupDetail{Group: *g, Members: []*keyward.GroupMemberView{}}, nil
}

// insertGroup stores the new group g, whose name must be unused in its
// organization, which must be under Limits.Groups, and commits its
// creation, done by p.
func (s *Service) insertGroup(ctx context.Context, tx keyward.Tx, p *keyward.Principal, g *keyward.Group) error {
	if err := s.checkGroupLimit(ctx, tx, g.OrgID); err != nil {
		return err
	}
	if err := groupNameTaken(ctx, tx, g.OrgID, g.Name, ""); err != nil {
		return err
	}
	now := tx.Now()
	g.ID, g.CreatedAt, g.UpdatedAt = keyward.GroupID(keyward.NewID(now)), now, now
	if err := tx.CreateGroup(ctx, g); keyward.ErrorCode(err) == keyward.CodeConflict {
		return errGroupName(g.Name)
	} else if err != nil {
		return err
	}
	_, err := s.commit(ctx, tx, p, g.OrgID, change{
		Action: "iam.group.Create", TargetType: "group", TargetID: string(g.ID), After: viewGroup(g),
	})
	return err
}

// checkGroupLimit refuses (CodeConflict) one more live group in org at
// Limits.Groups.
func (s *Service) checkGroupLimit(ctx context.Context, tx keyward.Tx, org keyward.OrgID) error {
	n, err := tx.CountGroups(ctx, org)
	if err != nil {
		return err
	}
	return checkLimit("groups", n, s.limits.Groups, "an organization may have at most %d groups")
}

// GetGroup returns a group of the caller's organization with its first
// members.
func (s *Service) GetGroup(ctx context.Context, id keyward.GroupID) (*GroupDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *GroupDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, err := groupOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.group.Read", string(id)); err != nil {
			return err
		}
		d, err = detailGroup(ctx, tx, g)
		return err
	})
	return d, err
}

// ListGroups lists the groups of the caller's organization that match f
// (the live ones, or with f.Deleted the deleted ones) in creation order,
// each with its first members.
func (s *Service) ListGroups(ctx context.Context, f keyward.GroupFilter) ([]*GroupDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.group.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*GroupDetail, keyward.PageInfo, error) {
		return listGroups(ctx, tx, p.OrgID, f)
	})
}

// listGroups lists groups with their first members.
func listGroups(ctx context.Context, tx keyward.Tx, org keyward.OrgID, f keyward.GroupFilter) ([]*GroupDetail, keyward.PageInfo, error) {
	groups, info, err := tx.ListGroups(ctx, org, f)
	if err != nil {
		return nil, info, err
	}
	out := make([]*GroupDetail, len(groups))
	for n, g := range groups {
		if out[n], err = detailGroup(ctx, tx, g); err != nil {
			return nil, info, err
		}
	}
	return out, info, nil
}

// UpdateGroup replaces a group's name and description.
func (s *Service) UpdateGroup(ctx context.Context, id keyward.GroupID, in GroupInput) (*GroupDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *GroupDetail
	err = s.writeGroup(ctx, p, id, "iam.group.Update", func(ctx context.Context, tx keyward.Tx, g *keyward.Group) error {
		var err error
		if g.FromIdP() {
			return errFromIdP("group", "name and description", "display_name")
		}
		if in, err = in.clean(); err != nil {
			return err
		}
		if err := groupNameTaken(ctx, tx, p.OrgID, in.Name, id); err != nil {
			return err
		}
		before := viewGroup(g)
		g.Name, g.Description, g.UpdatedAt = in.Name, in.Description, tx.Now()
		if err := tx.UpdateGroup(ctx, g); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errGroupName(in.Name)
		} else if err != nil {
			return err
		}
		if _, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.group.Update", TargetType: "group", TargetID: string(id), Before: before, After: viewGroup(g),
		}); err != nil {
			return err
		}
		d, err = detailGroup(ctx, tx, g)
		return err
	})
	return d, err
}

// DeleteGroup deletes a group softly: its members lose what they held
// through it at once (and keep their direct grants), its name is free,
// and the role sessions made through its trusts end. Its memberships, the
// roles bound to it, the policies attached to it and its trusts are kept
// for RestoreGroup.
func (s *Service) DeleteGroup(ctx context.Context, id keyward.GroupID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.writeGroup(ctx, p, id, "iam.group.Delete", func(ctx context.Context, tx keyward.Tx, g *keyward.Group) error {
		return s.deleteGroup(ctx, tx, p, g)
	})
}

// writeGroup runs do on group id of p's organization in one write
// transaction, once the engine allows p action on it. An unknown group
// is CodeNotFound whatever p may do.
func (s *Service) writeGroup(ctx context.Context, p *keyward.Principal, id keyward.GroupID, action string,
	do func(ctx context.Context, tx keyward.Tx, g *keyward.Group) error) error {
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, err := groupOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, action, string(id)); err != nil {
			return err
		}
		return do(ctx, tx, g)
	})
}

// deleteGroup deletes the live group g softly inside tx, ending the role
// sessions made through its trusts (they stay ended if it is restored),
// and commits the change, done by p (nil: the external actor of ctx).
func (s *Service) deleteGroup(ctx context.Context, tx keyward.Tx, p *keyward.Principal, g *keyward.Group) error {
	var fx effects
	var err error
	now := tx.Now()
	if fx.SessionsEnded, err = tx.EndGroupRoleSessions(ctx, g.OrgID, g.ID, "", now); err != nil {
		return err
	}
	before := viewGroup(g)
	g.DeletedAt, g.UpdatedAt = &now, now
	if err := tx.UpdateGroup(ctx, g); err != nil {
		return err
	}
	_, err = s.commit(ctx, tx, p, g.OrgID, change{
		Action: "iam.group.Delete", TargetType: "group", TargetID: string(g.ID), Before: before, After: fx.afterDelete(),
	})
	return err
}

// RestoreGroup brings back a deleted group with its members, role
// bindings, policy attachments and trusts as they were: its members hold
// what it gives at once. Restoring hands the group to its members again,
// so it needs the right to add members to it (checkGrant) besides
// iam.group.Restore. Restoring a live group changes nothing; restoring
// one whose name a live group has taken since is CodeConflict naming
// display_name, and one past Limits.Groups CodeConflict too.
func (s *Service) RestoreGroup(ctx context.Context, id keyward.GroupID) (*GroupDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *GroupDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		g, err := storedGroupOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.group.Restore", string(id)); err != nil {
			return err
		}
		err = s.restore(ctx, tx, p, restoring{action: "iam.group.Restore", targetType: "group", id: string(id), deleted: g.DeletedAt != nil,
			check: func() error {
				if err := s.checkGrant(ctx, p, grant{kind: grantGroup, id: string(id), to: keyward.PrincipalUser}); err != nil {
					return err
				}
				if err := s.checkGroupLimit(ctx, tx, p.OrgID); err != nil {
					return err
				}
				return groupNameTaken(ctx, tx, p.OrgID, g.Name, id)
			},
			undelete: func(now time.Time) (any, error) {
				g.DeletedAt, g.UpdatedAt = nil, now
				if err := tx.UpdateGroup(ctx, g); keyward.ErrorCode(err) == keyward.CodeConflict {
					return nil, errGroupName(g.Name)
				} else if err != nil {
					return nil, err
				}
				return viewGroup(g), nil
			}})
		if err != nil {
			return err
		}
		d, err = detailGroup(ctx, tx, g)
		return err
	})
	return d, err
}

// ListUserGroups lists the groups a user of the caller's organization is a
// member of, each with its first members. Every caller may list its own.
func (s *Service) ListUserGroups(ctx context.Context, user keyward.UserID, page keyward.Page) ([]*GroupDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*GroupDetail, keyward.PageInfo, error) {
		if _, err := userOf(ctx, tx, p.OrgID, user); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		if err := s.authorize(ctx, p, "iam.user.ListGroups", string(user)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		return listGroups(ctx, tx, p.OrgID, keyward.GroupFilter{Member: user, Page: page})
	})
}
