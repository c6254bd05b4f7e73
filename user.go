package keyward

import "time"

// UserKind tells what kind of identity a user is in an organization.
type UserKind string

// The user kinds.
const (
	KindRootOwner UserKind = "root_owner" // the organization's creator; above IAM
	KindNormal    UserKind = "normal"     // a human member
	KindService   UserKind = "service"    // an API-only identity owned by the organization
)

// UserStatus is the state of a membership.
type UserStatus string

// The membership states.
const (
	StatusActive    UserStatus = "active"
	StatusSuspended UserStatus = "suspended"
)

// Password rules: the fewest characters a password may have, and the
// fewest of them that are not white space, so that a run of spaces is no
// password.
const (
	MinPasswordLen      = 10
	MinPasswordNonSpace = 8
)

// MaxPasswordBytes is the longest password keyward accepts, in bytes: it
// bounds what one hash costs.
const MaxPasswordBytes = 1024

// Account is a platform identity: a human (who may be a member of several
// organizations) or a service user (API-only, owned by one organization).
// Its ID is the user id of every membership it has.
type Account struct {
	ID           UserID
	Email        string // as given; may be empty for a service user
	Name         string
	PasswordHash string // PHC-formatted argon2id; empty: no password login
	Service      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Member is an account's membership in one organization.
type Member struct {
	OrgID      OrgID
	UserID     UserID
	Owner      bool // the root owner of OrgID
	Status     UserStatus
	APIEnabled bool
	ACLs       []string // legacy Vultr ACL names, e.g. "manage_users"
	// External says where the membership comes from: keyward itself, or
	// the organization's identity provider, whose ExternalID (the
	// issuer and subject, OIDCExternalID) signs it in.
	External
	// Tags are the membership's tags, sorted by key ignoring case, whose
	// keys are distinct ignoring case; nil when it has none. They belong
	// to the membership, not the account: each organization tags its own
	// members.
	Tags        []Tag
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SuspendedAt *time.Time
}

// User is the view of an account through its membership in one
// organization: what /v2/users returns.
type User struct {
	Account
	Member
}

// Kind returns the user's kind in its organization.
func (u *User) Kind() UserKind {
	switch {
	case u.Account.Service:
		return KindService
	case u.Member.Owner:
		return KindRootOwner
	default:
		return KindNormal
	}
}

// UserFilter narrows a user listing. Zero fields do not filter.
type UserFilter struct {
	Kind   UserKind
	Status UserStatus
	Email  string // exact, case-insensitive
	Search string // a part of the name or the email, case-insensitive (Matches)
	Source string // External.Source; "" does not filter, so SourceLocal cannot be asked for
	Page   Page
}
