package service

import (
	"context"

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
	return readPage(ctx, s.store, func(tx keyward.Tx) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
		return tx.ListAuditEvents(ctx, p.OrgID, f)
	})
}
