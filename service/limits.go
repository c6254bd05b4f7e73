package service

import (
	"context"
	"fmt"

	"github.com/keyward-iam/keyward"
)

// Limits caps what one organization may hold. Zero fields take the
// defaults of DefaultLimits. Vultr documents that such limits exist, but
// the FAQ page with its numbers could not be read (research/vultr-iam.md
// §4.1), so the defaults follow AWS IAM's quotas, whose model Vultr's
// follows: 5000 users, 300 groups, 1000 roles, 1500 customer-managed
// policies, 20 managed policies per user, group or role (AWS's raised
// maximum; its default is 10), and members per group bounded only by the
// users an organization may have.
type Limits struct {
	Users                int // members of the organization, service users included
	Groups               int
	Roles                int // live roles; restoring a role counts as creating one
	Policies             int // live custom policies; managed ones do not count
	PoliciesPerPrincipal int // policies attached directly to one user, group or role
	MembersPerGroup      int
	// OwnedOrganizations caps the live organizations one account is the
	// root owner of; it is per account, not per organization.
	OwnedOrganizations int
}

// DefaultLimits are the limits of an organization when Options.Limits
// leaves them zero.
var DefaultLimits = Limits{
	Users:                5000,
	Groups:               300,
	Roles:                1000,
	Policies:             1500,
	PoliciesPerPrincipal: 20,
	MembersPerGroup:      5000,
	OwnedOrganizations:   10,
}

// withDefaults returns l with every zero field set from DefaultLimits.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.Users, DefaultLimits.Users)
	def(&l.Groups, DefaultLimits.Groups)
	def(&l.Roles, DefaultLimits.Roles)
	def(&l.Policies, DefaultLimits.Policies)
	def(&l.PoliciesPerPrincipal, DefaultLimits.PoliciesPerPrincipal)
	def(&l.MembersPerGroup, DefaultLimits.MembersPerGroup)
	def(&l.OwnedOrganizations, DefaultLimits.OwnedOrganizations)
	return l
}

// checkLimit returns nil if one more object fits under limit, given that n
// exist, or a CodeConflict *keyward.Error whose Field is the limit's name
// and whose message names the limit and its value. what is a phrase with
// one %d, for the limit.
func checkLimit(name string, n, limit int, what string) error {
	if n < limit {
		return nil
	}
	return &keyward.Error{
		Code:    keyward.CodeConflict,
		Field:   name,
		Message: fmt.Sprintf("Limit reached: "+what+" (limit %s = %d).", limit, name, limit),
	}
}

// checkUserLimit refuses a new member of org once it has Limits.Users.
func (s *Service) checkUserLimit(ctx context.Context, tx keyward.Tx, org keyward.OrgID) error {
	_, info, err := tx.ListUsers(ctx, org, keyward.UserFilter{Page: keyward.Page{Limit: 1}})
	if err != nil {
		return err
	}
	return checkLimit("users", info.Total, s.limits.Users, "an organization may have at most %d users")
}

// checkAttachLimit refuses one more policy on a target that already holds
// Limits.PoliciesPerPrincipal.
func (s *Service) checkAttachLimit(ctx context.Context, tx keyward.Tx, org keyward.OrgID, typ keyward.PrincipalType, id string) error {
	n, err := tx.CountAttachments(ctx, org, typ, id)
	if err != nil {
		return err
	}
	return checkLimit("policies_per_principal", n, s.limits.PoliciesPerPrincipal,
		"a "+string(typ)+" may have at most %d policies attached")
}

// checkOwnedOrgLimit refuses a new organization for an account that is
// already the root owner of Limits.OwnedOrganizations live ones.
func (s *Service) checkOwnedOrgLimit(ctx context.Context, tx keyward.Tx, account keyward.UserID) error {
	owned := 0
	page := keyward.Page{Limit: 500}
	for {
		orgs, info, err := tx.ListOrganizationsOf(ctx, account, page)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if o.OwnerID == account {
				owned++
			}
		}
		if info.Next == "" || len(orgs) == 0 {
			break
		}
		page.Cursor = info.Next
	}
	return checkLimit("owned_organizations", owned, s.limits.OwnedOrganizations, "an account may be the root owner of at most %d organizations")
}
