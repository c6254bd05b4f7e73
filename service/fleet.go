package service

import (
	"context"
	"slices"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// LayerFleet names the layer of a fleet decision that the caller's fleet
// roles make up, in explanations.
const LayerFleet = "fleet"

// fleetPolicy is the managed policy each fleet role stands for.
var fleetPolicy = map[string]string{
	keyward.FleetAdmin:  policy.FleetFullAccess,
	keyward.FleetViewer: policy.FleetReadOnlyAccess,
}

// authorizeFleet is the one place that decides whether p may perform the
// fleet action (fleet.*) on resource (the organization or account acted
// on, "" for none). It returns nil or a CodePermissionDenied error whose
// Detail is a Denial, like authorize.
//
// The decision is the policy engine's on two layers, combined as
// policy.DecideLayers combines them: the fleet policies of the fleet roles
// p's account holds (policy.FleetPolicies), and the inline policy of the
// API key p used, if it is narrowed. Nothing of p's organization takes part:
// its root owner, its administrators and its policies, fleet.* Allows
// included, reach no fleet action. A role session acts as its role, which
// belongs to an organization, so it is never a fleet administrator.
// authorizeFleet reads the store: call it outside a transaction.
func (s *Service) authorizeFleet(ctx context.Context, p *keyward.Principal, action, resource string) error {
	if p.Session != nil {
		return refuse(action, authz.LayerSessionPolicy, "a role session is never a fleet administrator")
	}
	var roles []string
	if err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		roles, err = tx.FleetRolesOf(ctx, p.UserID)
		return err
	}); err != nil {
		return err
	}
	layers := []policy.Layer{{Name: LayerFleet, Set: s.fleetSet(roles)}}
	if p.KeyPolicy != nil {
		snap, err := s.snapshot(ctx, p.OrgID, p.Revision)
		if err != nil {
			return err
		}
		layers = append(layers, policy.Layer{Name: authz.LayerToken, Set: s.narrowing(snap, p)})
	}
	r := policy.Request{Action: action, Resource: resource, Context: s.callContext(p)}
	if d, _ := policy.DecideLayers(&r, layers...); d.Allowed() {
		return nil
	}
	ex := policy.ExplainLayers(&r, layers...)
	res := authz.Result{Decision: ex.Decision, Layer: ex.Layer, Reason: "no fleet role allows it"}
	for _, l := range ex.Layers {
		res.Statements = append(res.Statements, l.Statements...)
	}
	if ex.Layer == authz.LayerToken {
		res.Reason = "the API key's inline policy does not allow it"
	}
	return denied(res, action)
}

// fleetSet compiles the fleet policies of roles.
func (s *Service) fleetSet(roles []string) *policy.Set {
	cat := s.catalog()
	var in []policy.Input
	for _, mp := range policy.FleetPolicies(cat) {
		for _, r := range roles {
			if fleetPolicy[r] == mp.Name {
				in = append(in, policy.Input{ID: mp.ID, Name: mp.Name, Via: "fleet_role:" + r, Doc: mp.Doc})
			}
		}
	}
	return policy.Compile(cat, in)
}

// FleetRoleInput grants or revokes one fleet role of one account.
type FleetRoleInput struct {
	UserID keyward.UserID
	Role   string
}

func (in FleetRoleInput) check() error {
	if err := checkID("user_id", string(in.UserID)); err != nil {
		return err
	}
	if !slices.Contains(keyward.FleetRoles(), in.Role) {
		return keyward.FieldError("role", "role %q is not a fleet role (fleet.admin or fleet.viewer).", in.Role)
	}
	return nil
}

type fleetRoleView struct {
	UserID keyward.UserID `json:"user_id"`
	Role   string         `json:"role"`
}

// GrantFleetRole grants a fleet role to an account, which must be a human
// account (service users belong to one organization and hold no fleet
// role). The caller needs fleet.role.Grant, which only fleet
// administrators hold: granting fleet.admin hands out everything the
// caller holds, and nothing beyond it. An account that already holds the
// role is CodeConflict.
func (s *Service) GrantFleetRole(ctx context.Context, in FleetRoleInput) (*keyward.FleetRoleGrant, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.role.Grant", string(in.UserID)); err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var g *keyward.FleetRoleGrant
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		acct, err := tx.GetAccount(ctx, in.UserID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("Account")
		}
		if err != nil {
			return err
		}
		if acct.Service {
			return keyward.FieldError("user_id", "A service user cannot hold a fleet role.")
		}
		g = &keyward.FleetRoleGrant{UserID: acct.ID, Role: in.Role, GrantedBy: p.UserID, Email: acct.Email, Name: acct.Name}
		if err := tx.GrantFleetRole(ctx, g); keyward.ErrorCode(err) == keyward.CodeConflict {
			return keyward.Errorf(keyward.CodeConflict, "The account already holds %s.", in.Role)
		} else if err != nil {
			return err
		}
		return s.recordFleet(ctx, tx, p, "", change{
			Action: "fleet.role.Grant", TargetType: "account", TargetID: string(acct.ID), After: fleetRoleView{acct.ID, in.Role},
		})
	})
	return g, err
}

// RevokeFleetRole takes a fleet role from an account; the caller needs
// fleet.role.Revoke. Revoking the last fleet.admin is CodeConflict: the
// deployment always keeps an administrator.
func (s *Service) RevokeFleetRole(ctx context.Context, in FleetRoleInput) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.role.Revoke", string(in.UserID)); err != nil {
		return err
	}
	if err := in.check(); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := tx.RevokeFleetRole(ctx, in.UserID, in.Role); err != nil {
			return err
		}
		return s.recordFleet(ctx, tx, p, "", change{
			Action: "fleet.role.Revoke", TargetType: "account", TargetID: string(in.UserID), Before: fleetRoleView{in.UserID, in.Role},
		})
	})
}

// ListFleetRoles lists the fleet role grants; the caller needs
// fleet.role.List.
func (s *Service) ListFleetRoles(ctx context.Context, f keyward.FleetRoleFilter) ([]*keyward.FleetRoleGrant, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.role.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if f.Role != "" && !slices.Contains(keyward.FleetRoles(), f.Role) {
		return nil, keyward.PageInfo{}, keyward.FieldError("role", "role %q is not a fleet role (fleet.admin or fleet.viewer).", f.Role)
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.FleetRoleGrant, keyward.PageInfo, error) {
		return tx.ListFleetRoles(ctx, f)
	})
}

// ListFleetAuditEvents lists the fleet audit trail, newest first; the
// caller needs fleet.audit.List. No organization's audit trail holds these
// events, and no organization role reads them.
func (s *Service) ListFleetAuditEvents(ctx context.Context, f keyward.AuditFilter) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorizeFleet(ctx, p, "fleet.audit.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.AuditEvent, keyward.PageInfo, error) {
		return tx.ListFleetAuditEvents(ctx, f)
	})
}
