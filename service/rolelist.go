package service

import (
	"context"

	"github.com/keyward-iam/keyward"
)

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
