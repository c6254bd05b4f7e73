package keyward

import "time"

// Organization types, as Vultr names them. The type is informational.
const (
	OrgTypePersonal   = "personal"
	OrgTypeTeam       = "team"
	OrgTypeBusiness   = "business"
	OrgTypeEnterprise = "enterprise"
)

// MaxNameLen is the longest name (of an organization, user, key) keyward
// stores, in characters, after trimming.
const MaxNameLen = 200

// Organization is a tenant: the boundary nothing crosses except an account
// that is a member of several organizations.
type Organization struct {
	ID        OrgID
	Name      string
	Type      string
	OwnerID   UserID // the root owner's account
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt *time.Time // nil while the organization is live
	// SuspendedAt is set while a fleet administrator has suspended the
	// organization: every credential of it is refused until unsuspended.
	SuspendedAt *time.Time
	// IdentityMode is IdentityLocal or IdentityIdP.
	IdentityMode string
	// Revision increases by one with every committed write in the
	// organization, in the same transaction as the write.
	Revision int64
}
