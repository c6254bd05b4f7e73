package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward-iam/keyward"
)

const overrideColumns = "o.id, o.org_id, o.project_id, o.user_id, o.grid, o.document, o.created_at, o.updated_at, o.updated_by"

// scanOverride scans overrideColumns; key receives the surrogate ID.
func scanOverride(s scanner, key *string) (*keyward.Override, error) {
	var (
		o                keyward.Override
		grid, doc        string
		created, updated int64
	)
	if err := s.Scan(key, &o.OrgID, &o.ProjectID, &o.UserID, &grid, &doc, &created, &updated, &o.UpdatedBy); err != nil {
		return nil, err
	}
	o.Grid, o.Document = []byte(grid), []byte(doc)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &o, nil
}

// errNoOverrideTarget is what a foreign-key violation on an override means.
var errNoOverrideTarget = keyward.Errorf(keyward.CodeNotFound, "Project or user not found.")

// PutOverride creates or replaces the member's override on the project.
// UpdatedAt (and, for a new one, CreatedAt) is the transaction's time.
func (t *tx) PutOverride(ctx context.Context, o *keyward.Override) error {
	const op = "sqlstore.PutOverride"
	t.touch(o.OrgID, changeUser, string(o.UserID))
	o.UpdatedAt = t.now
	old, err := t.GetOverride(ctx, o.OrgID, o.ProjectID, o.UserID)
	switch {
	case err == nil:
		o.CreatedAt = old.CreatedAt
		_, err = t.execChecked(ctx, `UPDATE overrides SET grid = $4, document = $5, updated_at = $6, updated_by = $7
			WHERE org_id = $1 AND project_id = $2 AND user_id = $3`,
			o.OrgID, o.ProjectID, o.UserID, string(o.Grid), string(o.Document), o.UpdatedAt.UnixMicro(), o.UpdatedBy)
	case keyward.ErrorCode(err) == keyward.CodeNotFound:
		o.CreatedAt = t.now
		_, err = t.execChecked(ctx, `INSERT INTO overrides
			(id, org_id, project_id, user_id, grid, document, created_at, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			keyward.NewID(t.now), o.OrgID, o.ProjectID, o.UserID, string(o.Grid), string(o.Document),
			o.CreatedAt.UnixMicro(), o.UpdatedAt.UnixMicro(), o.UpdatedBy)
	}
	return dbError(op, err, errNoOverrideTarget)
}

// GetOverride returns the member's override on the project.
func (t *tx) GetOverride(ctx context.Context, org keyward.OrgID, project keyward.ProjectID, user keyward.UserID) (*keyward.Override, error) {
	const op = "sqlstore.GetOverride"
	var key string
	o, err := scanOverride(t.tx.QueryRowContext(ctx, "SELECT "+overrideColumns+
		" FROM overrides o WHERE o.org_id = $1 AND o.project_id = $2 AND o.user_id = $3", org, project, user), &key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Override not found.")
	}
	return o, dbError(op, err, nil)
}

// DeleteOverride removes the member's override on the project.
func (t *tx) DeleteOverride(ctx context.Context, org keyward.OrgID, project keyward.ProjectID, user keyward.UserID) error {
	const op = "sqlstore.DeleteOverride"
	t.touch(org, changeUser, string(user))
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM overrides WHERE org_id = $1 AND project_id = $2 AND user_id = $3", org, project, user))
	return changedOne(op, n, err, nil, "Override not found.")
}

// ListOverrides lists the overrides of org that match f in creation order.
func (t *tx) ListOverrides(ctx context.Context, org keyward.OrgID, f keyward.OverrideFilter) ([]*keyward.Override, keyward.PageInfo, error) {
	var w where
	w.add("o.org_id = %s", org)
	eq(&w, "o.project_id", f.ProjectID)
	eq(&w, "o.user_id", f.UserID)
	return listKeyed(ctx, t, listing{
		op:   "sqlstore.ListOverrides",
		cols: overrideColumns,
		from: "FROM overrides o " + w.String(),
		args: w.args,
		key:  "o.id",
	}, f.Page, scanOverride)
}

const roleGridColumns = "g.org_id, g.role_id, g.grid, g.document, g.updated_at"

func scanRoleGrid(s scanner) (*keyward.RoleGrid, error) {
	var (
		g         keyward.RoleGrid
		grid, doc string
		updated   int64
	)
	if err := s.Scan(&g.OrgID, &g.RoleID, &grid, &doc, &updated); err != nil {
		return nil, err
	}
	g.Grid, g.Document, g.UpdatedAt = []byte(grid), []byte(doc), fromMicros(updated)
	return &g, nil
}

// PutRoleGrid creates or replaces the grid of a role of org, with the
// transaction's time as UpdatedAt.
func (t *tx) PutRoleGrid(ctx context.Context, g *keyward.RoleGrid) error {
	const op = "sqlstore.PutRoleGrid"
	t.touch(g.OrgID, changeRole, string(g.RoleID))
	g.UpdatedAt = t.now
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM role_grids WHERE org_id = $1 AND role_id = $2", g.OrgID, g.RoleID); err != nil {
		return dbError(op, err, nil)
	}
	_, err := t.execChecked(ctx, `INSERT INTO role_grids (org_id, role_id, grid, document, updated_at) VALUES ($1, $2, $3, $4, $5)`,
		g.OrgID, g.RoleID, string(g.Grid), string(g.Document), g.UpdatedAt.UnixMicro())
	return dbError(op, err, errNoRole)
}

// GetRoleGrid returns the grid of a role of org; CodeNotFound if the role
// was not defined by a grid.
func (t *tx) GetRoleGrid(ctx context.Context, org keyward.OrgID, role keyward.RoleID) (*keyward.RoleGrid, error) {
	const op = "sqlstore.GetRoleGrid"
	g, err := scanRoleGrid(t.tx.QueryRowContext(ctx, "SELECT "+roleGridColumns+" FROM role_grids g WHERE g.org_id = $1 AND g.role_id = $2", org, role))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Role grid not found.")
	}
	return g, dbError(op, err, nil)
}

// ScopeBindings lists the bindings of one scope of org in creation order.
func (t *tx) ScopeBindings(ctx context.Context, org keyward.OrgID, project keyward.ProjectID) ([]*keyward.RoleBinding, error) {
	return queryAll(ctx, t, "sqlstore.ScopeBindings", "SELECT "+bindingColumns+" FROM role_bindings b WHERE b.org_id = $1 AND b.project_id = $2 ORDER BY b.id", org,
		func(s scanner) (*keyward.RoleBinding, error) {
			var key string
			return scanBinding(s, &key)
		}, project)
}

// ReplaceScopeBindings deletes the bindings of the scope, but those of
// deleted roles, which a restore brings back, and inserts bs in their
// order, each with b.OrgID and b.ProjectID set to the scope's.
func (t *tx) ReplaceScopeBindings(ctx context.Context, org keyward.OrgID, project keyward.ProjectID, bs []*keyward.RoleBinding) error {
	const op = "sqlstore.ReplaceScopeBindings"
	// The deleted bindings' roles and principals go into the change log.
	gone, err := queryAll(ctx, t, op, `DELETE FROM role_bindings WHERE org_id = $1 AND project_id = $2
		AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.org_id = role_bindings.org_id AND r.id = role_bindings.role_id AND r.deleted_at IS NOT NULL)
		RETURNING role_id, principal_type, principal_id`, org,
		func(s scanner) (*keyward.RoleBinding, error) {
			var b keyward.RoleBinding
			return &b, s.Scan(&b.RoleID, &b.PrincipalType, &b.PrincipalID)
		}, project)
	if err != nil {
		return err
	}
	for _, b := range gone {
		t.touch(org, changeRole, string(b.RoleID))
		t.touchPrincipal(org, b.PrincipalType, b.PrincipalID)
	}
	for _, b := range bs {
		b.OrgID, b.ProjectID = org, string(project)
		if err := t.CreateRoleBinding(ctx, b); err != nil {
			return err
		}
	}
	return nil
}
