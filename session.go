package keyward

import (
	"encoding/json"
	"time"
)

// RoleSessionID identifies a role session.
type RoleSessionID string

// SessionTokenPrefix starts every session token keyward issues:
// kwr_<session id>_<secret>. It never equals a literal segment of the
// /v2/assumed-roles paths ("assume", "users").
const SessionTokenPrefix = "kwr_"

// RoleSession is a temporary principal made by assuming a role: for its
// lifetime its token acts as the role, narrowed by its session policy.
// Only the SHA-256 of its secret is stored.
type RoleSession struct {
	ID      RoleSessionID
	OrgID   OrgID
	RoleID  RoleID
	TrustID RoleTrustID
	// UserID is the member who assumed the role; empty for a federated
	// session, whose principal is the role itself.
	UserID UserID
	// ParentID is the session that assumed this one (role chaining).
	ParentID      RoleSessionID
	Name          string
	SecretHash    []byte
	AuthMethod    string // api_key, session, jwt or oidc
	SourceIP      string
	ConditionsMet []string
	// Policy is the inline session policy, a policy document that only
	// narrows the role's; nil when none was given.
	Policy       json.RawMessage
	CreatedBy    UserID // who called assume; may differ from UserID
	CreatedAt    time.Time
	ExpiresAt    time.Time
	TerminatedAt *time.Time
}

// Live reports whether the session may act at time now.
func (s *RoleSession) Live(now time.Time) bool {
	return s.TerminatedAt == nil && now.Before(s.ExpiresAt)
}

// SessionFilter narrows a session listing. Zero fields do not filter.
type SessionFilter struct {
	UserID UserID
	RoleID RoleID
	// LiveAt, when set, lists only the sessions live at that time.
	LiveAt time.Time
	Page   Page
}
