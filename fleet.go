package keyward

import (
	"context"
	"time"
)

// Fleet roles: the deployment's own administrators, above every
// organization (seed 004's fleet administrator). They are granted to
// accounts, never to service users, and each is a managed policy of fleet.*
// actions (policy.FleetPolicyName) that the policy engine evaluates.
const (
	FleetAdmin  = "fleet.admin"
	FleetViewer = "fleet.viewer"
)

// FleetRoles lists the fleet roles.
func FleetRoles() []string { return []string{FleetAdmin, FleetViewer} }

// Identity modes of an organization: where its people's identities come
// from. In IdentityLocal, fleet administrators create its users and set
// their passwords; in IdentityIdP the organization's identity provider is
// the source of truth and keyward holds no local passwords for it.
const (
	IdentityLocal = "local"
	IdentityIdP   = "idp"
)

// FleetRoleGrant is one fleet role held by one account. Email and Name are
// the account's, read with the grant.
type FleetRoleGrant struct {
	ID        string // time-ordered, given by the store
	UserID    UserID
	Role      string // FleetAdmin or FleetViewer
	GrantedBy UserID // "" for the grant of a migration or of bootstrap
	CreatedAt time.Time
	Email     string
	Name      string
}

// FleetRoleFilter narrows a listing of fleet role grants. Zero fields do
// not filter.
type FleetRoleFilter struct {
	UserID UserID
	Role   string
	Page   Page
}

// OrgFilter narrows the deployment-wide listing of organizations. Zero
// fields do not filter.
type OrgFilter struct {
	Name      string // substring, case-insensitive
	Suspended *bool
	Page      Page
}

// FleetTx stores what belongs to the deployment rather than to one
// organization: fleet role grants, the deployment-wide view of the
// organizations and the fleet audit trail.
type FleetTx interface {
	// GrantFleetRole stores g; the same role granted to the same account
	// twice is CodeConflict, an unknown account CodeNotFound.
	GrantFleetRole(ctx context.Context, g *FleetRoleGrant) error
	// RevokeFleetRole removes a grant; a missing one is CodeNotFound, the
	// last fleet.admin grant CodeConflict (the deployment keeps an
	// administrator, also against revocations at once).
	RevokeFleetRole(ctx context.Context, user UserID, role string) error
	// ListFleetRoles lists grants in the order they were made.
	ListFleetRoles(ctx context.Context, f FleetRoleFilter) ([]*FleetRoleGrant, PageInfo, error)
	// FleetRolesOf returns the fleet roles the account holds, sorted.
	FleetRolesOf(ctx context.Context, user UserID) ([]string, error)
	// ListAllOrganizations lists the live organizations of every account,
	// in creation order.
	ListAllOrganizations(ctx context.Context, f OrgFilter) ([]*Organization, PageInfo, error)
	// AppendFleetAudit appends e to the fleet audit trail; e.OrgID is the
	// organization the event is about, or "" for none, and may name an
	// organization purged since.
	AppendFleetAudit(ctx context.Context, e *AuditEvent) error
	// ListFleetAuditEvents lists the fleet audit trail newest first;
	// f.Refusals is ignored.
	ListFleetAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, PageInfo, error)
}
