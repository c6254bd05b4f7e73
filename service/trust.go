package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
)

// TrustDetail is a trust as the API shows it: with its role's name and its
// trustee's display name.
type TrustDetail struct {
	keyward.RoleTrust
	RoleName     string
	UserDisplay  string
	GroupDisplay string
	// IssuerDisplay names a trusted OIDC issuer, "name (URL)", for the
	// console; the API's wire format has no field for it.
	IssuerDisplay string
}

type trustView struct {
	ID              keyward.RoleTrustID    `json:"id"`
	RoleID          keyward.RoleID         `json:"role_id"`
	Type            keyward.TrustType      `json:"trust_type"`
	Mode            keyward.AssumptionMode `json:"assumption_mode"`
	TrustedUserID   keyward.UserID         `json:"trusted_user_id,omitempty"`
	TrustedGroupID  keyward.GroupID        `json:"trusted_group_id,omitempty"`
	TrustedIssuerID string                 `json:"trusted_oidc_issuer_id,omitempty"`
	ClaimConditions map[string]string      `json:"claim_conditions,omitempty"`
	Conditions      any                    `json:"conditions"`
	ValidUntil      *time.Time             `json:"valid_until"`
}

func viewTrust(t *keyward.RoleTrust) trustView {
	return trustView{t.ID, t.RoleID, t.Type, t.Mode, t.TrustedUserID, t.TrustedGroupID, t.TrustedOIDCIssuerID,
		t.ClaimConditions, t.Conditions, t.ValidUntil}
}

// apply validates in against the trust t (a new one on create) and writes
// it into t. The role and the trustee must be of p's organization.
func (s *Service) applyTrust(ctx context.Context, tx keyward.Tx, org keyward.OrgID, t *keyward.RoleTrust, in TrustInput) error {
	oldType := t.Type
	if in.Type != nil {
		switch typ := keyward.TrustType(strings.TrimSpace(string(*in.Type))); typ {
		case keyward.TrustTemporary, keyward.TrustIAM, keyward.TrustFederated:
			t.Type = typ
		default:
			return keyward.FieldError("trust_type", "trust_type %q is not one of TemporaryAssumption, IAMAssumption, FederatedAssumption.", *in.Type)
		}
	}
	if t.Type == "" {
		return keyward.FieldError("trust_type", "trust_type is required: TemporaryAssumption, IAMAssumption or FederatedAssumption.")
	}
	explicit := in.Mode != nil && *in.Mode != ""
	if explicit {
		switch m := keyward.AssumptionMode(strings.ToLower(strings.TrimSpace(string(*in.Mode)))); m {
		case keyward.AssumeManual, keyward.AssumeAutomatic:
			t.Mode = m
		default:
			return keyward.FieldError("assumption_mode", "assumption_mode %q is not one of manual, automatic.", *in.Mode)
		}
	}
	wasIssuer := t.TrustedOIDCIssuerID != ""
	if in.TrustedUserID != nil || in.TrustedGroupID != nil || in.TrustedOIDCIssuerID != nil {
		t.TrustedUserID, t.TrustedGroupID, t.TrustedOIDCIssuerID = "", "", ""
		n := 0
		if in.TrustedUserID != nil && *in.TrustedUserID != "" {
			n++
			if _, err := userOf(ctx, tx, org, *in.TrustedUserID); err != nil {
				return keyward.FieldError("trusted_user_id", "No user %s in this organization.", *in.TrustedUserID)
			}
			t.TrustedUserID = *in.TrustedUserID
		}
		if in.TrustedGroupID != nil && *in.TrustedGroupID != "" {
			n++
			if _, err := groupOf(ctx, tx, org, *in.TrustedGroupID); err != nil {
				return keyward.FieldError("trusted_group_id", "No group %s in this organization.", *in.TrustedGroupID)
			}
			t.TrustedGroupID = *in.TrustedGroupID
		}
		if in.TrustedOIDCIssuerID != nil && *in.TrustedOIDCIssuerID != "" {
			n++
			if err := checkID("trusted_oidc_issuer_id", *in.TrustedOIDCIssuerID); err != nil {
				return err
			}
			t.TrustedOIDCIssuerID = *in.TrustedOIDCIssuerID
		}
		if n > 1 {
			return keyward.FieldError("trusted_user_id", "Name exactly one trusted entity: trusted_user_id, trusted_group_id or trusted_oidc_issuer_id.")
		}
	}
	if t.TrustedUserID == "" && t.TrustedGroupID == "" && t.TrustedOIDCIssuerID == "" {
		return keyward.FieldError("trusted_user_id", "A trust needs a trusted entity: trusted_user_id, trusted_group_id or trusted_oidc_issuer_id.")
	}
	if t.Type == keyward.TrustFederated && t.TrustedOIDCIssuerID == "" {
		return keyward.FieldError("trusted_oidc_issuer_id", "A FederatedAssumption trust trusts an OIDC issuer: set trusted_oidc_issuer_id.")
	}
	if err := settleMode(t, explicit, t.Type != oldType || wasIssuer); err != nil {
		return err
	}
	if in.ClaimConditions != nil {
		t.ClaimConditions = map[string]string{}
		for k, v := range in.ClaimConditions {
			if strings.TrimSpace(k) == "" {
				return keyward.FieldError("claim_conditions", "A claim condition needs a claim name.")
			}
			t.ClaimConditions[k] = v
		}
	}
	if len(t.ClaimConditions) > 0 && t.TrustedOIDCIssuerID == "" {
		return keyward.FieldError("claim_conditions", "claim_conditions apply to a trust of an OIDC issuer only.")
	}
	if t.TrustedOIDCIssuerID != "" {
		if err := s.checkTrustedIssuer(ctx, tx, org, t, in.AcknowledgeUnpinned); err != nil {
			return err
		}
	}
	if in.Conditions != nil {
		c, err := in.Conditions.clean()
		if err != nil {
			return err
		}
		t.Conditions = c
	}
	if in.ValidUntil != nil {
		v, err := parseValidUntil(*in.ValidUntil, tx.Now())
		if err != nil {
			return err
		}
		t.ValidUntil = v
	}
	return nil
}

// settleMode gives t, whose type and trustee are set, its assumption
// mode. A trust of an OIDC issuer is automatic: no person holds it, and
// its issuer's tokens take the role through the web-identity exchange
// whatever a mode says, so asking for manual is refused. A user's or
// group's trust keeps the mode asked for (explicit); without one, a new
// trust, or one whose type or kind of trustee changed (renewed), takes
// its type's default: Vultr's TemporaryAssumption is the manual kind, the
// OIDC kinds are automatic. An issuer's trust turned into a user's must
// not stay automatic unasked, which would grant without a session.
func settleMode(t *keyward.RoleTrust, explicit, renewed bool) error {
	switch {
	case t.TrustedOIDCIssuerID != "":
		if explicit && t.Mode != keyward.AssumeAutomatic {
			return keyward.FieldError("assumption_mode",
				"An OIDC issuer's trust is automatic: its tokens take the role through the web-identity exchange, and no one assumes it by hand.")
		}
		t.Mode = keyward.AssumeAutomatic
	case t.Mode == "" || renewed && !explicit:
		t.Mode = keyward.AssumeAutomatic
		if t.Type == keyward.TrustTemporary {
			t.Mode = keyward.AssumeManual
		}
	}
	return nil
}

// trustOf returns trust id of org, deleted or not, or CodeNotFound.
func trustOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.RoleTrustID) (*keyward.RoleTrust, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Role trust")
	}
	t, err := tx.GetRoleTrust(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Role trust")
	}
	return t, err
}

// detailTrust adds the names the API shows. A trust of a deleted role is
// CodeNotFound: it is gone with its role.
func (s *Service) detailTrust(ctx context.Context, tx keyward.Tx, t *keyward.RoleTrust) (*TrustDetail, error) {
	r, err := s.roleOf(ctx, tx, t.OrgID, t.RoleID)
	if err != nil {
		return nil, err
	}
	if r.DeletedAt != nil {
		return nil, notFound("Role trust")
	}
	d := &TrustDetail{RoleTrust: *t, RoleName: r.Name}
	if t.TrustedUserID != "" {
		if u, err := tx.GetUser(ctx, t.OrgID, t.TrustedUserID); err == nil {
			d.UserDisplay = u.Name
			if d.UserDisplay == "" {
				d.UserDisplay = u.Email
			}
		}
	}
	if t.TrustedGroupID != "" {
		if g, err := tx.GetGroup(ctx, t.OrgID, t.TrustedGroupID); err == nil {
			d.GroupDisplay = g.Name
		}
	}
	if t.TrustedOIDCIssuerID != "" && keyward.ValidID(t.TrustedOIDCIssuerID) {
		if iss, err := tx.GetOIDCIssuer(ctx, t.OrgID, keyward.OIDCIssuerID(t.TrustedOIDCIssuerID)); err == nil {
			d.IssuerDisplay = iss.Name + " (" + iss.URL + ")"
		}
	}
	return d, nil
}

// CreateRoleTrust creates a trust on a live assumable role of the caller's
// organization. An assignable role is CodeConflict: only assumable roles
// take trusts.
func (s *Service) CreateRoleTrust(ctx context.Context, in TrustInput) (*TrustDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkID("role_id", string(in.RoleID)); err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.roletrust.Create", string(in.RoleID)); err != nil {
		return nil, err
	}
	var d *TrustDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.roleOf(ctx, tx, p.OrgID, in.RoleID)
		if err != nil || r.DeletedAt != nil {
			return keyward.FieldError("role_id", "No role %s in this organization.", in.RoleID)
		}
		if r.Type != keyward.RoleAssumable {
			return &keyward.Error{Code: keyward.CodeConflict, Field: "role_id", Message: "Role " + r.Name +
				" is assignable: only assumable roles take trusts. Convert it to assumable first."}
		}
		now := tx.Now()
		t := &keyward.RoleTrust{ID: keyward.RoleTrustID(keyward.NewID(now)), OrgID: p.OrgID, RoleID: r.ID,
			CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
		if in.Type == nil {
			return keyward.FieldError("trust_type", "trust_type is required: TemporaryAssumption, IAMAssumption or FederatedAssumption.")
		}
		if err := s.applyTrust(ctx, tx, p.OrgID, t, in); err != nil {
			return err
		}
		if err := s.checkGrant(ctx, p, trustGrant(t)); err != nil {
			return err
		}
		if err := tx.CreateRoleTrust(ctx, t); err != nil {
			return err
		}
		if _, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.roletrust.Create", TargetType: "role_trust", TargetID: string(t.ID), After: viewTrust(t),
		}); err != nil {
			return err
		}
		d, err = s.detailTrust(ctx, tx, t)
		return err
	})
	return d, err
}

// liveTrustOf returns the live trust id of p's organization after
// authorizing action on it.
func (s *Service) liveTrustOf(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.RoleTrustID, action string) (*keyward.RoleTrust, error) {
	t, err := trustOf(ctx, tx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if t.DeletedAt != nil {
		return nil, notFound("Role trust")
	}
	if err := s.authorize(ctx, p, action, string(id)); err != nil {
		return nil, err
	}
	return t, nil
}

// GetRoleTrust returns a live trust of the caller's organization.
func (s *Service) GetRoleTrust(ctx context.Context, id keyward.RoleTrustID) (*TrustDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *TrustDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t, err := s.liveTrustOf(ctx, tx, p, id, "iam.roletrust.Read")
		if err != nil {
			return err
		}
		d, err = s.detailTrust(ctx, tx, t)
		return err
	})
	return d, err
}

// ListRoleTrusts lists the live trusts of the caller's organization that
// match f (or, with f.Deleted, the deleted ones), in creation order. A
// member may list the trusts it is trusted by (f.User itself) without
// iam.roletrust.List: they are the roles it can assume.
func (s *Service) ListRoleTrusts(ctx context.Context, f keyward.TrustFilter) ([]*TrustDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	var out []*TrustDetail
	var info keyward.PageInfo
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		resource := ""
		switch {
		case f.RoleID != "":
			r, err := s.roleOf(ctx, tx, p.OrgID, f.RoleID)
			if err != nil {
				return err
			}
			if r.DeletedAt != nil {
				return notFound("Role")
			}
			resource = string(r.ID)
		case f.User != "":
			if _, err := userOf(ctx, tx, p.OrgID, f.User); err != nil {
				return err
			}
			resource = string(f.User)
		}
		if f.User == "" || f.User != p.UserID || p.Session != nil {
			if err := s.authorize(ctx, p, "iam.roletrust.List", resource); err != nil {
				return err
			}
		}
		ts, i, err := tx.ListRoleTrusts(ctx, p.OrgID, f)
		if err != nil {
			return err
		}
		out, info = make([]*TrustDetail, 0, len(ts)), i
		for _, t := range ts {
			d, err := s.detailTrust(ctx, tx, t)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, info, err
}

// UpdateRoleTrust changes the given fields of a live trust. If the update
// changes anything (trustee, type, mode, claim or other conditions,
// expiry), the sessions made through the trust end: they were granted
// under its terms as they were, and none outlives them. An update that
// changes nothing leaves them, and the trust's UpdatedAt, as they are.
func (s *Service) UpdateRoleTrust(ctx context.Context, id keyward.RoleTrustID, in TrustInput) (*TrustDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *TrustDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t, err := s.liveTrustOf(ctx, tx, p, id, "iam.roletrust.Update")
		if err != nil {
			return err
		}
		if in.RoleID != "" && in.RoleID != t.RoleID {
			return keyward.FieldError("role_id", "A trust cannot move to another role; create a new trust instead.")
		}
		before := viewTrust(t)
		if err := s.applyTrust(ctx, tx, p.OrgID, t, in); err != nil {
			return err
		}
		if err := s.checkGrant(ctx, p, trustGrant(t)); err != nil {
			return err
		}
		after := viewTrust(t)
		var fx effects
		if trustChanged(before, after) {
			// sessionEnded ends a session whose trust's UpdatedAt is
			// after its start; ending them here also stops listing them.
			t.UpdatedAt = tx.Now()
			if fx.SessionsEnded, err = tx.EndRoleSessions(ctx, p.OrgID, t.RoleID, t.ID, t.UpdatedAt); err != nil {
				return err
			}
		}
		if err := tx.UpdateRoleTrust(ctx, t); err != nil {
			return err
		}
		if _, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.roletrust.Update", TargetType: "role_trust", TargetID: string(id), Before: before, After: struct {
				trustView
				effects
			}{after, fx},
		}); err != nil {
			return err
		}
		d, err = s.detailTrust(ctx, tx, t)
		return err
	})
	return d, err
}

// trustChanged reports whether an update changed any of a trust's terms.
// Views are compared as the audit trail records them, so a change shows
// there.
func trustChanged(a, b trustView) bool {
	aj, _ := json.Marshal(a) // plain values always marshal
	bj, _ := json.Marshal(b)
	return string(aj) != string(bj)
}

// DeleteRoleTrust deletes a trust softly: it allows nothing from now on
// and the sessions made through it end at once. RestoreRoleTrust brings
// the trust (not the sessions) back.
func (s *Service) DeleteRoleTrust(ctx context.Context, id keyward.RoleTrustID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t, err := s.liveTrustOf(ctx, tx, p, id, "iam.roletrust.Delete")
		if err != nil {
			return err
		}
		before := viewTrust(t)
		now := tx.Now()
		t.DeletedAt, t.UpdatedAt = &now, now
		if err := tx.UpdateRoleTrust(ctx, t); err != nil {
			return err
		}
		if _, err := tx.EndRoleSessions(ctx, p.OrgID, t.RoleID, t.ID, now); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.roletrust.Delete", TargetType: "role_trust", TargetID: string(id), Before: before,
		})
		return err
	})
}

// RestoreRoleTrust brings back a deleted trust as it was. Restoring a live
// trust changes nothing; a trust whose role is deleted or no longer
// assumable, or whose group is deleted, cannot come back (CodeConflict).
func (s *Service) RestoreRoleTrust(ctx context.Context, id keyward.RoleTrustID) (*TrustDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *TrustDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		t, err := trustOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.roletrust.Restore", string(id)); err != nil {
			return err
		}
		err = s.restore(ctx, tx, p, restoring{action: "iam.roletrust.Restore", targetType: "role_trust", id: string(id), deleted: t.DeletedAt != nil,
			check: func() error {
				r, err := s.roleOf(ctx, tx, p.OrgID, t.RoleID)
				if err != nil {
					return err
				}
				if r.DeletedAt != nil || r.Type != keyward.RoleAssumable {
					return &keyward.Error{Code: keyward.CodeConflict, Field: "role_id", Message: "The trust's role " + r.Name +
						" is deleted or no longer assumable; restore or convert the role first."}
				}
				if t.TrustedGroupID != "" {
					// A deleted group keeps its trusts for its own restore.
					if _, err := groupOf(ctx, tx, p.OrgID, t.TrustedGroupID); keyward.ErrorCode(err) == keyward.CodeNotFound {
						return &keyward.Error{Code: keyward.CodeConflict, Field: "trusted_group_id",
							Message: "The trust's group is deleted; restore the group first."}
					} else if err != nil {
						return err
					}
				}
				return s.checkGrant(ctx, p, trustGrant(t))
			},
			undelete: func(now time.Time) (any, error) {
				t.DeletedAt, t.UpdatedAt = nil, now
				if err := tx.UpdateRoleTrust(ctx, t); err != nil {
					return nil, err
				}
				return viewTrust(t), nil
			}})
		if err != nil {
			return err
		}
		d, err = s.detailTrust(ctx, tx, t)
		return err
	})
	return d, err
}

// trustGrant is what trust t hands out: its role, to a group for a group
// trust and otherwise to a user (an OIDC issuer's workloads count as one).
// A trust is a grant, automatic or not: creating, changing or restoring
// one needs the right to hand out its role (checkGrant).
func trustGrant(t *keyward.RoleTrust) grant {
	to := keyward.PrincipalUser
	if t.TrustedGroupID != "" {
		to = keyward.PrincipalGroup
	}
	return grant{kind: grantRole, id: string(t.RoleID), to: to}
}
