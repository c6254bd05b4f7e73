package sqlstore

import (
	"context"
	"time"

	"github.com/keyward-iam/keyward"
)

// ListDeletedOrganizationsOwnedBy lists the deleted organizations whose
// root owner is uid, in creation order.
func (t *tx) ListDeletedOrganizationsOwnedBy(ctx context.Context, uid keyward.UserID, p keyward.Page) ([]*keyward.Organization, keyward.PageInfo, error) {
	return list(ctx, t, listing{
		op:   "sqlstore.ListDeletedOrganizationsOwnedBy",
		cols: orgColumns,
		from: "FROM organizations o WHERE o.owner_id = $1 AND o.deleted_at IS NOT NULL",
		args: []any{uid},
		key:  "o.id",
	}, p, scanOrganization, func(o *keyward.Organization) string { return string(o.ID) })
}

// ListOrganizationsDeletedBefore returns up to limit organizations deleted
// before before, oldest deletion first.
func (t *tx) ListOrganizationsDeletedBefore(ctx context.Context, before time.Time, limit int) ([]keyward.OrgID, error) {
	const op = "sqlstore.ListOrganizationsDeletedBefore"
	rows, err := t.tx.QueryContext(ctx, `SELECT id FROM organizations
		WHERE deleted_at IS NOT NULL AND deleted_at < $1 ORDER BY deleted_at, id LIMIT $2`, before.UnixMicro(), limit)
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var ids []keyward.OrgID
	for rows.Next() {
		var id keyward.OrgID
		if err := rows.Scan(&id); err != nil {
			return nil, dbError(op, err, nil)
		}
		ids = append(ids, id)
	}
	return ids, dbError(op, rows.Err(), nil)
}

// PurgeOrganization deletes the organization; the foreign keys cascade to
// everything in it. The service accounts that belonged to it alone go too,
// since no other organization can reach them; human accounts stay.
func (t *tx) PurgeOrganization(ctx context.Context, id keyward.OrgID) error {
	const op = "sqlstore.PurgeOrganization"
	t.touch(id, changeAll, "")
	t.purged = append(t.purged, id)
	rows, err := t.tx.QueryContext(ctx, `SELECT a.id FROM members m JOIN accounts a ON a.id = m.user_id
		WHERE m.org_id = $1 AND a.service
		AND NOT EXISTS (SELECT 1 FROM members o WHERE o.user_id = a.id AND o.org_id <> $1)`, id)
	if err != nil {
		return dbError(op, err, nil)
	}
	var orphans []keyward.UserID
	for rows.Next() {
		var uid keyward.UserID
		if err := rows.Scan(&uid); err != nil {
			rows.Close()
			return dbError(op, err, nil)
		}
		orphans = append(orphans, uid)
	}
	if err := rows.Err(); err != nil {
		return dbError(op, err, nil)
	}
	rows.Close()
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM organizations WHERE id = $1", id))
	if err != nil {
		return dbError(op, err, nil)
	}
	if n == 0 {
		return notFound(op, "Organization not found.")
	}
	for _, uid := range orphans {
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM accounts WHERE id = $1", uid); err != nil {
			return dbError(op, err, nil)
		}
	}
	return nil
}
