package service

import (
	"context"
	"time"

	"github.com/keyward-iam/keyward"
)

// restoring is the restore of one object deleted softly (a role, a
// policy, a trust, a group), once it is loaded and the restore authorized.
// A live object is left as it is. Of a deleted one, check refuses the
// restore (the grants it hands out again, a limit, a name taken since);
// undelete clears its deletion at now, stores it and returns its view for
// the audit event.
type restoring struct {
	action, targetType, id string
	deleted                bool
	check                  func() error
	undelete               func(now time.Time) (any, error)
}

// restore runs r inside tx and commits it with its audit event, done by
// p. It is the one flow of every restore: nothing for a live object, and
// for a deleted one the checks, then the write, then the event.
func (s *Service) restore(ctx context.Context, tx keyward.Tx, p *keyward.Principal, r restoring) error {
	if !r.deleted {
		return nil
	}
	if err := r.check(); err != nil {
		return err
	}
	after, err := r.undelete(tx.Now())
	if err != nil {
		return err
	}
	_, err = s.commit(ctx, tx, p, p.OrgID, change{Action: r.action, TargetType: r.targetType, TargetID: r.id, After: after})
	return err
}
