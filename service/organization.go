package service

import (
	"context"
	"strings"

	"github.com/keyward-iam/keyward"
)

// OrganizationInput is the body of create and update.
type OrganizationInput struct {
	Name string
	Type string // optional; one of the keyward.OrgType* values
}

func (in OrganizationInput) clean(current string) (OrganizationInput, error) {
	name, err := cleanName("name", in.Name, true)
	if err != nil {
		return in, err
	}
	typ := strings.ToLower(strings.TrimSpace(in.Type))
	switch typ {
	case "":
		typ = current
	case keyward.OrgTypePersonal, keyward.OrgTypeTeam, keyward.OrgTypeBusiness, keyward.OrgTypeEnterprise:
	default:
		return in, keyward.FieldError("type", "type %q is not one of personal, team, business, enterprise.", in.Type)
	}
	return OrganizationInput{Name: name, Type: typ}, nil
}

type orgView struct {
	ID   keyward.OrgID `json:"id"`
	Name string        `json:"name"`
	Type string        `json:"type"`
}

func viewOrg(o *keyward.Organization) orgView { return orgView{o.ID, o.Name, o.Type} }

// CreateOrganization creates an organization whose root owner is the
// caller's account. Service users cannot create organizations; other
// callers need iam.organization.Create in their current organization
// (every member holds it through the self layer, so an explicit Deny, a
// key's narrowing or a role session's role can take it away), and an
// account owns at most Limits.OwnedOrganizations live organizations
// (CodeConflict past that). Where Options.OrgCreation is
// OrgCreationOperator, the caller also needs fleet.organization.Create,
// which fleet administrators hold.
func (s *Service) CreateOrganization(ctx context.Context, in OrganizationInput) (*keyward.Organization, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if p.Kind == keyward.KindService {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "Service users cannot create organizations.")
	}
	if err := s.authorize(ctx, p, "iam.organization.Create", ""); err != nil {
		return nil, err
	}
	if s.orgCreation == OrgCreationOperator {
		if err := s.authorizeFleet(ctx, p, "fleet.organization.Create", ""); err != nil {
			return nil, err
		}
	}
	if in, err = in.clean(keyward.OrgTypeTeam); err != nil {
		return nil, err
	}
	var org *keyward.Organization
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := s.checkOwnedOrgLimit(ctx, tx, p.UserID); err != nil {
			return err
		}
		org, err = createOrg(ctx, tx, p.UserID, in)
		if err != nil {
			return err
		}
		c := change{Action: "iam.organization.Create", TargetType: "organization", TargetID: string(org.ID), After: viewOrg(org)}
		if s.orgCreation == OrgCreationOperator {
			fc := c
			fc.Action = "fleet.organization.Create"
			if err := s.recordFleet(ctx, tx, p, org.ID, fc); err != nil {
				return err
			}
		}
		_, err = s.commit(ctx, tx, p, org.ID, c)
		return err
	})
	return org, err
}

// createOrg creates an organization and its root owner's membership.
func createOrg(ctx context.Context, tx keyward.Tx, owner keyward.UserID, in OrganizationInput) (*keyward.Organization, error) {
	now := tx.Now()
	org := &keyward.Organization{
		ID: keyward.OrgID(keyward.NewID(now)), Name: in.Name, Type: in.Type, OwnerID: owner,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.CreateOrganization(ctx, org); err != nil {
		return nil, err
	}
	m := &keyward.Member{
		OrgID: org.ID, UserID: owner, Owner: true, Status: keyward.StatusActive, APIEnabled: true,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := tx.CreateMember(ctx, m); err != nil {
		return nil, err
	}
	return org, nil
}

// ListOrganizations lists the live organizations the caller's account
// belongs to.
func (s *Service) ListOrganizations(ctx context.Context, page keyward.Page) ([]*keyward.Organization, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.organization.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.Organization, keyward.PageInfo, error) {
		return tx.ListOrganizationsOf(ctx, p.UserID, page)
	})
}

// GetOrganization returns an organization the caller's account belongs to.
// Any other organization, deleted ones included, is CodeNotFound.
func (s *Service) GetOrganization(ctx context.Context, id keyward.OrgID) (*keyward.Organization, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var org *keyward.Organization
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if org, err = visibleOrg(ctx, tx, p, id); err != nil {
			return err
		}
		actor, err := principalIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		return s.authorize(ctx, actor, "iam.organization.Read", string(id))
	})
	return org, err
}

// visibleOrg returns the live organization id if p's account is a member.
func visibleOrg(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.OrgID) (*keyward.Organization, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Organization")
	}
	org, err := tx.GetOrganization(ctx, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && org.DeletedAt != nil {
		return nil, notFound("Organization")
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.GetUser(ctx, id, p.UserID); keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Organization")
	} else if err != nil {
		return nil, err
	}
	return org, nil
}

// UpdateOrganization renames an organization (and may change its type). The
// caller must be allowed iam.organization.Update in that organization.
func (s *Service) UpdateOrganization(ctx context.Context, id keyward.OrgID, in OrganizationInput) (*keyward.Organization, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var org *keyward.Organization
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if org, err = visibleOrg(ctx, tx, p, id); err != nil {
			return err
		}
		actor, err := principalIn(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, actor, "iam.organization.Update", ""); err != nil {
			return err
		}
		if in, err = in.clean(org.Type); err != nil {
			return err
		}
		before := viewOrg(org)
		org.Name, org.Type, org.UpdatedAt = in.Name, in.Type, tx.Now()
		if err := tx.UpdateOrganization(ctx, org); err != nil {
			return err
		}
		rev, err := s.commit(ctx, tx, actor, id, change{
			Action: "iam.organization.Update", TargetType: "organization", TargetID: string(id), Before: before, After: viewOrg(org),
		})
		org.Revision = rev
		return err
	})
	return org, err
}

// principalIn returns p as seen in organization org: the same account with
// its kind there, its key's narrowing still applied, deciding on a snapshot
// of org at least as recent as org's revision now. p's own organization
// needs no lookup. A role session belongs to its organization: elsewhere
// it is CodeNotFound, like an organization it is not a member of.
func principalIn(ctx context.Context, tx keyward.Tx, p *keyward.Principal, org keyward.OrgID) (*keyward.Principal, error) {
	if org == p.OrgID {
		return p, nil
	}
	if p.Session != nil {
		return nil, notFound("Organization")
	}
	o, err := tx.GetOrganization(ctx, org)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Organization")
	} else if err != nil {
		return nil, err
	}
	u, err := tx.GetUser(ctx, org, p.UserID)
	if err == nil && o.SuspendedAt != nil {
		return nil, errOrgSuspended() // shown to its members alone
	}
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Organization")
	}
	if err != nil {
		return nil, err
	}
	if u.Status != keyward.StatusActive {
		return nil, keyward.Errorf(keyward.CodePermissionDenied, "Your membership in this organization is suspended.")
	}
	q := *p
	q.OrgID, q.Kind, q.Revision = org, u.Kind(), o.Revision
	return &q, nil
}
