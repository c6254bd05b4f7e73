package service

import (
	"context"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// grantKind is what a grant hands out.
type grantKind int

const (
	grantPolicy grantKind = iota + 1 // a policy, custom or managed (ACLs are managed policies)
	grantRole                        // a role: a binding, a role assignment or a trust
	grantGroup                       // membership of a group, and so everything the group holds
)

// grant is one piece of access handed to a user, a group or a role.
type grant struct {
	kind grantKind
	id   string                // the policy, role or group handed out
	to   keyward.PrincipalType // who receives it: PrincipalUser, PrincipalGroup or PrincipalRole
	// project, when set, confines the grant to one project: it is then
	// decided with that project's bindings and overrides.
	project string
}

// action returns the action that hands out g, decided on the object
// handed out (g.id).
func (g grant) action() string {
	switch {
	case g.kind == grantPolicy && g.to == keyward.PrincipalGroup:
		return "iam.policy.AttachGroup"
	case g.kind == grantPolicy && g.to == keyward.PrincipalRole:
		return "iam.role.AttachPolicy"
	case g.kind == grantPolicy:
		return "iam.policy.AttachUser"
	case g.kind == grantRole && g.to == keyward.PrincipalGroup:
		return "iam.role.AttachGroup"
	case g.kind == grantRole:
		return "iam.role.AttachUser"
	}
	return "iam.group.AddMember"
}

// checkGrant is the one place that decides whether p may hand out g: p
// must be allowed g's action on the very policy, role or group handed out.
// Every path that hands out access goes through it: policy attachments,
// legacy ACLs, role bindings and role assignments, group membership,
// invitations (when created and again when accepted), trusts, overrides
// and policy updates. It returns nil or a CodePermissionDenied error whose
// explanation names the action and the object.
func (s *Service) checkGrant(ctx context.Context, p *keyward.Principal, g grant) error {
	return s.authorizeIn(ctx, p, g.action(), g.id, g.project)
}

// checkACLGrants checks that p may hand out the managed policies behind
// each legacy ACL of acls that old does not already hold.
func (s *Service) checkACLGrants(ctx context.Context, p *keyward.Principal, acls, old []string) error {
	for _, acl := range acls {
		if slices.Contains(old, acl) {
			continue
		}
		names, _ := policy.ACLPolicyNames(acl)
		for _, name := range names {
			if err := s.checkGrant(ctx, p, grant{kind: grantPolicy, id: policy.ManagedPolicyID(name), to: keyward.PrincipalUser}); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkDocumentGrant checks that p itself may do, in project, everything
// doc allows there: a document that is not a stored policy (an override's
// grid) has no object whose attach right could be held, so its author must
// hold what it hands out.
func (s *Service) checkDocumentGrant(ctx context.Context, p *keyward.Principal, doc *policy.Document, project string) error {
	if doc == nil {
		return nil
	}
	set := policy.Compile(s.catalog(), []policy.Input{{ID: "grant", Doc: doc}})
	for _, a := range s.catalog().Actions() {
		r := policy.Request{Action: a.Name, Resource: project, Project: project, Org: string(p.OrgID)}
		if !set.Decide(&r).Allowed() {
			continue
		}
		if err := s.authorizeIn(ctx, p, a.Name, project, project); err != nil {
			return err
		}
	}
	return nil
}

// checkCovers checks that p may do everything user may: a credential of
// user made by p (an API key) must reach nothing p could not. It returns a
// CodePermissionDenied error naming one action user may perform and p may
// not.
func (s *Service) checkCovers(ctx context.Context, p *keyward.Principal, user keyward.UserID) error {
	if unlimitedRoot(p) {
		return nil
	}
	snap, err := s.snapshot(ctx, p.OrgID, p.Revision)
	if err != nil {
		return err
	}
	action, resource, found := snap.Uncovered(s.callerRequest(snap, p), user)
	if !found {
		return nil
	}
	on := ""
	if resource != "" {
		on = " on " + resource
	}
	return &keyward.Error{
		Code: keyward.CodePermissionDenied,
		Message: "The user may perform " + action + on + ", which you may not: a credential of the user " +
			"would reach beyond yours.",
		Detail: Denial{Action: action, Decision: policy.ImplicitDeny, Layer: authz.LayerPolicy,
			Reason: "a credential never reaches beyond the credential that creates it", Statements: []policy.StatementResult{}},
	}
}

// sourceRights are what a source of members (an identity provider, a
// SCIM token) does in the organization's name: it creates, updates and
// removes members and groups, links existing members by email (whoever
// runs it then signs in as them, or renames them) and puts members into
// groups by name. Through the members it may take over it reaches
// whatever they hold, so the list ends with every right that hands out
// access (grant.action): whoever holds them all could give itself that
// access by hand.
var sourceRights = []string{
	"iam.user.Create", "iam.user.Update", "iam.user.Delete", "iam.user.Tag",
	"iam.group.Create", "iam.group.Update", "iam.group.Delete", "iam.group.AddMember", "iam.group.RemoveMember",
	"iam.policy.AttachUser", "iam.policy.AttachGroup", "iam.role.AttachPolicy", "iam.role.AttachUser", "iam.role.AttachGroup",
}

// checkSource checks that p may set up a source of members: p must hold
// each of sourceRights on the organization, and iam.group.AddMember on
// every group (an identity provider adopts a local group of a name it
// sends), as it would need them to do the same by hand. The root owner is
// never linked to a source (sign-ins and SCIM refuse its email), so no
// source reaches the account's powers. It returns nil or the first
// refusal, a CodePermissionDenied error naming the action and the object.
// It decides on the snapshot, outside any transaction.
func (s *Service) checkSource(ctx context.Context, p *keyward.Principal) error {
	for _, a := range sourceRights {
		if err := s.authorize(ctx, p, a, ""); err != nil {
			return err
		}
	}
	page := keyward.Page{Limit: keyward.MaxPerPage}
	for {
		var groups []*keyward.Group
		var info keyward.PageInfo
		err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) (err error) {
			groups, info, err = tx.ListGroups(ctx, p.OrgID, keyward.GroupFilter{Page: page})
			return err
		})
		if err != nil {
			return err
		}
		for _, g := range groups {
			if err := s.checkGrant(ctx, p, grant{kind: grantGroup, id: string(g.ID), to: keyward.PrincipalUser}); err != nil {
				return err
			}
		}
		if info.Next == "" {
			return nil
		}
		page.Cursor = info.Next
	}
}
