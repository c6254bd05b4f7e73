package service

import (
	"context"
	"time"

	"github.com/keyward-iam/keyward"
)

// RolePolicyAttachment is a policy attached to a role, as the attach call
// returns it.
type RolePolicyAttachment struct {
	keyward.Attachment
	Role   *keyward.Role
	Policy *PolicyDetail
}

// UserAssignment is a user a policy is attached to, with when.
type UserAssignment struct {
	User       *keyward.User
	AssignedAt time.Time
}

type attachmentView struct {
	PolicyID   keyward.PolicyID      `json:"policy_id"`
	TargetType keyward.PrincipalType `json:"target_type"`
	TargetID   string                `json:"target_id"`
}

// attachReq is one attach or detach call: a policy and the user, group or
// role it goes to. The action is authorized on the object of the path,
// onType/onID (the policy, or the role for the role routes); field names
// the path parameter a conflict is about.
type attachReq struct {
	action       string
	onType, onID string
	policy       keyward.PolicyID
	typ          keyward.PrincipalType
	target       string
	field        string
}

// attach attaches r.policy to r.target: both must be live objects the
// caller's organization sees, the target must be under
// Limits.PoliciesPerPrincipal, and an existing attachment is CodeConflict.
func (s *Service) attach(ctx context.Context, r attachReq) (*RolePolicyAttachment, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var out *RolePolicyAttachment
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		pol, role, err := s.resolveAttach(ctx, tx, p, r)
		if err != nil {
			return err
		}
		if err := s.checkGrant(ctx, p, grant{kind: grantPolicy, id: string(pol.ID), to: r.typ}); err != nil {
			return err
		}
		if err := s.checkAttachLimit(ctx, tx, p.OrgID, r.typ, r.target); err != nil {
			return err
		}
		a := &keyward.Attachment{
			OrgID: p.OrgID, PolicyID: pol.ID, TargetType: r.typ, TargetID: r.target, CreatedAt: tx.Now(), CreatedBy: p.UserID,
		}
		if err := tx.CreateAttachment(ctx, a); keyward.ErrorCode(err) == keyward.CodeConflict {
			return &keyward.Error{Code: keyward.CodeConflict, Field: r.field,
				Message: "Policy " + pol.Name + " is already attached to this " + string(r.typ) + "."}
		} else if err != nil {
			return err
		}
		out = &RolePolicyAttachment{Attachment: *a, Role: role, Policy: pol}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: r.action, TargetType: r.onType, TargetID: r.onID, After: attachmentView{pol.ID, r.typ, r.target},
		})
		return err
	})
	return out, err
}

// detach removes the attachment of r.policy to r.target; one that does not
// exist is CodeNotFound.
func (s *Service) detach(ctx context.Context, r attachReq) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		pol, _, err := s.resolveAttach(ctx, tx, p, r)
		if err != nil {
			return err
		}
		a := &keyward.Attachment{OrgID: p.OrgID, PolicyID: pol.ID, TargetType: r.typ, TargetID: r.target}
		if err := tx.DeleteAttachment(ctx, a); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.Errorf(keyward.CodeNotFound, "Policy %s is not attached to this %s.", pol.Name, r.typ)
		} else if err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: r.action, TargetType: r.onType, TargetID: r.onID, Before: attachmentView{pol.ID, r.typ, r.target},
		})
		return err
	})
}

// resolveAttach finds the objects of r in p's organization (CodeNotFound
// for missing, deleted or foreign ones) and authorizes r.action. It
// returns the policy and, for a role target, the role.
func (s *Service) resolveAttach(ctx context.Context, tx keyward.Tx, p *keyward.Principal, r attachReq) (*PolicyDetail, *keyward.Role, error) {
	var role *keyward.Role
	var err error
	if r.typ == keyward.PrincipalRole {
		if role, err = s.liveRoleOf(ctx, tx, p, keyward.RoleID(r.target), r.action); err != nil {
			return nil, nil, err
		}
	}
	pol, err := s.livePolicyOf(ctx, tx, p.OrgID, r.policy)
	if err != nil {
		return nil, nil, err
	}
	switch r.typ {
	case keyward.PrincipalUser:
		_, err = userOf(ctx, tx, p.OrgID, keyward.UserID(r.target))
	case keyward.PrincipalGroup:
		_, err = groupOf(ctx, tx, p.OrgID, keyward.GroupID(r.target))
	}
	if err != nil {
		return nil, nil, err
	}
	if role == nil {
		err = s.authorize(ctx, p, r.action, r.onID)
	}
	return pol, role, err
}

// AttachPolicyUser attaches a policy (custom or managed) to a user or
// service user of the caller's organization.
func (s *Service) AttachPolicyUser(ctx context.Context, id keyward.PolicyID, user keyward.UserID) error {
	_, err := s.attach(ctx, attachReq{"iam.policy.AttachUser", "policy", string(id), id, keyward.PrincipalUser, string(user), "user_id"})
	return err
}

// DetachPolicyUser detaches a policy from a user.
func (s *Service) DetachPolicyUser(ctx context.Context, id keyward.PolicyID, user keyward.UserID) error {
	return s.detach(ctx, attachReq{"iam.policy.DetachUser", "policy", string(id), id, keyward.PrincipalUser, string(user), "user_id"})
}

// AttachPolicyGroup attaches a policy (custom or managed) to a group; its
// members hold it for as long as they are members.
func (s *Service) AttachPolicyGroup(ctx context.Context, id keyward.PolicyID, group keyward.GroupID) error {
	_, err := s.attach(ctx, attachReq{"iam.policy.AttachGroup", "policy", string(id), id, keyward.PrincipalGroup, string(group), "group_id"})
	return err
}

// DetachPolicyGroup detaches a policy from a group.
func (s *Service) DetachPolicyGroup(ctx context.Context, id keyward.PolicyID, group keyward.GroupID) error {
	return s.detach(ctx, attachReq{"iam.policy.DetachGroup", "policy", string(id), id, keyward.PrincipalGroup, string(group), "group_id"})
}

// AttachRolePolicy attaches a policy (custom or managed) to a live role of
// either type.
func (s *Service) AttachRolePolicy(ctx context.Context, role keyward.RoleID, id keyward.PolicyID) (*RolePolicyAttachment, error) {
	return s.attach(ctx, attachReq{"iam.role.AttachPolicy", "role", string(role), id, keyward.PrincipalRole, string(role), "policy_id"})
}

// DetachRolePolicy detaches a policy from a role.
func (s *Service) DetachRolePolicy(ctx context.Context, role keyward.RoleID, id keyward.PolicyID) error {
	return s.detach(ctx, attachReq{"iam.role.DetachPolicy", "role", string(role), id, keyward.PrincipalRole, string(role), "policy_id"})
}

// ListRolePolicies lists the live policies attached to a live role, in the
// order they were attached.
func (s *Service) ListRolePolicies(ctx context.Context, role keyward.RoleID, page keyward.Page) ([]*PolicyDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	var pols []*PolicyDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if _, err := s.liveRoleOf(ctx, tx, p, role, "iam.role.ListPolicies"); err != nil {
			return err
		}
		pols, err = s.targetPolicies(ctx, tx, p.OrgID, keyward.PrincipalRole, string(role))
		return err
	})
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return pageSlice(pols, page)
}

// listPolicyTargets lists, a page at a time, the targets of type typ of a
// live policy's attachments, after authorizing action on the policy. target
// reads the target of an attachment, or says with false to leave it out,
// so a page may hold fewer targets than asked for.
func listPolicyTargets[T any](ctx context.Context, s *Service, id keyward.PolicyID, action string, typ keyward.PrincipalType, page keyward.Page,
	target func(tx keyward.Tx, org keyward.OrgID, a *keyward.Attachment) (T, bool, error)) ([]T, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]T, keyward.PageInfo, error) {
		pol, err := s.livePolicyOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		if err := s.authorize(ctx, p, action, string(id)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
		as, info, err := tx.ListAttachments(ctx, p.OrgID, keyward.AttachmentFilter{PolicyID: pol.ID, TargetType: typ, Page: page})
		if err != nil {
			return nil, keyward.PageInfo{}, err
		}
		out := []T{}
		for _, a := range as {
			x, ok, err := target(tx, p.OrgID, a)
			if err != nil {
				return nil, keyward.PageInfo{}, err
			}
			if ok {
				out = append(out, x)
			}
		}
		return out, info, nil
	})
}

// ListPolicyUsers lists the users a policy is attached to directly, in the
// order they were attached.
func (s *Service) ListPolicyUsers(ctx context.Context, id keyward.PolicyID, page keyward.Page) ([]*UserAssignment, keyward.PageInfo, error) {
	return listPolicyTargets(ctx, s, id, "iam.policy.ListUsers", keyward.PrincipalUser, page,
		func(tx keyward.Tx, org keyward.OrgID, a *keyward.Attachment) (*UserAssignment, bool, error) {
			u, err := tx.GetUser(ctx, org, keyward.UserID(a.TargetID))
			if err != nil {
				return nil, false, err
			}
			return &UserAssignment{User: u, AssignedAt: a.CreatedAt}, true, nil
		})
}

// ListPolicyGroups lists the groups a policy is attached to, in the order
// they were attached, each with its first members.
func (s *Service) ListPolicyGroups(ctx context.Context, id keyward.PolicyID, page keyward.Page) ([]*GroupDetail, keyward.PageInfo, error) {
	return listPolicyTargets(ctx, s, id, "iam.policy.ListGroups", keyward.PrincipalGroup, page,
		func(tx keyward.Tx, org keyward.OrgID, a *keyward.Attachment) (*GroupDetail, bool, error) {
			g, err := tx.GetGroup(ctx, org, keyward.GroupID(a.TargetID))
			if err != nil {
				return nil, false, err
			}
			d, err := detailGroup(ctx, tx, g)
			if err != nil {
				return nil, false, err
			}
			d.AssignedAt = a.CreatedAt
			return d, true, nil
		})
}

// ListPolicyRoles lists the roles a policy is attached to, in the order
// it was attached, each with its policies. Deleted roles keep their
// attachments for a restore but are left out of the page, so a page may
// hold fewer roles than asked for.
func (s *Service) ListPolicyRoles(ctx context.Context, id keyward.PolicyID, page keyward.Page) ([]*RoleDetail, keyward.PageInfo, error) {
	return listPolicyTargets(ctx, s, id, "iam.policy.ListRoles", keyward.PrincipalRole, page,
		func(tx keyward.Tx, org keyward.OrgID, a *keyward.Attachment) (*RoleDetail, bool, error) {
			r, err := tx.GetRole(ctx, org, keyward.RoleID(a.TargetID))
			if err != nil || r.DeletedAt != nil {
				return nil, false, err
			}
			d, err := s.detailRole(ctx, tx, r)
			return d, err == nil, err
		})
}

// targetPolicies returns the live policies attached to one user, group or
// role, in the order they were attached.
func (s *Service) targetPolicies(ctx context.Context, tx keyward.Tx, org keyward.OrgID, typ keyward.PrincipalType, id string) ([]*PolicyDetail, error) {
	as, err := allPages(func(page keyward.Page) ([]*keyward.Attachment, keyward.PageInfo, error) {
		return tx.ListAttachments(ctx, org, keyward.AttachmentFilter{TargetType: typ, TargetID: id, Page: page})
	})
	if err != nil {
		return nil, err
	}
	out := make([]*PolicyDetail, 0, len(as))
	for _, a := range as {
		d, err := s.livePolicyOf(ctx, tx, org, a.PolicyID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			continue // deleted: kept for a restore, grants nothing
		} else if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// allPages reads every page of a store listing.
func allPages[T any](list func(keyward.Page) ([]T, keyward.PageInfo, error)) ([]T, error) {
	var all []T
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		items, info, err := list(page)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		if info.Next == "" || len(items) == 0 {
			return all, nil
		}
		page.Cursor = info.Next
	}
}

func perPage(p keyward.Page) int {
	if p.Limit <= 0 {
		return keyward.DefaultPerPage
	}
	return min(p.Limit, keyward.MaxPerPage)
}

func errCursor() error {
	return keyward.FieldError("cursor", "cursor is not a cursor this server issued.")
}

// pageSlice returns one page of an in-memory listing.
func pageSlice[T any](all []T, page keyward.Page) ([]T, keyward.PageInfo, error) {
	off := 0
	if page.Cursor != "" {
		var ok bool
		if off, ok = parseOffsetCursor(page.Cursor); !ok {
			return nil, keyward.PageInfo{}, errCursor()
		}
	}
	return pageAt(all, off, perPage(page))
}

func pageAt[T any](all []T, off, limit int) ([]T, keyward.PageInfo, error) {
	info := keyward.PageInfo{Total: len(all)}
	off = min(off, len(all))
	end := min(off+limit, len(all))
	if end < len(all) {
		info.Next = offsetCursor(end)
	}
	if off > 0 {
		info.Prev = offsetCursor(max(0, off-limit))
	}
	return append([]T{}, all[off:end]...), info, nil
}

// pageThen pages through first, an in-memory listing, and then the store
// listing rest, as through one listing. Pages in first carry offset
// cursors; pages of rest carry its own cursors.
func pageThen[T any](first []T, page keyward.Page, rest func(keyward.Page) ([]T, keyward.PageInfo, error)) ([]T, keyward.PageInfo, error) {
	limit := perPage(page)
	off, inFirst := 0, page.Cursor == ""
	if !inFirst {
		off, inFirst = parseOffsetCursor(page.Cursor)
	}
	if !inFirst {
		items, info, err := rest(page)
		if err != nil {
			return nil, info, err
		}
		info.Total += len(first)
		if info.Prev == "" && len(first) > 0 {
			info.Prev = offsetCursor(max(0, len(first)-limit))
		}
		return items, info, nil
	}
	items, info, _ := pageAt(first, off, limit)
	more := limit - len(items)
	restItems, restInfo, err := rest(keyward.Page{Limit: max(more, 1)})
	if err != nil {
		return nil, info, err
	}
	info.Total += restInfo.Total
	if more > 0 {
		items = append(items, restItems...)
		info.Next = restInfo.Next
	} else if info.Next == "" && restInfo.Total > 0 {
		info.Next = offsetCursor(len(first))
	}
	return items, info, nil
}
