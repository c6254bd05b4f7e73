package keyward

import "time"

// RoleType says how a role's policies reach a principal.
type RoleType string

// The role types.
const (
	// RoleAssignable roles are bound to users, service users and groups,
	// whose members hold the role's policies for as long as the binding
	// exists.
	RoleAssignable RoleType = "assignable"
	// RoleAssumable roles are taken on through a trust, for a session of
	// limited duration.
	RoleAssumable RoleType = "assumable"
)

// Session duration bounds of assumable roles, in seconds, as Vultr documents
// them.
const (
	DefaultMaxSessionSeconds = 3600
	MinSessionSeconds        = 900
	MaxSessionSeconds        = 43200
)

// Role is a named bundle of policies.
type Role struct {
	ID                RoleID
	OrgID             OrgID
	Name              string // unique among the org's live roles, case-insensitively
	Description       string
	Type              RoleType
	MaxSessionSeconds int
	// AllowChaining lets a session of another role assume this one
	// (role chaining); keyward's field, off by default.
	AllowChaining bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// DeletedAt is set while the role is deleted (soft): it grants nothing,
	// and its bindings and attachments are kept for a restore.
	DeletedAt *time.Time
}

// PrincipalType names the kind of principal a role is bound to or a policy
// is attached to.
type PrincipalType string

// The principal types. Users include service users.
const (
	PrincipalUser  PrincipalType = "user"
	PrincipalGroup PrincipalType = "group"
	PrincipalRole  PrincipalType = "role" // a policy's attachment target only
)

// RoleBinding grants an assignable role to a user or group, in the whole
// organization (ProjectID empty) or in one project.
type RoleBinding struct {
	OrgID         OrgID
	RoleID        RoleID
	PrincipalType PrincipalType // PrincipalUser or PrincipalGroup
	PrincipalID   string
	ProjectID     string // empty: the whole organization
	CreatedAt     time.Time
	CreatedBy     UserID
}

// RoleFilter narrows a role listing. Zero fields do not filter.
type RoleFilter struct {
	Type    RoleType
	Deleted bool   // list the deleted roles instead of the live ones
	Search  string // a part of the name, case-insensitive (Matches)
	Page    Page
}

// BindingFilter narrows a binding listing. Zero fields do not filter.
type BindingFilter struct {
	RoleID        RoleID
	PrincipalType PrincipalType
	// WithDeletedGroups lists the bindings of deleted groups too, which
	// their restore brings back; a listing leaves them out otherwise.
	WithDeletedGroups bool
	Page              Page
}
