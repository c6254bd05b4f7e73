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
