package keyward

import (
	"context"
	"time"
)

// Principal is the authenticated caller of a request: a user of one
// organization acting through one credential.
type Principal struct {
	OrgID  OrgID
	UserID UserID
	Kind   UserKind
	KeyID  APIKeyID // the API key used; empty for other credentials
	// KeyPolicy is the narrowing document of the API key used (APIKey.Policy),
	// nil if it has none.
	KeyPolicy []byte
	RequestID string
	SourceIP  string
	// Revision is the oldest revision of the organization that the
	// request's decisions may be made at. Authentication leaves it 0: the
	// current snapshot then decides, which already holds every write this
	// server has answered (a write waits for the snapshot to absorb it
	// before it answers), and checks never wait for writes in flight. A
	// flow that acts as another principal right after reading the
	// organization sets it to what it read.
	Revision int64
	// LoginSession is the login session the caller authenticated with;
	// empty for other credentials.
	LoginSession LoginSessionID
	// MFAAt is when that login session verified a second factor; nil if
	// it did not, or for other credentials, which carry no MFA.
	MFAAt *time.Time
	// MFAEnrollOnly is set for a login session of an organization that
	// demands a second factor, when the session verified none: it may only
	// enroll one (and read itself, and log out).
	MFAEnrollOnly bool
	// Session is set when the caller authenticated with a role session
	// token: it then acts as the session's role, not as UserID.
	Session *SessionPrincipal
	// ExpiresAt is when the credential the caller authenticated with
	// stops working by itself (an API key's expiry, a login or role
	// session's end); nil for a key that never expires. A credential the
	// caller derives from it never outlives it (service.capExpiry).
	ExpiresAt *time.Time
}

// SessionPrincipal is the role session a principal acts through.
type SessionPrincipal struct {
	ID        RoleSessionID
	RoleID    RoleID
	TrustID   RoleTrustID
	Policy    []byte // the inline session policy document; nil if none
	ExpiresAt time.Time
	// Chain is the actor chain from the account to this session:
	// "user:<id>", then "session:<id>" for each session in turn.
	Chain []string
	// Policies and Narrowing are the session's (RoleSession.Policies and
	// RoleSession.Narrowing): with Policy, every layer that narrows it.
	Policies  []SessionDocument
	Narrowing []NarrowingLayer
}

// ActorType returns the audit actor type of the principal.
func (p *Principal) ActorType() string {
	if p.Kind == KindService {
		return ActorServiceUser
	}
	return ActorUser
}

type contextKey int

const (
	principalKey contextKey = iota + 1
	requestKey
	writeOrgKey
)

// NewContextWithPrincipal returns a copy of ctx carrying p.
func NewContextWithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

// PrincipalFromContext returns the principal of ctx, or nil.
func PrincipalFromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey).(*Principal)
	return p
}

// NewContextWithWriteOrg returns a copy of ctx in which Store.WriteTx
// starts by taking the write lock of org (the row of its revision), before
// any read, so that writers to one organization queue behind each other
// instead of aborting each other. It is a hint: a transaction that bumps
// the revision of an organization it did not lock first is run again with
// that lock taken first.
func NewContextWithWriteOrg(ctx context.Context, org OrgID) context.Context {
	return context.WithValue(ctx, writeOrgKey, org)
}

// WriteOrgFromContext returns the organization of NewContextWithWriteOrg,
// or "".
func WriteOrgFromContext(ctx context.Context) OrgID {
	org, _ := ctx.Value(writeOrgKey).(OrgID)
	return org
}

// NewContextWithRequest returns a copy of ctx carrying the request's id and
// source IP, which audit events record.
func NewContextWithRequest(ctx context.Context, requestID, sourceIP string) context.Context {
	return &requestContext{Context: ctx, id: requestID, ip: sourceIP}
}

// requestContext carries both of a request's values in one context node:
// every request makes one, and this is one allocation, not four.
type requestContext struct {
	context.Context
	id, ip string
}

func (c *requestContext) Value(key any) any {
	if key == requestKey {
		return c
	}
	return c.Context.Value(key)
}

// RequestFromContext returns the request id and source IP of ctx.
func RequestFromContext(ctx context.Context) (requestID, sourceIP string) {
	if c, _ := ctx.Value(requestKey).(*requestContext); c != nil {
		return c.id, c.ip
	}
	return "", ""
}
