package service

import (
	"context"
	"time"

	"github.com/keyward-iam/keyward"
)

// errOrgSuspended is the answer to every credential of a suspended
// organization, and to a login into one.
func errOrgSuspended() error {
	return keyward.Errorf(keyward.CodePermissionDenied,
		"The organization is suspended by the deployment's operator; its credentials work again once it is unsuspended.")
}

// checkOrgOpen is the one check that an organization's credentials work:
// a deleted organization's are not credentials at all (dead, which each
// kind of credential words its own way), a suspended one's are refused
// with errOrgSuspended.
func checkOrgOpen(org *keyward.Organization, dead error) error {
	switch {
	case org.DeletedAt != nil:
		return dead
	case org.SuspendedAt != nil:
		return errOrgSuspended()
	}
	return nil
}

// ListAllOrganizations lists every live organization of the deployment,
// suspended ones included; the caller needs fleet.organization.List.
func (s *Service) ListAllOrganizations(ctx context.Context, f keyward.OrgFilter) ([]*keyward.Organization, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.organization.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Organization, keyward.PageInfo, error) {
		return tx.ListAllOrganizations(ctx, f)
	})
}

// FleetGetOrganization returns any live organization of the deployment;
// the caller needs fleet.organization.Read.
func (s *Service) FleetGetOrganization(ctx context.Context, id keyward.OrgID) (*keyward.Organization, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.organization.Read", string(id)); err != nil {
		return nil, err
	}
	var org *keyward.Organization
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		org, err = liveOrg(ctx, tx, id)
		return err
	})
	return org, err
}

// liveOrg returns organization id if it exists and is not deleted.
func liveOrg(ctx context.Context, tx keyward.Tx, id keyward.OrgID) (*keyward.Organization, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Organization")
	}
	org, err := tx.GetOrganization(ctx, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && org.DeletedAt != nil {
		return nil, notFound("Organization")
	}
	return org, err
}

type fleetOrgView struct {
	ID           keyward.OrgID `json:"id"`
	Name         string        `json:"name"`
	Suspended    bool          `json:"suspended"`
	IdentityMode string        `json:"identity_mode"`
}

func viewFleetOrg(o *keyward.Organization) fleetOrgView {
	return fleetOrgView{o.ID, o.Name, o.SuspendedAt != nil, o.IdentityMode}
}

// SuspendOrganization suspends a whole organization: from the next request
// on, every API key, login session and role session of it is refused, and
// nobody logs into it, until UnsuspendOrganization. Nothing is deleted. The
// caller needs fleet.organization.Suspend and must not act through a
// credential of that organization (it would lock itself out). Suspending a
// suspended organization is CodeConflict.
func (s *Service) SuspendOrganization(ctx context.Context, id keyward.OrgID) (*keyward.Organization, error) {
	return s.fleetUpdateOrg(ctx, id, "fleet.organization.Suspend", func(p *keyward.Principal, org *keyward.Organization, now time.Time) error {
		if org.SuspendedAt != nil {
			return keyward.Errorf(keyward.CodeConflict, "The organization is already suspended.")
		}
		if org.ID == p.OrgID {
			return keyward.Errorf(keyward.CodeConflict, "You cannot suspend the organization your credential belongs to; use a credential of another organization.")
		}
		org.SuspendedAt = &now
		return nil
	})
}

// UnsuspendOrganization lifts a suspension: every credential of the
// organization works again as before. The caller needs
// fleet.organization.Unsuspend; an organization that is not suspended is
// CodeConflict.
func (s *Service) UnsuspendOrganization(ctx context.Context, id keyward.OrgID) (*keyward.Organization, error) {
	return s.fleetUpdateOrg(ctx, id, "fleet.organization.Unsuspend", func(_ *keyward.Principal, org *keyward.Organization, _ time.Time) error {
		if org.SuspendedAt == nil {
			return keyward.Errorf(keyward.CodeConflict, "The organization is not suspended.")
		}
		org.SuspendedAt = nil
		return nil
	})
}

// SetIdentityMode sets where an organization's people come from:
// keyward.IdentityLocal (fleet administrators manage its local users) or
// keyward.IdentityIdP (its identity provider does; local users cannot be
// created nor passwords set). The caller needs
// fleet.organization.SetIdentityMode.
func (s *Service) SetIdentityMode(ctx context.Context, id keyward.OrgID, mode string) (*keyward.Organization, error) {
	return s.fleetUpdateOrg(ctx, id, "fleet.organization.SetIdentityMode", func(_ *keyward.Principal, org *keyward.Organization, _ time.Time) error {
		if mode != keyward.IdentityLocal && mode != keyward.IdentityIdP {
			return keyward.FieldError("identity_mode", "identity_mode %q is not one of local, idp.", mode)
		}
		org.IdentityMode = mode
		return nil
	})
}

// fleetUpdateOrg authorizes the fleet action on organization id, applies
// edit to it and stores it in one transaction with the action's event in
// the fleet audit trail and in the organization's own (its members see
// what the operator did to it), bumping its revision so that every
// replica's snapshot and key cache hear of it.
func (s *Service) fleetUpdateOrg(ctx context.Context, id keyward.OrgID, action string, edit func(*keyward.Principal, *keyward.Organization, time.Time) error) (*keyward.Organization, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeFleet(ctx, p, action, string(id)); err != nil {
		return nil, err
	}
	var org *keyward.Organization
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if org, err = liveOrg(ctx, tx, id); err != nil {
			return err
		}
		before := viewFleetOrg(org)
		now := tx.Now()
		if err := edit(p, org, now); err != nil {
			return err
		}
		org.UpdatedAt = now
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return err
		}
		c := change{Action: action, TargetType: "organization", TargetID: string(id), Before: before, After: viewFleetOrg(org)}
		if err := s.recordFleet(ctx, tx, p, id, c); err != nil {
			return err
		}
		org.Revision, err = s.commit(ctx, tx, p, id, c)
		return err
	})
	return org, err
}
