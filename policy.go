package keyward

import (
	"encoding/json"
	"time"
)

// Policy is a custom policy of one organization. Managed policies are not
// stored: they ship with the binary (package policy) and appear in every
// organization.
type Policy struct {
	ID          PolicyID
	OrgID       OrgID
	Name        string // unique among the org's live policies, case-insensitively
	Description string
	// Document is the policy document in its canonical JSON form, as
	// package policy validated and printed it.
	Document json.RawMessage
	// Version starts at 1 and increases with every update: the policy's
	// ETag.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt is set while the policy is deleted (soft): it grants
	// nothing, and its attachments are kept for a restore.
	DeletedAt *time.Time
}

// Attachment attaches a policy (custom or managed) to a user, group or role.
type Attachment struct {
	OrgID      OrgID
	PolicyID   PolicyID
	TargetType PrincipalType
	TargetID   string
	CreatedAt  time.Time
	CreatedBy  UserID
}

// PolicyFilter narrows a custom policy listing. Zero fields do not filter.
type PolicyFilter struct {
	Deleted bool   // list the deleted policies instead of the live ones
	Name    string // exact, case-insensitive
	Search  string // a part of the name, case-insensitive (Matches)
	Page    Page
}

// AttachmentFilter narrows an attachment listing. Zero fields do not
// filter.
type AttachmentFilter struct {
	PolicyID   PolicyID
	TargetType PrincipalType
	TargetID   string
	Page       Page
}
