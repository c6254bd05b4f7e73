package sqlstore

// TEMPORARY: placeholders until the group/role/policy store lands; delete this file.

import (
	"context"
	"errors"

	"github.com/keyward-iam/keyward"
)

var errTODO = errors.New("sqlstore: not implemented yet")

func (t *tx) CreateGroup(ctx context.Context, g *keyward.Group) error {
	return errTODO
}

func (t *tx) GetGroup(ctx context.Context, org keyward.OrgID, id keyward.GroupID) (*keyward.Group, error) {
	return nil, errTODO
}

func (t *tx) ListGroups(ctx context.Context, org keyward.OrgID, f keyward.GroupFilter) ([]*keyward.Group, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) UpdateGroup(ctx context.Context, g *keyward.Group) error {
	return errTODO
}

func (t *tx) DeleteGroup(ctx context.Context, org keyward.OrgID, id keyward.GroupID) error {
	return errTODO
}

func (t *tx) CountGroups(ctx context.Context, org keyward.OrgID) (int, error) {
	return 0, errTODO
}

func (t *tx) AddGroupMember(ctx context.Context, m *keyward.GroupMember) error {
	return errTODO
}

func (t *tx) RemoveGroupMember(ctx context.Context, org keyward.OrgID, group keyward.GroupID, user keyward.UserID) error {
	return errTODO
}

func (t *tx) ListGroupMembers(ctx context.Context, org keyward.OrgID, group keyward.GroupID, p keyward.Page) ([]*keyward.GroupMemberView, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) CountGroupMembers(ctx context.Context, org keyward.OrgID, group keyward.GroupID) (int, error) {
	return 0, errTODO
}

func (t *tx) CreateRole(ctx context.Context, r *keyward.Role) error {
	return errTODO
}

func (t *tx) GetRole(ctx context.Context, org keyward.OrgID, id keyward.RoleID) (*keyward.Role, error) {
	return nil, errTODO
}

func (t *tx) ListRoles(ctx context.Context, org keyward.OrgID, f keyward.RoleFilter) ([]*keyward.Role, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) UpdateRole(ctx context.Context, r *keyward.Role) error {
	return errTODO
}

func (t *tx) CountRoles(ctx context.Context, org keyward.OrgID) (int, error) {
	return 0, errTODO
}

func (t *tx) CreateRoleBinding(ctx context.Context, b *keyward.RoleBinding) error {
	return errTODO
}

func (t *tx) DeleteRoleBinding(ctx context.Context, b *keyward.RoleBinding) error {
	return errTODO
}

func (t *tx) ListRoleBindings(ctx context.Context, org keyward.OrgID, f keyward.BindingFilter) ([]*keyward.RoleBinding, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) CreatePolicy(ctx context.Context, p *keyward.Policy) error {
	return errTODO
}

func (t *tx) GetPolicy(ctx context.Context, org keyward.OrgID, id keyward.PolicyID) (*keyward.Policy, error) {
	return nil, errTODO
}

func (t *tx) ListPolicies(ctx context.Context, org keyward.OrgID, f keyward.PolicyFilter) ([]*keyward.Policy, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) UpdatePolicy(ctx context.Context, p *keyward.Policy, version int64) error {
	return errTODO
}

func (t *tx) CountPolicies(ctx context.Context, org keyward.OrgID) (int, error) {
	return 0, errTODO
}

func (t *tx) CreateAttachment(ctx context.Context, a *keyward.Attachment) error {
	return errTODO
}

func (t *tx) DeleteAttachment(ctx context.Context, a *keyward.Attachment) error {
	return errTODO
}

func (t *tx) ListAttachments(ctx context.Context, org keyward.OrgID, f keyward.AttachmentFilter) ([]*keyward.Attachment, keyward.PageInfo, error) {
	return nil, keyward.PageInfo{}, errTODO
}

func (t *tx) CountAttachments(ctx context.Context, org keyward.OrgID, targetType keyward.PrincipalType, targetID string) (int, error) {
	return 0, errTODO
}

func (t *tx) LoadGraph(ctx context.Context, org keyward.OrgID) (*keyward.Graph, error) {
	return nil, errTODO
}
