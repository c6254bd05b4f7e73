package keyward

import (
	"encoding/json"
	"time"
)

// Actor types recorded on audit events.
const (
	ActorUser        = "user"
	ActorServiceUser = "service_user"
	ActorSystem      = "system"
)

// AuditEvent records one change. It is written in the same transaction as
// the change it describes, so it exists if and only if the change does.
type AuditEvent struct {
	ID         AuditEventID
	OrgID      OrgID
	Time       time.Time
	ActorType  string // ActorUser, ActorServiceUser or ActorSystem
	ActorID    UserID
	ActorKeyID APIKeyID // the credential used, if any
	Action     string   // the catalog action, e.g. "iam.user.Create"
	TargetType string   // e.g. "user", "api_key", "organization"
	TargetID   string
	Before     json.RawMessage // nil for a create
	After      json.RawMessage // nil for a delete
	RequestID  string
	SourceIP   string
	// SessionID is the role session the actor acted through, if any, and
	// ActorChain the chain from the account to it, e.g.
	// ["user:<id>", "session:<id>"]; both empty for a direct call.
	SessionID  RoleSessionID
	ActorChain []string
	// Redacted is set on an event read by a caller who may not read the
	// object it is about: Before and After were withheld.
	Redacted bool
}

// AuditFilter narrows an audit listing. Zero fields do not filter; Since is
// inclusive and Until exclusive.
type AuditFilter struct {
	ActorID  UserID
	Action   string
	TargetID string
	// Refusals lists the refused calls (target type "refusal") instead of
	// the changes.
	Refusals bool
	Since    time.Time
	Until    time.Time
	Page     Page
}
