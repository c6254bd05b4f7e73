package keyward

import (
	"context"
	"time"
)

// Store is keyward's storage. Every change runs in one WriteTx, together
// with its audit event and the organization's revision bump, so a change is
// either wholly committed or not at all.
type Store interface {
	// ReadTx runs fn in a read-only transaction.
	ReadTx(ctx context.Context, fn func(Tx) error) error
	// WriteTx runs fn in a read-write transaction and commits if fn returns
	// nil. fn may run more than once (the store retries on serialization
	// failures and busy databases, and reruns a transaction to take the
	// write lock of an organization first: NewContextWithWriteOrg), so it
	// must have no effects outside tx. Writers to one organization wait for
	// each other; none fails because another committed first.
	WriteTx(ctx context.Context, fn func(Tx) error) error
	// ResourceOrgs returns the organizations, at most two, that registered
	// the resource id (ignoring ASCII case), in one statement outside any
	// transaction: the authorize API asks it for ids that came without
	// their organization, on its hot path.
	ResourceOrgs(ctx context.Context, id string) ([]OrgID, error)
	// Ping checks that the database answers.
	Ping(ctx context.Context) error
	Close() error
}

// Tx is one transaction. Methods that take an OrgID only ever see rows of
// that organization: a row of another organization is CodeNotFound.
// Unless stated otherwise, a missing row is CodeNotFound and a unique
// violation is CodeConflict.
type Tx interface {
	// Now is the time of the transaction, fixed when it began.
	Now() time.Time

	OrganizationTx
	AccountTx
	MemberTx
	APIKeyTx
	AuditTx
	GroupTx
	RoleTx
	PolicyTx
	LifecycleTx
	InvitationTx
	ProjectTx
	OIDCIssuerTx
	OIDCProviderTx
	SigningKeyTx
	WorkloadTokenTx
	OIDCGrantTx
	TrustTx
	CatalogTx
	FleetTx
	IdentityProviderTx
	MFATx
	SCIMTokenTx
	// LoadGraph reads the organization's access graph at the transaction's
	// snapshot.
	LoadGraph(ctx context.Context, org OrgID) (*Graph, error)
	// GraphChanges reads the organization's change log after revision
	// since, up to the organization's current revision (To). since >= To
	// returns an empty GraphChanges with From = To = current.
	GraphChanges(ctx context.Context, org OrgID, since int64) (*GraphChanges, error)
	// LoadGraphPart reads the rows of org's access graph that c's entities
	// make up, in the same order and shape as LoadGraph: Org; Users: the
	// members among c.Users (a removed one is absent); Groups/Roles/Policies:
	// the live ones among c.Groups/c.Roles/c.Policies (deleted or missing
	// absent); GroupMembers: every membership of a user in c.Users;
	// Bindings: every binding to a principal (user or group) in
	// c.Users/c.Groups, project bindings included; Attachments: every
	// attachment to a target in c.Users/c.Groups/c.Roles; Overrides: those
	// of users in c.Users; RoleGrids: those of roles in c.Roles; Resources:
	// those among c.Resources; Projects: all of org's if c.Projects; Trusts:
	// all live trusts of live roles of org if c.Trusts or len(c.Roles) > 0
	// (else nil). GroupMembers, Bindings and Attachments are not filtered
	// by the deletion of what they reach or of the group that holds them,
	// as in LoadGraph. If c.All, it is LoadGraph.
	//
	// An edge (membership, binding, attachment) is its principal's row: a
	// change to one touches the principal, the removal of a member takes
	// its edges with it, and a group, role or policy is only ever deleted
	// softly, keeping its edges, so the edges of what c does not name need
	// no reading.
	LoadGraphPart(ctx context.Context, org OrgID, c *GraphChanges) (*Graph, error)
}

// OrganizationTx stores organizations.
type OrganizationTx interface {
	CreateOrganization(ctx context.Context, o *Organization) error
	// GetOrganization returns the organization, deleted or not; callers
	// check DeletedAt.
	GetOrganization(ctx context.Context, id OrgID) (*Organization, error)
	// ListOrganizationsOf lists the live organizations the account is a
	// member of, in creation order.
	ListOrganizationsOf(ctx context.Context, uid UserID, p Page) ([]*Organization, PageInfo, error)
	// UpdateOrganization writes Name, Type, OwnerID, UpdatedAt, DeletedAt,
	// SuspendedAt and IdentityMode.
	UpdateOrganization(ctx context.Context, o *Organization) error
	// BumpRevision increments the organization's revision and returns it.
	BumpRevision(ctx context.Context, id OrgID) (int64, error)
	// CountOrganizations counts all organizations, deleted included.
	CountOrganizations(ctx context.Context) (int, error)
}

// AccountTx stores accounts. Emails of human accounts are unique,
// case-insensitively.
type AccountTx interface {
	CreateAccount(ctx context.Context, a *Account) error
	GetAccount(ctx context.Context, id UserID) (*Account, error)
	GetAccountByEmail(ctx context.Context, email string) (*Account, error)
	// UpdateAccount writes Email, Name, PasswordHash and UpdatedAt.
	UpdateAccount(ctx context.Context, a *Account) error
	DeleteAccount(ctx context.Context, id UserID) error
}

// MemberTx stores memberships and reads them joined with their accounts.
type MemberTx interface {
	// CreateMember inserts the membership m; a new member has no tags
	// (m.Tags is not written: SetMemberTags sets them).
	CreateMember(ctx context.Context, m *Member) error
	GetUser(ctx context.Context, org OrgID, id UserID) (*User, error)
	ListUsers(ctx context.Context, org OrgID, f UserFilter) ([]*User, PageInfo, error)
	// UpdateMember writes Owner, Status, APIEnabled, ACLs, Source,
	// ExternalID, UpdatedAt and SuspendedAt.
	UpdateMember(ctx context.Context, m *Member) error
	// SetMemberTags replaces the tags of the membership (org, id) with
	// tags, which the caller has validated and sorted, and sets its
	// UpdatedAt to the transaction's time. CodeNotFound if there is no
	// such membership.
	SetMemberTags(ctx context.Context, org OrgID, id UserID, tags []Tag) error
	// DeleteMember removes the membership and, in that organization, every
	// API key, group membership, role binding, policy attachment and role
	// trust (deleted or not) of the user.
	DeleteMember(ctx context.Context, org OrgID, id UserID) error
	// CountMemberships counts the organizations the account belongs to.
	CountMemberships(ctx context.Context, id UserID) (int, error)
}

// APIKeyTx stores API keys.
type APIKeyTx interface {
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// GetAPIKey finds a key by ID in any organization. It serves
	// authentication only; everything else uses GetAPIKeyOf.
	GetAPIKey(ctx context.Context, id APIKeyID) (*APIKey, error)
	GetAPIKeyOf(ctx context.Context, org OrgID, user UserID, id APIKeyID) (*APIKey, error)
	// ListAPIKeys lists the user's keys in the organization, revoked ones
	// included, in creation order.
	ListAPIKeys(ctx context.Context, org OrgID, user UserID, p Page) ([]*APIKey, PageInfo, error)
	// RevokeAPIKey sets RevokedAt if it is not set yet.
	RevokeAPIKey(ctx context.Context, org OrgID, id APIKeyID, at time.Time) error
}

// AuditTx stores audit events.
type AuditTx interface {
	AppendAudit(ctx context.Context, e *AuditEvent) error
	// ListAuditEvents lists events newest first.
	ListAuditEvents(ctx context.Context, org OrgID, f AuditFilter) ([]*AuditEvent, PageInfo, error)
}

// GroupTx stores groups and their members.
type GroupTx interface {
	CreateGroup(ctx context.Context, g *Group) error
	// GetGroup returns the group, deleted or not; callers check DeletedAt.
	GetGroup(ctx context.Context, org OrgID, id GroupID) (*Group, error)
	// ListGroups lists the live groups (or, with f.Deleted, the deleted
	// ones) in creation order.
	ListGroups(ctx context.Context, org OrgID, f GroupFilter) ([]*Group, PageInfo, error)
	// UpdateGroup writes Name, Description, Source, ExternalID, UpdatedAt
	// and DeletedAt: a group is deleted, and restored, by setting
	// DeletedAt, keeping its memberships, bindings, attachments and
	// trusts. A live group's name must not be in use by another live group
	// (CodeConflict).
	UpdateGroup(ctx context.Context, g *Group) error
	// CountGroups counts the live groups.
	CountGroups(ctx context.Context, org OrgID) (int, error)

	// AddGroupMember adds a member; an existing membership is CodeConflict.
	AddGroupMember(ctx context.Context, m *GroupMember) error
	RemoveGroupMember(ctx context.Context, org OrgID, group GroupID, user UserID) error
	// IsGroupMember reports whether user is a member of group; a group
	// that does not exist has no members.
	IsGroupMember(ctx context.Context, org OrgID, group GroupID, user UserID) (bool, error)
	// ListGroupMembers lists a group's members in the order they were added.
	ListGroupMembers(ctx context.Context, org OrgID, group GroupID, p Page) ([]*GroupMemberView, PageInfo, error)
	CountGroupMembers(ctx context.Context, org OrgID, group GroupID) (int, error)
}

// RoleTx stores roles and their bindings.
type RoleTx interface {
	CreateRole(ctx context.Context, r *Role) error
	// GetRole returns the role, deleted or not; callers check DeletedAt.
	GetRole(ctx context.Context, org OrgID, id RoleID) (*Role, error)
	// ListRoles lists roles in creation order.
	ListRoles(ctx context.Context, org OrgID, f RoleFilter) ([]*Role, PageInfo, error)
	// UpdateRole writes Name, Description, Type, MaxSessionSeconds,
	// AllowChaining, UpdatedAt and DeletedAt. Restoring a role whose name a
	// live role has taken since is CodeConflict.
	UpdateRole(ctx context.Context, r *Role) error
	// CountRoles counts the live roles.
	CountRoles(ctx context.Context, org OrgID) (int, error)

	// CreateRoleBinding binds a role; an existing identical binding is
	// CodeConflict.
	CreateRoleBinding(ctx context.Context, b *RoleBinding) error
	// DeleteRoleBinding removes the binding with b's role, principal and
	// project.
	DeleteRoleBinding(ctx context.Context, b *RoleBinding) error
	// ListRoleBindings lists bindings in creation order.
	ListRoleBindings(ctx context.Context, org OrgID, f BindingFilter) ([]*RoleBinding, PageInfo, error)
}

// PolicyTx stores custom policies and the attachments of every policy.
type PolicyTx interface {
	CreatePolicy(ctx context.Context, p *Policy) error
	// GetPolicy returns the policy, deleted or not; callers check
	// DeletedAt.
	GetPolicy(ctx context.Context, org OrgID, id PolicyID) (*Policy, error)
	// ListPolicies lists custom policies in creation order.
	ListPolicies(ctx context.Context, org OrgID, f PolicyFilter) ([]*Policy, PageInfo, error)
	// UpdatePolicy writes Name, Description, Document, UpdatedAt and
	// DeletedAt, and sets Version to version+1, if the stored Version is
	// still version; otherwise it is CodePreconditionFailed. Restoring a
	// policy whose name a live policy has taken since is CodeConflict.
	UpdatePolicy(ctx context.Context, p *Policy, version int64) error
	// CountPolicies counts the live custom policies.
	CountPolicies(ctx context.Context, org OrgID) (int, error)

	// CreateAttachment attaches a policy; an existing identical attachment
	// is CodeConflict. The policy may be managed, so PolicyID is not
	// checked against the stored policies.
	CreateAttachment(ctx context.Context, a *Attachment) error
	DeleteAttachment(ctx context.Context, a *Attachment) error
	// ListAttachments lists attachments in creation order.
	ListAttachments(ctx context.Context, org OrgID, f AttachmentFilter) ([]*Attachment, PageInfo, error)
	// CountAttachments counts the attachments to one target.
	CountAttachments(ctx context.Context, org OrgID, targetType PrincipalType, targetID string) (int, error)
}

// CatalogTx stores the part of the action catalog that fleet administrators
// change at run time: a JSON document in the shape of a catalog file
// (policy.CatalogPart), with a revision every change moves.
type CatalogTx interface {
	// GetCatalog returns the stored part and its revision; nil and 0 while
	// none was ever stored.
	GetCatalog(ctx context.Context) (doc []byte, revision int64, err error)
	// PutCatalog stores doc if the stored revision is still revision (0:
	// none stored) and returns the new revision; a stale revision is
	// CodePreconditionFailed.
	PutCatalog(ctx context.Context, doc []byte, revision int64) (int64, error)
	// EachPolicy calls fn with every live custom policy of every
	// organization until fn returns an error, which it returns.
	EachPolicy(ctx context.Context, fn func(*Policy) error) error
}
