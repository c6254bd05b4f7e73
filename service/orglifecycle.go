package service

import (
	"context"
	"time"

	"github.com/keyward-iam/keyward"
)

// orgActor returns the live organization id, as a member of which p may
// perform action on resource: the caller seen in that organization.
func (s *Service) orgActor(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.OrgID, action, resource string) (*keyward.Organization, *keyward.Principal, error) {
	org, err := visibleOrg(ctx, tx, p, id)
	if err != nil {
		return nil, nil, err
	}
	actor, err := principalIn(ctx, tx, p, id)
	if err != nil {
		return nil, nil, err
	}
	if actor != p {
		// p's revision is of its own organization.
		actor.Revision = org.Revision
	}
	if err := s.authorize(ctx, actor, action, resource); err != nil {
		return nil, nil, err
	}
	return org, actor, nil
}

// errNotRootOwner answers what only the root owner may do.
func errNotRootOwner(what string) error {
	return keyward.Errorf(keyward.CodePermissionDenied, "Only the organization's root owner may %s.", what)
}

// DeleteOrganization deletes an organization softly: its members, keys and
// sessions lose access at once, nothing is destroyed, and its root owner
// may restore it within the retention window (Options.OrgRetention), after
// which PurgeOrganizations deletes it for good. Only the root owner may
// delete it, and needs iam.organization.Delete.
func (s *Service) DeleteOrganization(ctx context.Context, id keyward.OrgID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		org, actor, err := s.orgActor(ctx, tx, p, id, "iam.organization.Delete", "")
		if err != nil {
			return err
		}
		if actor.Kind != keyward.KindRootOwner {
			return errNotRootOwner("delete it")
		}
		now := tx.Now()
		org.DeletedAt, org.UpdatedAt = &now, now
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, actor, id, change{
			Action: "iam.organization.Delete", TargetType: "organization", TargetID: string(id), Before: viewOrg(org),
		})
		return err
	})
}

// RestoreOrganization undeletes an organization within the retention
// window: every member, key and session works again exactly as before.
// Only its root owner may restore it (calling with a credential of any of
// its organizations); to anyone else, and past the window, a deleted
// organization is CodeNotFound. A live organization is CodeConflict.
func (s *Service) RestoreOrganization(ctx context.Context, id keyward.OrgID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if !keyward.ValidID(string(id)) {
			return notFound("Organization")
		}
		org, err := tx.GetOrganization(ctx, id)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("Organization")
		}
		if err != nil {
			return err
		}
		if org.DeletedAt == nil {
			if _, _, err := s.orgActor(ctx, tx, p, id, "iam.organization.Restore", ""); err != nil {
				return err
			}
			return keyward.Errorf(keyward.CodeConflict, "The organization is not deleted.")
		}
		if org.OwnerID != p.UserID || !tx.Now().Before(org.DeletedAt.Add(s.logins.retention)) {
			return notFound("Organization")
		}
		owner, err := tx.GetUser(ctx, id, p.UserID)
		if err != nil {
			return err
		}
		actor := *p
		actor.OrgID, actor.Kind, actor.Revision = id, owner.Kind(), org.Revision
		if err := s.authorize(ctx, &actor, "iam.organization.Restore", ""); err != nil {
			return err
		}
		org.DeletedAt, org.UpdatedAt = nil, tx.Now()
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, &actor, id, change{
			Action: "iam.organization.Restore", TargetType: "organization", TargetID: string(id), After: viewOrg(org),
		})
		return err
	})
}

// ListDeletedOrganizations lists the deleted organizations whose root
// owner is the caller's account and that are not purged yet.
func (s *Service) ListDeletedOrganizations(ctx context.Context, page keyward.Page) ([]*keyward.Organization, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Organization, keyward.PageInfo, error) {
		return tx.ListDeletedOrganizationsOwnedBy(ctx, p.UserID, page)
	})
}

// PurgeAfter returns when a deleted organization is purged.
func (s *Service) PurgeAfter(o *keyward.Organization) *time.Time {
	if o.DeletedAt == nil {
		return nil
	}
	t := o.DeletedAt.Add(s.logins.retention)
	return &t
}

// PurgeOrganizations deletes for good every organization deleted longer
// than the retention window ago, each in its own transaction, and returns
// how many it purged. The server runs it periodically. A purged
// organization's audit trail goes with it, so the purge is logged instead.
func (s *Service) PurgeOrganizations(ctx context.Context) (int, error) {
	n := 0
	for {
		var ids []keyward.OrgID
		err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
			var err error
			ids, err = tx.ListOrganizationsDeletedBefore(ctx, s.now().Add(-s.logins.retention), 100)
			return err
		})
		if err != nil || len(ids) == 0 {
			return n, err
		}
		purged := 0
		for _, id := range ids {
			done := false
			err := s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
				// Purged or restored since it was listed: leave it.
				org, err := tx.GetOrganization(ctx, id)
				if keyward.ErrorCode(err) == keyward.CodeNotFound {
					return nil
				}
				if err != nil || org.DeletedAt == nil || tx.Now().Before(org.DeletedAt.Add(s.logins.retention)) {
					done = false
					return err
				}
				done = true
				return tx.PurgeOrganization(ctx, id)
			})
			if err != nil {
				return n, err
			}
			if done {
				s.log.InfoContext(ctx, "organization purged", "org", id)
				purged++
			}
		}
		if purged == 0 {
			return n, nil
		}
		n += purged
	}
}
