package service

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// builtinRole returns the built-in role id as a live assignable role of
// org: built-in roles are not stored, have the same ids in every
// organization and are never deleted.
func (s *Service) builtinRole(org keyward.OrgID, id keyward.RoleID) (*keyward.Role, bool) {
	br, ok := policy.BuiltinRoleByID(s.catalog(), string(id))
	if !ok {
		return nil, false
	}
	return &keyward.Role{
		ID: keyward.RoleID(br.ID), OrgID: org, Name: br.Name, Description: br.Description,
		Type: keyward.RoleAssignable, MaxSessionSeconds: keyward.DefaultMaxSessionSeconds,
		CreatedAt: builtinRolesShipped, UpdatedAt: builtinRolesShipped,
	}, true
}

// builtinRolesShipped is the date_created of every built-in role: the day
// they shipped, so that clients that parse the field as a time can.
var builtinRolesShipped = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)

// builtinRoles returns every built-in role as a live role of org, by name.
func (s *Service) builtinRoles(org keyward.OrgID) []*keyward.Role {
	var out []*keyward.Role
	for _, br := range policy.BuiltinRoles(s.catalog()) {
		r, _ := s.builtinRole(org, keyward.RoleID(br.ID))
		out = append(out, r)
	}
	return out
}

// roleEdits are the actions that change a role itself, which a built-in
// role refuses (422): it is read-only, though it may be bound and unbound.
var roleEdits = map[string]bool{
	"iam.role.Update":       true,
	"iam.role.Delete":       true,
	"iam.role.AttachPolicy": true,
	"iam.role.DetachPolicy": true,
}

// refuseBuiltinEdit returns CodeUnprocessable if action would change the
// built-in role r.
func (s *Service) refuseBuiltinEdit(r *keyward.Role, action string) error {
	if _, ok := policy.BuiltinRoleByID(s.catalog(), string(r.ID)); ok && roleEdits[action] {
		return keyward.Errorf(keyward.CodeUnprocessable, "%s is a built-in role: it cannot be changed or deleted; create a custom role instead.", r.Name)
	}
	return nil
}

// checkRoleNameFree refuses (409 on name) a built-in role's name or alias
// for a custom role.
func checkRoleNameFree(name string) error {
	if policy.IsBuiltinRoleName(strings.TrimSpace(name)) {
		return &keyward.Error{Code: keyward.CodeConflict, Field: "name", Message: name + " is the name of a built-in role."}
	}
	return nil
}

// detailBuiltinOrGrid fills in what a role detail shows beyond its
// attached policies: for a built-in role that it is one, its grid (if it
// has one) and its generated document; for a custom role defined by a
// grid, the grid and the document generated from it. grid returns the
// role's grid, or CodeNotFound if it has none.
func (s *Service) detailBuiltinOrGrid(d *RoleDetail, grid func() (*keyward.RoleGrid, error)) error {
	if br, ok := policy.BuiltinRoleByID(s.catalog(), string(d.ID)); ok {
		d.System, d.Grid = true, br.Grid
		d.Document, _ = json.Marshal(br.Doc)
		return nil
	}
	rg, err := grid()
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil
	} else if err != nil {
		return err
	}
	d.Grid, d.Document = decodeGrid(rg.Grid), rg.Document
	return nil
}

// putRoleGrid stores r's grid with the document it generates.
func (s *Service) putRoleGrid(ctx context.Context, tx keyward.Tx, r *keyward.Role, g policy.Grid) error {
	grid, doc, err := s.parseGrid("grid", g)
	if err != nil {
		return err
	}
	return tx.PutRoleGrid(ctx, &keyward.RoleGrid{OrgID: r.OrgID, RoleID: r.ID, Grid: grid, Document: doc})
}
