package service

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/keyward-iam/keyward"
)

// ListAuditEvents lists the caller's organization's audit events, newest
// first.
func (s *Service) ListAuditEvents(ctx context.Context, f keyward.AuditFilter) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.auditevent.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if f.ActorID != "" {
		if err := checkID("actor_id", string(f.ActorID)); err != nil {
			return nil, keyward.PageInfo{}, err
		}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		return nil, keyward.PageInfo{}, keyward.FieldError("until", "until must be after since.")
	}
	events, info, err := readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
		return tx.ListAuditEvents(ctx, p.OrgID, f)
	})
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return events, info, s.redact(ctx, p, events)
}

// auditReads is the action that reads the object of an event, by its
// target type; the resource it is decided on is the target id, but for an
// API key (its user's keys are read) and an override (its project).
var auditReads = map[string]string{
	"user": "iam.user.Read", "group": "iam.group.Read", "role": "iam.role.Read", "policy": "iam.policy.Read",
	"role_trust": "iam.roletrust.Read", "invitation": "iam.invitation.Read", "organization": "iam.organization.Read",
	"project": "iam.project.Read", "resource": "iam.resource.Read", "role_session": "iam.assumedrole.Read",
	"oidc_issuer": "oidc.issuer.Read", "override": "iam.override.Read", "api_key": "iam.apikey.Read",
	"login_session": "iam.user.ListLoginSessions", "mail": "iam.mail.List", "refusal": "iam.auditevent.List",
	"identity_provider": "iam.identityprovider.Read",
}

// redact withholds the before and after of each event whose object p may
// not read, so that the audit trail shows a reader that something changed,
// not what it may not see (a Viewer learns that a user was created, not
// its email). Events of unknown target types are redacted for all but an
// unnarrowed root owner.
func (s *Service) redact(ctx context.Context, p *keyward.Principal, events []*keyward.AuditEvent) error {
	if unlimitedRoot(p) {
		return nil
	}
	snap, err := s.snapshot(ctx, p.OrgID, p.Revision)
	if err != nil {
		return err
	}
	base := s.callerRequest(snap, p)
	for _, e := range events {
		if len(e.Before) == 0 && len(e.After) == 0 {
			continue
		}
		r := base
		r.Action, r.Resource = auditReads[e.TargetType], e.TargetID
		switch e.TargetType {
		case "api_key":
			r.Resource = string(e.ActorID) // who made it; a key's own user is in its before/after
			if u, ok := auditKeyUser(e); ok {
				r.Resource = u
			}
		case "override":
			r.Resource, _, _ = strings.Cut(e.TargetID, "/")
		case "login_session":
			r.Resource = string(e.ActorID)
		}
		if r.Action != "" {
			if d, _ := snap.Decide(&r); d.Allowed() {
				continue
			}
		}
		e.Before, e.After, e.Redacted = nil, nil, true
	}
	return nil
}

// auditKeyUser returns the user whose key an api_key event is about.
func auditKeyUser(e *keyward.AuditEvent) (string, bool) {
	for _, raw := range [][]byte{e.After, e.Before} {
		var v struct {
			UserID string `json:"user_id"`
		}
		if json.Unmarshal(raw, &v) == nil && v.UserID != "" {
			return v.UserID, true
		}
	}
	return "", false
}

// refusalsPerMinute bounds the refusals one organization's audit trail
// records per minute; past it they are only logged.
const refusalsPerMinute = 600

// AuditRefusal records in the caller's organization that a call of its
// (route is the pattern, e.g. "DELETE /v2/users/{user_id}", and action
// its action) was refused with err, a CodePermissionDenied error: an event
// of the refused action whose target type is "refusal" and whose after
// holds the reason and the explanation. GET /v2/audit-events?refusals=true
// lists them, apart from the changes. Calls without a principal (public routes) are not recorded
// here. A failure to record is logged, never returned.
func (s *Service) AuditRefusal(ctx context.Context, route, action string, err error) {
	p := keyward.PrincipalFromContext(ctx)
	e := keyward.AsError(err)
	if p == nil || e == nil || e.Code != keyward.CodePermissionDenied {
		return
	}
	if try, _ := s.logins.reserveIP("refusal audit "+string(p.OrgID), refusalsPerMinute, s.now()); try == nil {
		s.log.WarnContext(ctx, "refusal not audited: the organization's budget is spent", "org", p.OrgID, "route", route)
		return
	}
	if d, ok := e.Detail.(Denial); ok && d.Action != "" {
		action = d.Action // the action refused, which may be another than the route's (a grant's)
	}
	werr := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return s.record(ctx, tx, p, p.OrgID, change{Action: action, TargetType: "refusal", TargetID: route,
			After: map[string]any{"outcome": "refused", "reason": e.Message, "explanation": e.Detail}})
	})
	if werr != nil {
		s.log.ErrorContext(ctx, "audit a refusal", "error", werr.Error(), "org", p.OrgID, "route", route)
	}
}
