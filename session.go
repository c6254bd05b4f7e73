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
	Policy json.RawMessage
	// Policies are the managed and custom policies named as session
	// policies when the session started (AWS STS's PolicyArns), as they
	// read then. With Policy they make one layer, the session policy: a
	// request passes it when one of their statements allows it and none
	// denies it.
	Policies []SessionDocument
	// Narrowing holds the layers the session carries from the credential
	// that assumed it, so that it is never broader than that credential.
	// Each must allow a request too.
	Narrowing    []NarrowingLayer
	CreatedBy    UserID // who called assume; may differ from UserID
	CreatedAt    time.Time
	ExpiresAt    time.Time
	TerminatedAt *time.Time
}

// SessionDocument is one policy document that narrows a role session: an
// inline document (PolicyID empty) or a managed or custom policy as it
// read when the session started, kept as it was so that a later edit of
// the policy does not change the session.
type SessionDocument struct {
	PolicyID PolicyID
	Name     string
	Document json.RawMessage
}

// NarrowingLayer is a narrowing a role session carries from the credential
// that assumed it. Its documents make one layer: a request passes it when
// one of their statements allows it and none denies it.
type NarrowingLayer struct {
	// Source names the credential the narrowing is of:
	// "api_key:<key id>", the inline policy of the API key that assumed
	// the session (or a session before it in the chain), or
	// "session:<session id>", the session policy of a session that the
	// chain went through.
	Source    string
	Documents []SessionDocument
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

// SessionCookie is the name of the cookie that carries a login session's token in a browser.
const SessionCookie = "keyward_session"
