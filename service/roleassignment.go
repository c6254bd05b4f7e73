package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// RoleAssignment is a role bound to a user or a group, as the role's
// listings and attach calls show it.
type RoleAssignment struct {
	keyward.RoleBinding
	Role      *keyward.Role
	GroupName string // for a group
}

type bindingView struct {
	RoleID        keyward.RoleID        `json:"role_id"`
	PrincipalType keyward.PrincipalType `json:"principal_type"`
	PrincipalID   string                `json:"principal_id"`
}

// bind binds a live assignable role to a user or group of the caller's
// organization, for the whole organization.
func (s *Service) bind(ctx context.Context, action string, id keyward.RoleID, typ keyward.PrincipalType, principal string) (*RoleAssignment, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *RoleAssignment
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, name, err := s.resolveBinding(ctx, tx, p, action, id, typ, principal)
		if err != nil {
			return err
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantRole, id: string(id), to: typ}); err != nil {
			return err
		}
		b, err := bindRole(ctx, tx, r, typ, principal, p.UserID)
		if err != nil {
			return err
		}
		out = &RoleAssignment{RoleBinding: *b, Role: r, GroupName: name}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: action, TargetType: "role", TargetID: string(id), After: bindingView{id, typ, principal},
		})
		return err
	})
	return out, err
}

// bindRole binds role r (of roleOf, which knows the built-in roles, which
// are not stored) to a user or group of r's organization, for the whole
// organization, on behalf of by. It is how every organization-wide role
// assignment is written; the caller has checked r is live and by may
// grant it. An assumable role, or one already bound to the principal, is
// CodeConflict.
func bindRole(ctx context.Context, tx keyward.Tx, r *keyward.Role, typ keyward.PrincipalType, principal string, by keyward.UserID) (*keyward.RoleBinding, error) {
	if r.Type != keyward.RoleAssignable {
		return nil, &keyward.Error{Code: keyward.CodeConflict, Field: "role_type", Message: "Role " + r.Name +
			" is assumable: assumable roles are reached through role trusts, not assigned to users or groups."}
	}
	b := &keyward.RoleBinding{
		OrgID: r.OrgID, RoleID: r.ID, PrincipalType: typ, PrincipalID: principal, CreatedAt: tx.Now(), CreatedBy: by,
	}
	if err := tx.CreateRoleBinding(ctx, b); keyward.ErrorCode(err) == keyward.CodeConflict {
		return nil, &keyward.Error{Code: keyward.CodeConflict, Field: string(typ) + "_id",
			Message: "Role " + r.Name + " is already assigned to this " + string(typ) + "."}
	} else if err != nil {
		return nil, err
	}
	return b, nil
}

// unbind removes the organization-wide binding of a role to a user or
// group; one that does not exist is CodeNotFound.
func (s *Service) unbind(ctx context.Context, action string, id keyward.RoleID, typ keyward.PrincipalType, principal string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, _, err := s.resolveBinding(ctx, tx, p, action, id, typ, principal)
		if err != nil {
			return err
		}
		b := &keyward.RoleBinding{OrgID: p.OrgID, RoleID: id, PrincipalType: typ, PrincipalID: principal}
		if err := tx.DeleteRoleBinding(ctx, b); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.Errorf(keyward.CodeNotFound, "Role %s is not assigned to this %s.", r.Name, typ)
		} else if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: action, TargetType: "role", TargetID: string(id), Before: bindingView{id, typ, principal},
		})
		return err
	})
}

// resolveBinding finds the live role (authorizing action on it) and the
// user or group of p's organization; it returns a group's name.
func (s *Service) resolveBinding(ctx context.Context, tx keyward.Tx, p *keyward.Principal, action string, id keyward.RoleID,
	typ keyward.PrincipalType, principal string) (*keyward.Role, string, error) {
	r, err := s.liveRoleOf(ctx, tx, p, id, action)
	if err != nil {
		return nil, "", err
	}
	if typ == keyward.PrincipalUser {
		_, err := userOf(ctx, tx, p.OrgID, keyward.UserID(principal))
		return r, "", err
	}
	g, err := groupOf(ctx, tx, p.OrgID, keyward.GroupID(principal))
	if err != nil {
		return nil, "", err
	}
	return r, g.Name, nil
}

// AttachRoleUser assigns a live assignable role to a user or service user
// of the caller's organization. An assumable role is CodeConflict.
func (s *Service) AttachRoleUser(ctx context.Context, id keyward.RoleID, user keyward.UserID) (*RoleAssignment, error) {
	return s.bind(ctx, "iam.role.AttachUser", id, keyward.PrincipalUser, string(user))
}

// DetachRoleUser unassigns a role from a user.
func (s *Service) DetachRoleUser(ctx context.Context, id keyward.RoleID, user keyward.UserID) error {
	return s.unbind(ctx, "iam.role.DetachUser", id, keyward.PrincipalUser, string(user))
}

// AttachRoleGroup assigns a live assignable role to a group; its members
// hold the role for as long as they are members.
func (s *Service) AttachRoleGroup(ctx context.Context, id keyward.RoleID, group keyward.GroupID) (*RoleAssignment, error) {
	return s.bind(ctx, "iam.role.AttachGroup", id, keyward.PrincipalGroup, string(group))
}

// DetachRoleGroup unassigns a role from a group.
func (s *Service) DetachRoleGroup(ctx context.Context, id keyward.RoleID, group keyward.GroupID) error {
	return s.unbind(ctx, "iam.role.DetachGroup", id, keyward.PrincipalGroup, string(group))
}

// ListRoleUsers lists the users a live role is assigned to, in the order
// they were assigned.
func (s *Service) ListRoleUsers(ctx context.Context, id keyward.RoleID, page keyward.Page) ([]*RoleAssignment, keyward.PageInfo, error) {
	return s.listBindings(ctx, "iam.role.ListUsers", id, keyward.PrincipalUser, page)
}

// ListRoleGroups lists the groups a live role is assigned to, in the order
// they were assigned.
func (s *Service) ListRoleGroups(ctx context.Context, id keyward.RoleID, page keyward.Page) ([]*RoleAssignment, keyward.PageInfo, error) {
	return s.listBindings(ctx, "iam.role.ListGroups", id, keyward.PrincipalGroup, page)
}

func (s *Service) listBindings(ctx context.Context, action string, id keyward.RoleID, typ keyward.PrincipalType, page keyward.Page) ([]*RoleAssignment, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	var out []*RoleAssignment
	var info keyward.PageInfo
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.liveRoleOf(ctx, tx, p, id, action)
		if err != nil {
			return err
		}
		bs, i, err := tx.ListRoleBindings(ctx, p.OrgID, keyward.BindingFilter{RoleID: id, PrincipalType: typ, Page: page})
		if err != nil {
			return err
		}
		info = i
		for _, b := range bs {
			a := &RoleAssignment{RoleBinding: *b, Role: r}
			if typ == keyward.PrincipalGroup {
				g, err := tx.GetGroup(ctx, p.OrgID, keyward.GroupID(b.PrincipalID))
				if err != nil {
					return err
				}
				a.GroupName = g.Name
			}
			out = append(out, a)
		}
		return nil
	})
	return out, info, err
}
