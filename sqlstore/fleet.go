package sqlstore

import (
	"context"

	"github.com/keyward-iam/keyward"
)

const fleetRoleColumns = "f.id, f.user_id, f.role, f.granted_by, f.created_at, a.email, a.name"

func scanFleetRole(s scanner) (*keyward.FleetRoleGrant, error) {
	var (
		g       keyward.FleetRoleGrant
		created int64
	)
	if err := s.Scan(&g.ID, &g.UserID, &g.Role, &g.GrantedBy, &created, &g.Email, &g.Name); err != nil {
		return nil, err
	}
	g.CreatedAt = fromMicros(created)
	return &g, nil
}

// errNoAccount is what a foreign-key violation on a fleet role means.
var errNoAccount = keyward.Errorf(keyward.CodeNotFound, "Account not found.")

// GrantFleetRole inserts g, giving it the transaction's time if it has
// none.
func (t *tx) GrantFleetRole(ctx context.Context, g *keyward.FleetRoleGrant) error {
	const op = "sqlstore.GrantFleetRole"
	if g.CreatedAt.IsZero() {
		g.CreatedAt = t.now
	}
	g.CreatedAt = micro(g.CreatedAt)
	setID(&g.ID, g.CreatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO fleet_roles (id, user_id, role, granted_by, created_at)
		VALUES ($1, $2, $3, $4, $5)`,
		g.ID, g.UserID, g.Role, g.GrantedBy, g.CreatedAt.UnixMicro())
	return dbError(op, err, errNoAccount)
}

// RevokeFleetRole deletes the grant of role to user, unless it is the
// last fleet.admin grant. On PostgreSQL it locks the fleet.admin grants
// first, so that two revocations at once cannot leave none.
func (t *tx) RevokeFleetRole(ctx context.Context, user keyward.UserID, role string) error {
	const op = "sqlstore.RevokeFleetRole"
	if role == keyward.FleetAdmin {
		lock := ""
		if t.pg {
			lock = " FOR UPDATE"
		}
		var admins []keyward.UserID
		rows, err := t.tx.QueryContext(ctx, "SELECT user_id FROM fleet_roles WHERE role = $1"+lock, role)
		if err != nil {
			return dbError(op, err, nil)
		}
		defer rows.Close()
		for rows.Next() {
			var u keyward.UserID
			if err := rows.Scan(&u); err != nil {
				return dbError(op, err, nil)
			}
			admins = append(admins, u)
		}
		if err := rows.Err(); err != nil {
			return dbError(op, err, nil)
		}
		if len(admins) == 1 && admins[0] == user {
			return keyward.Errorf(keyward.CodeConflict, "The deployment's last fleet administrator cannot be revoked; grant fleet.admin to another account first.")
		}
	}
	n, err := affected(t.execChecked(ctx, "DELETE FROM fleet_roles WHERE user_id = $1 AND role = $2", user, role))
	return changedOne(op, n, err, nil, "The account does not hold that fleet role.")
}

// ListFleetRoles lists the grants that match f in the order they were made.
func (t *tx) ListFleetRoles(ctx context.Context, f keyward.FleetRoleFilter) ([]*keyward.FleetRoleGrant, keyward.PageInfo, error) {
	var w where
	w.add("a.id = f.user_id")
	eq(&w, "f.user_id", f.UserID)
	eq(&w, "f.role", f.Role)
	return list(ctx, t, listing{
		op:   "sqlstore.ListFleetRoles",
		cols: fleetRoleColumns,
		from: "FROM fleet_roles f, accounts a " + w.String(),
		args: w.args,
		key:  "f.id",
	}, f.Page, scanFleetRole, func(g *keyward.FleetRoleGrant) string { return g.ID })
}

// FleetRolesOf returns the fleet roles user holds, sorted.
func (t *tx) FleetRolesOf(ctx context.Context, user keyward.UserID) ([]string, error) {
	const op = "sqlstore.FleetRolesOf"
	rows, err := t.tx.QueryContext(ctx, "SELECT role FROM fleet_roles WHERE user_id = $1 ORDER BY role", user)
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var roles []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, dbError(op, err, nil)
		}
		roles = append(roles, r)
	}
	return roles, dbError(op, rows.Err(), nil)
}

// ListAllOrganizations lists the live organizations that match f, in
// creation order.
func (t *tx) ListAllOrganizations(ctx context.Context, f keyward.OrgFilter) ([]*keyward.Organization, keyward.PageInfo, error) {
	var w where
	w.add("o.deleted_at IS NULL")
	w.contains(f.Name, "lower(o.name)")
	if f.Suspended != nil && *f.Suspended {
		w.add("o.suspended_at IS NOT NULL")
	} else if f.Suspended != nil {
		w.add("o.suspended_at IS NULL")
	}
	return list(ctx, t, listing{
		op:   "sqlstore.ListAllOrganizations",
		cols: orgColumns,
		from: "FROM organizations o " + w.String(),
		args: w.args,
		key:  "o.id",
	}, f.Page, scanOrganization, func(o *keyward.Organization) string { return string(o.ID) })
}
