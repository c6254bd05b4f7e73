package keyward

import (
	"encoding/json"
	"time"
)

// ProjectID identifies a project: a UUIDv7 keyward mints.
type ProjectID string

// Project is a scope inside an organization that provider resources belong
// to. A role bound to a project, and a member's override on it, apply to the
// project and to the resources registered in it.
type Project struct {
	ID          ProjectID
	OrgID       OrgID
	Name        string // unique among the org's projects, case-insensitively
	Description string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Resource is a provider resource registered with keyward, so that a
// decision about its ID finds its project without the caller naming it.
type Resource struct {
	OrgID     OrgID
	ID        string // the provider's id for it, a lowercase UUID or its own; unique in the organization ignoring ASCII case
	Type      string // the provider's word for it, e.g. "compute.instance"
	ProjectID ProjectID
	CreatedAt time.Time
	CreatedBy UserID
}

// MaxResourceTypeLen bounds Resource.Type, in bytes.
const MaxResourceTypeLen = 100

// Override is a member's permissions inside one project, as a grid: inside
// the project it replaces what the member's role bindings grant. Policies
// attached directly still apply, and so does any explicit Deny.
type Override struct {
	OrgID     OrgID
	ProjectID ProjectID
	UserID    UserID
	// Grid is the grid in its canonical JSON form (package policy's Grid);
	// Document is the policy generated from it, in canonical JSON.
	Grid      json.RawMessage
	Document  json.RawMessage
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy UserID
}

// RoleGrid is the grid a custom role was defined by, with the policy
// generated from it: the role grants Document as if it were attached, and
// the document is regenerated whenever the grid changes.
type RoleGrid struct {
	OrgID     OrgID
	RoleID    RoleID
	Grid      json.RawMessage
	Document  json.RawMessage
	UpdatedAt time.Time
}

// ResourceFilter narrows a resource listing. Zero fields do not filter.
type ResourceFilter struct {
	ProjectID ProjectID
	Page      Page
}

// OverrideFilter narrows an override listing. Zero fields do not filter.
type OverrideFilter struct {
	ProjectID ProjectID
	UserID    UserID
	Page      Page
}
