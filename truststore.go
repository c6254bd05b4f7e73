package keyward

import (
	"context"
	"time"
)

// TrustTx stores role trusts and the sessions made through them.
type TrustTx interface {
	CreateRoleTrust(ctx context.Context, t *RoleTrust) error
	// GetRoleTrust returns the trust, deleted or not; callers check
	// DeletedAt.
	GetRoleTrust(ctx context.Context, org OrgID, id RoleTrustID) (*RoleTrust, error)
	// ListRoleTrusts lists trusts in creation order. Only trusts of live
	// roles are listed.
	ListRoleTrusts(ctx context.Context, org OrgID, f TrustFilter) ([]*RoleTrust, PageInfo, error)
	// UpdateRoleTrust writes every field but ID, OrgID, RoleID, CreatedBy
	// and CreatedAt.
	UpdateRoleTrust(ctx context.Context, t *RoleTrust) error

	CreateRoleSession(ctx context.Context, s *RoleSession) error
	// GetRoleSession finds a session by ID in any organization. It serves
	// authentication; everything else checks OrgID.
	GetRoleSession(ctx context.Context, id RoleSessionID) (*RoleSession, error)
	// ListRoleSessions lists the sessions of org, newest first.
	ListRoleSessions(ctx context.Context, org OrgID, f SessionFilter) ([]*RoleSession, PageInfo, error)
	// CountRoleSessions counts the sessions of role live at time at.
	CountRoleSessions(ctx context.Context, org OrgID, role RoleID, at time.Time) (int, error)

	// The End methods terminate, at time at, the live sessions of org they
	// select and every live session chained from one they select (ended or
	// not), and return how many they ended.

	// EndRoleSessions ends the sessions made through trust (when not
	// empty) or of role (when trust is empty).
	EndRoleSessions(ctx context.Context, org OrgID, role RoleID, trust RoleTrustID, at time.Time) (int, error)
	// EndUserRoleSessions ends the sessions user assumed.
	EndUserRoleSessions(ctx context.Context, org OrgID, user UserID, at time.Time) (int, error)
	// EndGroupRoleSessions ends the sessions made through a trust of
	// group: those user assumed when user is not empty, else all of them.
	EndGroupRoleSessions(ctx context.Context, org OrgID, group GroupID, user UserID, at time.Time) (int, error)
	// EndIssuerRoleSessions ends the sessions made through a trust of the
	// OIDC issuer.
	EndIssuerRoleSessions(ctx context.Context, org OrgID, issuer OIDCIssuerID, at time.Time) (int, error)
	// TerminateRoleSession sets TerminatedAt if it is not set yet, and ends
	// the sessions chained from the session.
	TerminateRoleSession(ctx context.Context, org OrgID, id RoleSessionID, at time.Time) error
}
