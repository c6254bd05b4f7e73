package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/keyward-iam/keyward"
)

const auditColumns = "e.id, e.org_id, e.occurred_at, e.actor_type, e.actor_id, e.actor_key_id, e.action, " +
	"e.target_type, e.target_id, e.before_data, e.after_data, e.request_id, e.source_ip, e.session_id, e.actor_chain"

func scanAuditEvent(s scanner) (*keyward.AuditEvent, error) {
	var (
		e             keyward.AuditEvent
		at            int64
		before, after sql.NullString
		chain         string
	)
	err := s.Scan(&e.ID, &e.OrgID, &at, &e.ActorType, &e.ActorID, &e.ActorKeyID, &e.Action,
		&e.TargetType, &e.TargetID, &before, &after, &e.RequestID, &e.SourceIP, &e.SessionID, &chain)
	if err != nil {
		return nil, err
	}
	if chain != "" {
		if err := json.Unmarshal([]byte(chain), &e.ActorChain); err != nil {
			return nil, fmt.Errorf("actor chain: %w", err)
		}
	}
	e.Time, e.Before, e.After = fromMicros(at), fromNullJSON(before), fromNullJSON(after)
	return &e, nil
}

// chainText stores an actor chain as a JSON array; an empty chain is "".
func chainText(chain []string) string {
	if len(chain) == 0 {
		return ""
	}
	b, _ := json.Marshal(chain) // strings always marshal
	return string(b)
}

// nullJSON stores a JSON value as text; nil or empty is NULL.
func nullJSON(v json.RawMessage) any {
	if len(v) == 0 {
		return nil
	}
	return string(v)
}

func fromNullJSON(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}

// ceilMicros is t in unix microseconds, rounded up: stored times are whole
// microseconds, so comparing with it is exact.
func ceilMicros(t time.Time) int64 {
	us := t.UnixMicro()
	if t.Nanosecond()%1000 != 0 {
		us++
	}
	return us
}

// errNoOrg is what a foreign-key violation on an audit event means.
var errNoOrg = keyward.Errorf(keyward.CodeNotFound, "Organization not found.")

// AppendAudit inserts e, giving it the transaction's time if it has none
// and an ID of its time if it has none. Empty Before and After become nil.
func (t *tx) AppendAudit(ctx context.Context, e *keyward.AuditEvent) error {
	t.touch(e.OrgID, changeNone, "")
	return t.appendAudit(ctx, "sqlstore.AppendAudit", "audit_events", e)
}

// AppendFleetAudit is AppendAudit for the fleet audit trail: it touches no
// organization, whichever e.OrgID names.
func (t *tx) AppendFleetAudit(ctx context.Context, e *keyward.AuditEvent) error {
	return t.appendAudit(ctx, "sqlstore.AppendFleetAudit", "fleet_audit_events", e)
}

// appendAudit inserts e into table, audit_events or fleet_audit_events,
// which have the same columns.
func (t *tx) appendAudit(ctx context.Context, op, table string, e *keyward.AuditEvent) error {
	if e.Time.IsZero() {
		e.Time = t.now
	}
	e.Time = micro(e.Time)
	setID(&e.ID, e.Time)
	if len(e.Before) == 0 {
		e.Before = nil
	}
	if len(e.After) == 0 {
		e.After = nil
	}
	_, err := t.execChecked(ctx, `INSERT INTO `+table+`
		(id, org_id, occurred_at, actor_type, actor_id, actor_key_id, action,
		 target_type, target_id, before_data, after_data, request_id, source_ip, session_id, actor_chain)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.ID, e.OrgID, e.Time.UnixMicro(), e.ActorType, e.ActorID, e.ActorKeyID, e.Action,
		e.TargetType, e.TargetID, nullJSON(e.Before), nullJSON(e.After), e.RequestID, e.SourceIP, e.SessionID, chainText(e.ActorChain))
	return dbError(op, err, errNoOrg)
}

// ListAuditEvents lists the events of org that match f, newest first.
func (t *tx) ListAuditEvents(ctx context.Context, org keyward.OrgID, f keyward.AuditFilter) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
	var w where
	w.add("e.org_id = %s", org)
	if f.Refusals {
		w.add("e.target_type = %s", "refusal")
	} else {
		w.add("e.target_type <> %s", "refusal")
	}
	return t.listAudit(ctx, "sqlstore.ListAuditEvents", "audit_events", w, f)
}

// ListFleetAuditEvents lists the fleet audit trail's events that match f,
// newest first.
func (t *tx) ListFleetAuditEvents(ctx context.Context, f keyward.AuditFilter) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
	// A listing needs a condition: the trail's beginning serves.
	var w where
	w.add("e.occurred_at >= %s", ceilMicros(f.Since))
	f.Since = time.Time{}
	return t.listAudit(ctx, "sqlstore.ListFleetAuditEvents", "fleet_audit_events", w, f)
}

// listAudit lists the events of table that match w and f, newest first.
func (t *tx) listAudit(ctx context.Context, op, table string, w where, f keyward.AuditFilter) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
	eq(&w, "e.actor_id", f.ActorID)
	eq(&w, "e.action", f.Action)
	eq(&w, "e.target_id", f.TargetID)
	if !f.Since.IsZero() {
		w.add("e.occurred_at >= %s", ceilMicros(f.Since))
	}
	if !f.Until.IsZero() {
		w.add("e.occurred_at < %s", ceilMicros(f.Until))
	}
	return list(ctx, t, listing{
		op:   op,
		cols: auditColumns,
		from: "FROM " + table + " e " + w.String(),
		args: w.args,
		key:  "e.id",
		desc: true,
	}, f.Page, scanAuditEvent, func(e *keyward.AuditEvent) string { return string(e.ID) })
}
