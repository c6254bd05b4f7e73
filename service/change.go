package service

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"

	"github.com/keyward-iam/keyward"
)

// change describes one mutation for the audit trail. Before and After are
// the caller-visible views of the target (never secrets), nil for a create
// or a delete.
type change struct {
	Action     string
	TargetType string
	TargetID   string
	Before     any
	After      any
}

// effects counts what a change ended on the way, such as the role sessions
// of a suspended member. The change's one audit event records them: in
// After, next to the target's view, or as After itself for a delete (see
// afterDelete).
type effects struct {
	SessionsEnded      int `json:"sessions_ended,omitempty"`
	InvitationsRevoked int `json:"invitations_revoked,omitempty"`
}

// afterDelete is the After of a delete's audit event: nil, as for any
// delete, unless the delete ended something on the way.
func (e effects) afterDelete() any {
	if e == (effects{}) {
		return nil
	}
	return e
}

// commit records c in org's audit trail and bumps org's revision, inside tx,
// so both commit with the change or not at all. It returns the new revision.
func (s *Service) commit(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, c change) (int64, error) {
	if err := s.record(ctx, tx, p, org, c); err != nil {
		return 0, err
	}
	rev, err := tx.BumpRevision(ctx, org)
	if err != nil {
		return 0, fmt.Errorf("bump revision: %w", err)
	}
	recordRevision(ctx, rev)
	return rev, nil
}

// record appends the audit event of c inside tx without moving the
// organization's revision: for what changes no access (reading the mail
// outbox), so that snapshots stay current.
func (s *Service) record(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, c change) error {
	ev, err := auditEvent(ctx, tx, p, org, c)
	if err != nil {
		return err
	}
	if err := tx.AppendAudit(ctx, ev); err != nil {
		return fmt.Errorf("append audit %s: %w", c.Action, err)
	}
	return nil
}

// recordFleet appends the event of c, done by p, to the fleet audit trail
// inside tx; org is the organization it is about, "" for none.
func (s *Service) recordFleet(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, c change) error {
	ev, err := auditEvent(ctx, tx, p, org, c)
	if err != nil {
		return err
	}
	if err := tx.AppendFleetAudit(ctx, ev); err != nil {
		return fmt.Errorf("append fleet audit %s: %w", c.Action, err)
	}
	return nil
}

// actorKey carries, in a context, who acts when no principal does: a web
// identity token's issuer and subject for the audit events of the session
// it starts, an identity provider's for what a sign-in imports.
type actorKey struct{}

type externalActor struct {
	typ   string   // keyward.ActorWebIdentity, keyward.ActorIdP
	chain []string // e.g. oidc:<issuer>, sub:<subject>
}

func withActor(ctx context.Context, typ string, chain []string) context.Context {
	return context.WithValue(ctx, actorKey{}, &externalActor{typ, chain})
}

// actorOf returns the external actor of ctx, or nil.
func actorOf(ctx context.Context) *externalActor {
	a, _ := ctx.Value(actorKey{}).(*externalActor)
	return a
}

// auditEvent is the event of c in org, done by p (nil: the system, or the
// external actor of ctx) in the request of ctx.
func auditEvent(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID, c change) (*keyward.AuditEvent, error) {
	before, err := marshalAudit(c.Before)
	if err != nil {
		return nil, err
	}
	after, err := marshalAudit(c.After)
	if err != nil {
		return nil, err
	}
	reqID, ip := keyward.RequestFromContext(ctx)
	ev := &keyward.AuditEvent{
		ID:         keyward.AuditEventID(keyward.NewID(tx.Now())),
		OrgID:      org,
		Time:       tx.Now(),
		ActorType:  keyward.ActorSystem,
		Action:     c.Action,
		TargetType: c.TargetType,
		TargetID:   c.TargetID,
		Before:     before,
		After:      after,
		RequestID:  reqID,
		SourceIP:   ip,
	}
	if p != nil {
		ev.ActorType = p.ActorType()
		ev.ActorID = p.UserID
		ev.ActorKeyID = p.KeyID
		if p.Session != nil {
			ev.SessionID, ev.ActorChain = p.Session.ID, p.Session.Chain
		}
	} else if a := actorOf(ctx); a != nil {
		ev.ActorType, ev.ActorChain = a.typ, a.chain
	}
	return ev, nil
}

func marshalAudit(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal audit value: %w", err)
	}
	return b, nil
}

type revisionKey struct{}

// WithRevision returns a context in which the writes of service methods
// record the organization revision they commit, and a function that returns
// the last one recorded (0 if none). httpapi returns it to the caller, who
// may pass it as min_revision to read its own writes on any replica.
func WithRevision(ctx context.Context) (context.Context, func() int64) {
	var rev atomic.Int64
	return context.WithValue(ctx, revisionKey{}, &rev), rev.Load
}

// recordRevision records rev for WithRevision. A transaction that is
// retried records again, so the last value is the committed one.
func recordRevision(ctx context.Context, rev int64) {
	if r, ok := ctx.Value(revisionKey{}).(*atomic.Int64); ok {
		r.Store(rev)
	}
}
