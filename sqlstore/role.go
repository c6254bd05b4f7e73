package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward-iam/keyward"
)

const roleColumns = "r.id, r.org_id, r.name, r.description, r.type, r.max_session_seconds, r.allow_chaining, r.created_at, r.updated_at, r.deleted_at"

func scanRole(s scanner) (*keyward.Role, error) {
	var (
		r                keyward.Role
		created, updated int64
		deleted          sql.NullInt64
	)
	if err := s.Scan(&r.ID, &r.OrgID, &r.Name, &r.Description, &r.Type, &r.MaxSessionSeconds, &r.AllowChaining, &created, &updated, &deleted); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt, r.DeletedAt = fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	return &r, nil
}

// CreateRole inserts r, giving it an ID and times if it has none and
// RoleAssignable if it has no type. Its name must not be in use by a live
// role of its organization, case-insensitively.
func (t *tx) CreateRole(ctx context.Context, r *keyward.Role) error {
	const op = "sqlstore.CreateRole"
	setID(&r.ID, t.now)
	t.touch(r.OrgID, changeRole, string(r.ID))
	if r.Type == "" {
		r.Type = keyward.RoleAssignable
	}
	t.stamp(&r.CreatedAt, &r.UpdatedAt)
	r.DeletedAt = microPtr(r.DeletedAt)
	_, err := t.execChecked(ctx, `INSERT INTO roles
		(id, org_id, name, name_key, description, type, max_session_seconds, allow_chaining, created_at, updated_at, deleted_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.ID, r.OrgID, r.Name, nameKey(r.Name), r.Description, r.Type, r.MaxSessionSeconds, r.AllowChaining,
		r.CreatedAt.UnixMicro(), r.UpdatedAt.UnixMicro(), nullMicros(r.DeletedAt))
	return dbError(op, err, errNoOrg)
}

// GetRole returns the role of org, deleted or not.
func (t *tx) GetRole(ctx context.Context, org keyward.OrgID, id keyward.RoleID) (*keyward.Role, error) {
	const op = "sqlstore.GetRole"
	r, err := scanRole(t.tx.QueryRowContext(ctx, "SELECT "+roleColumns+" FROM roles r WHERE r.org_id = $1 AND r.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Role not found.")
	}
	return r, dbError(op, err, nil)
}

// ListRoles lists the live roles of org (or, with f.Deleted, the deleted
// ones) of f.Type if set, in creation order.
func (t *tx) ListRoles(ctx context.Context, org keyward.OrgID, f keyward.RoleFilter) ([]*keyward.Role, keyward.PageInfo, error) {
	var w where
	w.add("r.org_id = %s", org)
	w.deleted("r", f.Deleted)
	eq(&w, "r.type", f.Type)
	w.contains(f.Search, "r.name_key")
	return list(ctx, t, listing{
		op:   "sqlstore.ListRoles",
		cols: roleColumns,
		from: "FROM roles r " + w.String(),
		args: w.args,
		key:  "r.id",
	}, f.Page, scanRole, func(r *keyward.Role) string { return string(r.ID) })
}

// UpdateRole writes Name, Description, Type, MaxSessionSeconds,
// AllowChaining, UpdatedAt and DeletedAt. A live role's name must not be in use by another live
// role, so a restore (DeletedAt set to nil) into a name taken since is
// CodeConflict.
func (t *tx) UpdateRole(ctx context.Context, r *keyward.Role) error {
	const op = "sqlstore.UpdateRole"
	t.touch(r.OrgID, changeRole, string(r.ID))
	r.UpdatedAt, r.DeletedAt = micro(r.UpdatedAt), microPtr(r.DeletedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE roles
		SET name = $3, name_key = $4, description = $5, type = $6, max_session_seconds = $7, updated_at = $8, deleted_at = $9,
			allow_chaining = $10
		WHERE org_id = $1 AND id = $2`,
		r.OrgID, r.ID, r.Name, nameKey(r.Name), r.Description, r.Type, r.MaxSessionSeconds, r.UpdatedAt.UnixMicro(), nullMicros(r.DeletedAt),
		r.AllowChaining))
	return changedOne(op, n, err, nil, "Role not found.")
}

// CountRoles counts the live roles of org.
func (t *tx) CountRoles(ctx context.Context, org keyward.OrgID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM roles WHERE org_id = $1 AND deleted_at IS NULL", org).Scan(&n)
	return n, dbError("sqlstore.CountRoles", err, nil)
}

const bindingColumns = "b.id, b.org_id, b.role_id, b.principal_type, b.principal_id, b.project_id, b.created_at, b.created_by"

// scanBinding scans bindingColumns; key receives the surrogate ID.
func scanBinding(s scanner, key *string) (*keyward.RoleBinding, error) {
	var (
		b       keyward.RoleBinding
		created int64
	)
	if err := s.Scan(key, &b.OrgID, &b.RoleID, &b.PrincipalType, &b.PrincipalID, &b.ProjectID, &created, &b.CreatedBy); err != nil {
		return nil, err
	}
	b.CreatedAt = fromMicros(created)
	return &b, nil
}

// errNoRole is what a foreign-key violation on a new binding means.
var errNoRole = keyward.Errorf(keyward.CodeNotFound, "Role not found.")

// CreateRoleBinding inserts b, giving it the transaction's time if it has
// no CreatedAt. Its role must be of b.OrgID (deleted or not) or built in; its
// principal is not checked, since it may be a user or a group.
func (t *tx) CreateRoleBinding(ctx context.Context, b *keyward.RoleBinding) error {
	const op = "sqlstore.CreateRoleBinding"
	t.touch(b.OrgID, changeRole, string(b.RoleID))
	t.touchPrincipal(b.OrgID, b.PrincipalType, b.PrincipalID)
	if b.CreatedAt.IsZero() {
		b.CreatedAt = t.now
	}
	b.CreatedAt = micro(b.CreatedAt)
	// The role is checked here rather than by a foreign key, since a
	// built-in role has no roles row (migration 00007).
	n, err := affected(t.execChecked(ctx, `INSERT INTO role_bindings
		(id, org_id, role_id, principal_type, principal_id, project_id, created_at, created_by)
		SELECT $1, $2, $3, $4, $5, $6, $7, $8
		WHERE EXISTS (SELECT 1 FROM roles WHERE org_id = $2 AND id = $3) OR EXISTS (SELECT 1 FROM builtin_roles WHERE id = $3)`,
		keyward.NewID(t.now), b.OrgID, b.RoleID, b.PrincipalType, b.PrincipalID, b.ProjectID, b.CreatedAt.UnixMicro(), b.CreatedBy))
	if err == nil && n == 0 {
		return &keyward.Error{Code: errNoRole.Code, Message: errNoRole.Message, Op: op}
	}
	return dbError(op, err, errNoRole)
}

// DeleteRoleBinding removes the binding of b's organization with b's role,
// principal and project.
func (t *tx) DeleteRoleBinding(ctx context.Context, b *keyward.RoleBinding) error {
	const op = "sqlstore.DeleteRoleBinding"
	t.touch(b.OrgID, changeRole, string(b.RoleID))
	t.touchPrincipal(b.OrgID, b.PrincipalType, b.PrincipalID)
	n, err := affected(t.tx.ExecContext(ctx, `DELETE FROM role_bindings
		WHERE org_id = $1 AND role_id = $2 AND principal_type = $3 AND principal_id = $4 AND project_id = $5`,
		b.OrgID, b.RoleID, b.PrincipalType, b.PrincipalID, b.ProjectID))
	return changedOne(op, n, err, nil, "Role binding not found.")
}

// ListRoleBindings lists the bindings of org that match f, those of
// deleted roles included, in creation order. Unless f names a principal,
// the bindings of deleted groups are left out.
func (t *tx) ListRoleBindings(ctx context.Context, org keyward.OrgID, f keyward.BindingFilter) ([]*keyward.RoleBinding, keyward.PageInfo, error) {
	var w where
	w.add("b.org_id = %s", org)
	eq(&w, "b.role_id", f.RoleID)
	eq(&w, "b.principal_type", f.PrincipalType)
	if !f.WithDeletedGroups {
		w.add(notDeletedGroup("b", "principal_id"))
	}
	return listKeyed(ctx, t, listing{
		op:   "sqlstore.ListRoleBindings",
		cols: bindingColumns,
		from: "FROM role_bindings b " + w.String(),
		args: w.args,
		key:  "b.id",
	}, f.Page, scanBinding)
}
