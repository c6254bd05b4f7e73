package keyward

import "time"

// Group is a set of users and service users of one organization. Policies
// attached to it and roles bound to it are inherited by its members.
type Group struct {
	ID          GroupID
	OrgID       OrgID
	Name        string // Vultr's display_name; unique in the org, case-insensitively
	Description string
	// Source and ExternalID say where the group comes from (External).
	// An IdP group is named by its IdP: ExternalID is the name as the IdP
	// sends it.
	External
	CreatedAt time.Time
	UpdatedAt time.Time
	// DeletedAt is set while the group is deleted (soft): it gives its
	// members nothing, its name is free, and its memberships, bindings,
	// attachments and trusts are kept for a restore.
	DeletedAt   *time.Time
	MemberCount int // read-only: filled in by GetGroup and ListGroups
}

// GroupMember is one user's membership in a group.
type GroupMember struct {
	OrgID   OrgID
	GroupID GroupID
	UserID  UserID
	AddedAt time.Time
	AddedBy UserID
}

// GroupMemberView is a group member with its user, as listings show it.
type GroupMemberView struct {
	GroupMember
	User *User
}

// GroupFilter narrows a group listing. Zero fields do not filter.
type GroupFilter struct {
	Deleted bool   // list the deleted groups instead of the live ones
	Member  UserID // only groups this user is a member of
	Name    string // exact, case-insensitive
	Search  string // a part of the name, case-insensitive (Matches)
	Source  string // External.Source; "" does not filter
	Page    Page
}
