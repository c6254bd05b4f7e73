package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

// BootstrapInput names the first account and organization.
type BootstrapInput struct {
	Email   string // default "admin@localhost"
	Name    string // default "Root owner"
	OrgName string // default "Default organization"
}

// Bootstrap prepares an empty database: it creates the first account, an
// organization whose root owner it is, and a root API key, and returns the
// key's token. The account is the deployment's first fleet administrator. On a database that already has an organization it does
// nothing and returns "", false.
func (s *Service) Bootstrap(ctx context.Context, in BootstrapInput) (token string, created bool, err error) {
	if in.Email == "" {
		in.Email = "admin@localhost"
	}
	if in.Name == "" {
		in.Name = "Root owner"
	}
	if in.OrgName == "" {
		in.OrgName = "Default organization"
	}
	if in.Name, err = cleanName("name", in.Name, true); err != nil {
		return "", false, err
	}
	if in.OrgName, err = cleanName("org_name", in.OrgName, true); err != nil {
		return "", false, err
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		token, created = "", false
		if n, err := tx.CountOrganizations(ctx); err != nil || n > 0 {
			return err
		}
		now := tx.Now()
		acct := &keyward.Account{ID: keyward.UserID(keyward.NewID(now)), Email: in.Email, Name: in.Name, CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		org, err := createOrg(ctx, tx, acct.ID, OrganizationInput{Name: in.OrgName, Type: keyward.OrgTypeTeam})
		if err != nil {
			return err
		}
		p := &keyward.Principal{OrgID: org.ID, UserID: acct.ID, Kind: keyward.KindRootOwner}
		if _, err := s.commit(ctx, tx, nil, org.ID, change{
			Action: "iam.organization.Create", TargetType: "organization", TargetID: string(org.ID), After: viewOrg(org),
		}); err != nil {
			return err
		}
		// The first account operates the deployment: it may grant fleet
		// roles to others.
		if err := tx.GrantFleetRole(ctx, &keyward.FleetRoleGrant{UserID: acct.ID, Role: keyward.FleetAdmin}); err != nil {
			return err
		}
		if err := s.recordFleet(ctx, tx, nil, "", change{
			Action: "fleet.role.Grant", TargetType: "account", TargetID: string(acct.ID), After: fleetRoleView{acct.ID, keyward.FleetAdmin},
		}); err != nil {
			return err
		}
		u, err := userOf(ctx, tx, org.ID, acct.ID)
		if err != nil {
			return err
		}
		if _, token, err = s.issueKey(ctx, tx, p, u, APIKeyInput{Name: "bootstrap"}); err != nil {
			return err
		}
		created = true
		return nil
	})
	return token, created, err
}
