package service

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// RoleInput is the body of role create and update. On update the name and
// description are replaced, while an empty Type and a zero
// MaxSessionSeconds keep the current values (Vultr's client always sends
// every field). On create they default to assignable and 3600 seconds.
type RoleInput struct {
	Name              string
	Description       string
	Type              keyward.RoleType
	MaxSessionSeconds int
	// AllowChaining lets role sessions assume the role (keyward's field);
	// nil keeps the current value (false on create).
	AllowChaining *bool
	// Grid defines the role by the permission grid (keyward's extension):
	// the role grants the policy generated from it, regenerated whenever the
	// grid changes. Nil keeps the current grid, if any.
	Grid policy.Grid
}

// RoleDetail is a role as the API shows it: with its live policies.
type RoleDetail struct {
	keyward.Role
	Policies []*PolicyDetail
	// Source is the path through which a role reaches a user, in the user
	// views: "direct" or "group:<name>", followed by " in project:<name>" for
	// a binding of one project.
	Source string
	// System is set for a built-in role; Grid and Document are the grid and
	// generated policy of a built-in or grid-defined role.
	System   bool
	Grid     policy.Grid
	Document json.RawMessage
}

type roleView struct {
	ID                keyward.RoleID   `json:"id"`
	Name              string           `json:"name"`
	Description       string           `json:"description"`
	Type              keyward.RoleType `json:"role_type"`
	MaxSessionSeconds int              `json:"max_session_duration"`
	AllowChaining     bool             `json:"allow_chaining"`
}

func viewRole(r *keyward.Role) roleView {
	return roleView{r.ID, r.Name, r.Description, r.Type, r.MaxSessionSeconds, r.AllowChaining}
}

// clean checks in against the current role (nil on create) and returns it
// with every field set.
func (in RoleInput) clean(current *keyward.Role) (RoleInput, error) {
	var err error
	if in.Name, err = cleanName("name", in.Name, true); err != nil {
		return in, err
	}
	if in.Description, err = cleanDescription(in.Description); err != nil {
		return in, err
	}
	in.Type = keyward.RoleType(strings.ToLower(strings.TrimSpace(string(in.Type))))
	switch in.Type {
	case keyward.RoleAssignable, keyward.RoleAssumable:
	case "":
		in.Type = keyward.RoleAssignable
		if current != nil {
			in.Type = current.Type
		}
	default:
		return in, keyward.FieldError("role_type", "role_type %q is not one of assignable, assumable.", in.Type)
	}
	switch s := in.MaxSessionSeconds; {
	case s == 0 && current != nil:
		in.MaxSessionSeconds = current.MaxSessionSeconds
	case s == 0:
		in.MaxSessionSeconds = keyward.DefaultMaxSessionSeconds
	case s < keyward.MinSessionSeconds || s > keyward.MaxSessionSeconds:
		return in, keyward.FieldError("max_session_duration", "max_session_duration is %d seconds; it must be from %d to %d.",
			s, keyward.MinSessionSeconds, keyward.MaxSessionSeconds)
	}
	return in, nil
}

// roleOf returns role id of org, deleted or not, or CodeNotFound.
func (s *Service) roleOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.RoleID) (*keyward.Role, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("Role")
	}
	if r, ok := s.builtinRole(org, id); ok {
		return r, nil
	}
	r, err := tx.GetRole(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("Role")
	}
	return r, err
}

// liveRoleOf returns the live role id of org after authorizing action on
// it; a deleted role is CodeNotFound.
func (s *Service) liveRoleOf(ctx context.Context, tx keyward.Tx, p *keyward.Principal, id keyward.RoleID, action string) (*keyward.Role, error) {
	r, err := s.roleOf(ctx, tx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if r.DeletedAt != nil {
		return nil, notFound("Role")
	}
	if err := s.authorize(ctx, p, action, string(id)); err != nil {
		return nil, err
	}
	if err := s.refuseBuiltinEdit(r, action); err != nil {
		return nil, err
	}
	return r, nil
}

func errRoleName(name string) error {
	return &keyward.Error{Code: keyward.CodeConflict, Field: "name", Message: "A role named " + name + " already exists."}
}

// detailRole reads r's live policies.
func (s *Service) detailRole(ctx context.Context, tx keyward.Tx, r *keyward.Role) (*RoleDetail, error) {
	pols, err := s.targetPolicies(ctx, tx, r.OrgID, keyward.PrincipalRole, string(r.ID))
	if err != nil {
		return nil, err
	}
	d := &RoleDetail{Role: *r, Policies: pols}
	return d, s.detailBuiltinOrGrid(d, func() (*keyward.RoleGrid, error) { return tx.GetRoleGrid(ctx, r.OrgID, r.ID) })
}

// CreateRole creates a role in the caller's organization, which must be
// under Limits.Roles. The name must be unused by its live roles.
func (s *Service) CreateRole(ctx context.Context, in RoleInput) (*RoleDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "iam.role.Create", ""); err != nil {
		return nil, err
	}
	if in, err = in.clean(nil); err != nil {
		return nil, err
	}
	if err := checkRoleNameFree(in.Name); err != nil {
		return nil, err
	}
	var r *keyward.Role
	var d *RoleDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if err := s.checkRoleLimit(ctx, tx, p.OrgID); err != nil {
			return err
		}
		now := tx.Now()
		r = &keyward.Role{
			ID: keyward.RoleID(keyward.NewID(now)), OrgID: p.OrgID, Name: in.Name, Description: in.Description,
			Type: in.Type, MaxSessionSeconds: in.MaxSessionSeconds, AllowChaining: in.AllowChaining != nil && *in.AllowChaining,
			CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.CreateRole(ctx, r); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errRoleName(in.Name)
		} else if err != nil {
			return err
		}
		if in.Grid != nil {
			if err := s.putRoleGrid(ctx, tx, r, in.Grid); err != nil {
				return err
			}
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.role.Create", TargetType: "role", TargetID: string(r.ID), After: viewRole(r),
		})
		if err != nil {
			return err
		}
		d, err = s.detailRole(ctx, tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Service) checkRoleLimit(ctx context.Context, tx keyward.Tx, org keyward.OrgID) error {
	n, err := tx.CountRoles(ctx, org)
	if err != nil {
		return err
	}
	return checkLimit("roles", n, s.limits.Roles, "an organization may have at most %d roles")
}

// GetRole returns a live role of the caller's organization with its
// policies.
func (s *Service) GetRole(ctx context.Context, id keyward.RoleID) (*RoleDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *RoleDetail
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.liveRoleOf(ctx, tx, p, id, "iam.role.Read")
		if err != nil {
			return err
		}
		d, err = s.detailRole(ctx, tx, r)
		return err
	})
	return d, err
}

// UpdateRole replaces a role's name and description and, when given, its
// type and maximum session duration.
//
// Converting an assignable role to assumable is refused (CodeConflict on
// role_type) while users or groups are bound to it: an assumable role is
// only reached through trusts, so the bindings would silently stop
// granting. Converting an assumable role to assignable keeps its policies
// and is likewise refused while the role has live trusts or sessions,
// which would otherwise keep granting through a role no longer meant to be
// assumed.
func (s *Service) UpdateRole(ctx context.Context, id keyward.RoleID, in RoleInput) (*RoleDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *RoleDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.liveRoleOf(ctx, tx, p, id, "iam.role.Update")
		if err != nil {
			return err
		}
		if in, err = in.clean(r); err != nil {
			return err
		}
		if !strings.EqualFold(in.Name, r.Name) {
			if err := checkRoleNameFree(in.Name); err != nil {
				return err
			}
		}
		if in.Grid != nil {
			if err := s.putRoleGrid(ctx, tx, r, in.Grid); err != nil {
				return err
			}
		}
		if r.Type == keyward.RoleAssignable && in.Type == keyward.RoleAssumable {
			// A deleted group's binding counts: its restore would bring
			// back an assumable role held without assuming it.
			_, info, err := tx.ListRoleBindings(ctx, p.OrgID, keyward.BindingFilter{RoleID: id, WithDeletedGroups: true, Page: keyward.Page{Limit: 1}})
			if err != nil {
				return err
			}
			if info.Total > 0 {
				return &keyward.Error{Code: keyward.CodeConflict, Field: "role_type", Message: "The role is assigned to " +
					plural(info.Total, "user or group", "users or groups") + " (a deleted group's counts, which its restore brings back: restore it to detach it); detach them first, then convert it to assumable."}
			}
		}
		if r.Type == keyward.RoleAssumable && in.Type == keyward.RoleAssignable {
			if err := refuseAssignable(ctx, tx, r); err != nil {
				return err
			}
		}
		before := viewRole(r)
		r.Name, r.Description, r.Type, r.MaxSessionSeconds, r.UpdatedAt = in.Name, in.Description, in.Type, in.MaxSessionSeconds, tx.Now()
		if in.AllowChaining != nil {
			r.AllowChaining = *in.AllowChaining
		}
		if err := tx.UpdateRole(ctx, r); keyward.ErrorCode(err) == keyward.CodeConflict {
			return errRoleName(in.Name)
		} else if err != nil {
			return err
		}
		if _, err := s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.role.Update", TargetType: "role", TargetID: string(id), Before: before, After: viewRole(r),
		}); err != nil {
			return err
		}
		d, err = s.detailRole(ctx, tx, r)
		return err
	})
	return d, err
}

// DeleteRole deletes a role softly: it stops granting at once, its
// sessions end, and its bindings, policy attachments and trusts are kept
// for RestoreRole.
func (s *Service) DeleteRole(ctx context.Context, id keyward.RoleID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.liveRoleOf(ctx, tx, p, id, "iam.role.Delete")
		if err != nil {
			return err
		}
		before := viewRole(r)
		now := tx.Now()
		r.DeletedAt, r.UpdatedAt = &now, now
		if err := tx.UpdateRole(ctx, r); err != nil {
			return err
		}
		// Its sessions end with it, and stay ended if it is restored.
		if _, err := tx.EndRoleSessions(ctx, p.OrgID, id, "", now); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "iam.role.Delete", TargetType: "role", TargetID: string(id), Before: before,
		})
		return err
	})
}

// RestoreRole brings back a deleted role with its bindings and policy
// attachments as they were. Restoring a live role changes nothing;
// restoring one whose name a live role has taken since is CodeConflict.
func (s *Service) RestoreRole(ctx context.Context, id keyward.RoleID) (*RoleDetail, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var d *RoleDetail
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		r, err := s.roleOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "iam.role.Restore", string(id)); err != nil {
			return err
		}
		err = s.restore(ctx, tx, p, restoring{action: "iam.role.Restore", targetType: "role", id: string(id), deleted: r.DeletedAt != nil,
			check: func() error {
				// A restored role is handed out again to everyone it is
				// bound to, and its trusts work again: a grant (checkGrant).
				if err := s.checkGrant(ctx, p, grant{kind: grantRole, id: string(id), to: keyward.PrincipalUser}); err != nil {
					return err
				}
				return s.checkRoleLimit(ctx, tx, p.OrgID)
			},
			undelete: func(now time.Time) (any, error) {
				r.DeletedAt, r.UpdatedAt = nil, now
				if err := tx.UpdateRole(ctx, r); keyward.ErrorCode(err) == keyward.CodeConflict {
					return nil, errRoleName(r.Name)
				} else if err != nil {
					return nil, err
				}
				return viewRole(r), nil
			}})
		if err != nil {
			return err
		}
		d, err = s.detailRole(ctx, tx, r)
		return err
	})
	return d, err
}

// refuseAssignable refuses (CodeConflict on role_type) to make r
// assignable while it has live trusts or sessions.
func refuseAssignable(ctx context.Context, tx keyward.Tx, r *keyward.Role) error {
	_, info, err := tx.ListRoleTrusts(ctx, r.OrgID, keyward.TrustFilter{RoleID: r.ID, Page: keyward.Page{Limit: 1}})
	if err != nil {
		return err
	}
	if info.Total > 0 {
		return &keyward.Error{Code: keyward.CodeConflict, Field: "role_type", Message: "The role has " +
			plural(info.Total, "trust", "trusts") + "; delete them first, then convert it to assignable."}
	}
	n, err := tx.CountRoleSessions(ctx, r.OrgID, r.ID, tx.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		return &keyward.Error{Code: keyward.CodeConflict, Field: "role_type", Message: "The role has " +
			plural(n, "live session", "live sessions") + "; terminate them first, then convert it to assignable."}
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// ListRoles lists the live roles of the caller's organization (or, with
// f.Deleted, the deleted ones) in creation order, each with its policies,
// after the built-in roles (by name) unless f asks for deleted or
// assumable roles.
func (s *Service) ListRoles(ctx context.Context, f keyward.RoleFilter) ([]*RoleDetail, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "iam.role.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	switch f.Type {
	case "", keyward.RoleAssignable, keyward.RoleAssumable:
	default:
		return nil, keyward.PageInfo{}, keyward.FieldError("role_type", "role_type %q is not one of assignable, assumable.", f.Type)
	}
	var out []*RoleDetail
	var info keyward.PageInfo
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		// The built-in roles come first, by name, as managed policies do.
		var builtin []*RoleDetail
		if !f.Deleted && f.Type != keyward.RoleAssumable {
			for _, r := range s.builtinRoles(p.OrgID) {
				if !keyward.Matches(f.Search, r.Name) {
					continue
				}
				d, err := s.detailRole(ctx, tx, r)
				if err != nil {
					return err
				}
				builtin = append(builtin, d)
			}
		}
		custom := func(page keyward.Page) ([]*RoleDetail, keyward.PageInfo, error) {
			g := f
			g.Page = page
			roles, info, err := tx.ListRoles(ctx, p.OrgID, g)
			if err != nil {
				return nil, info, err
			}
			out := make([]*RoleDetail, len(roles))
			for n, r := range roles {
				if out[n], err = s.detailRole(ctx, tx, r); err != nil {
					return nil, info, err
				}
			}
			return out, info, nil
		}
		out, info, err = pageThen(builtin, f.Page, custom)
		return err
	})
	return out, info, err
}
