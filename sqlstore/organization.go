package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/keyward-iam/keyward"
)

const orgColumns = "o.id, o.name, o.type, o.owner_id, o.revision, o.created_at, o.updated_at, o.deleted_at, o.suspended_at, o.identity_mode"

func scanOrganization(s scanner) (*keyward.Organization, error) {
	var (
		o                keyward.Organization
		created, updated int64
		deleted          sql.NullInt64
		suspended        sql.NullInt64
	)
	if err := s.Scan(&o.ID, &o.Name, &o.Type, &o.OwnerID, &o.Revision, &created, &updated, &deleted, &suspended, &o.IdentityMode); err != nil {
		return nil, err
	}
	o.CreatedAt, o.UpdatedAt, o.DeletedAt = fromMicros(created), fromMicros(updated), fromNullMicros(deleted)
	o.SuspendedAt = fromNullMicros(suspended)
	return &o, nil
}

// errNoOwner is what a foreign-key violation on an organization means.
var errNoOwner = keyward.Errorf(keyward.CodeNotFound, "The owner's account does not exist.")

// CreateOrganization inserts o, giving it an ID and times if it has none
// and IdentityLocal if it has no identity mode.
func (t *tx) CreateOrganization(ctx context.Context, o *keyward.Organization) error {
	const op = "sqlstore.CreateOrganization"
	setID(&o.ID, t.now)
	t.touch(o.ID, changeAll, "") // a new organization: nothing to patch
	t.stamp(&o.CreatedAt, &o.UpdatedAt)
	o.DeletedAt, o.SuspendedAt = microPtr(o.DeletedAt), microPtr(o.SuspendedAt)
	if o.IdentityMode == "" {
		o.IdentityMode = keyward.IdentityLocal
	}
	_, err := t.execChecked(ctx, `INSERT INTO organizations
		(id, name, type, owner_id, revision, created_at, updated_at, deleted_at, suspended_at, identity_mode)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		o.ID, o.Name, o.Type, o.OwnerID, o.Revision, o.CreatedAt.UnixMicro(), o.UpdatedAt.UnixMicro(), nullMicros(o.DeletedAt),
		nullMicros(o.SuspendedAt), o.IdentityMode)
	if err == nil && t.locked != nil {
		// No other transaction sees the row before this one commits: it
		// is as good as locked, and BumpRevision may bump it.
		t.locked = append(t.locked, o.ID)
	}
	return dbError(op, err, errNoOwner)
}

// GetOrganization returns the organization, deleted or not.
func (t *tx) GetOrganization(ctx context.Context, id keyward.OrgID) (*keyward.Organization, error) {
	const op = "sqlstore.GetOrganization"
	o, err := scanOrganization(t.tx.QueryRowContext(ctx, "SELECT "+orgColumns+" FROM organizations o WHERE o.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Organization not found.")
	}
	return o, dbError(op, err, nil)
}

// ListOrganizationsOf lists the live organizations uid is a member of, in
// creation order.
func (t *tx) ListOrganizationsOf(ctx context.Context, uid keyward.UserID, p keyward.Page) ([]*keyward.Organization, keyward.PageInfo, error) {
	return list(ctx, t, listing{
		op:   "sqlstore.ListOrganizationsOf",
		cols: orgColumns,
		from: "FROM members m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 AND o.deleted_at IS NULL",
		args: []any{uid},
		key:  "m.org_id",
	}, p, scanOrganization, func(o *keyward.Organization) string { return string(o.ID) })
}

// UpdateOrganization writes Name, Type, OwnerID, UpdatedAt, DeletedAt,
// SuspendedAt and IdentityMode.
func (t *tx) UpdateOrganization(ctx context.Context, o *keyward.Organization) error {
	const op = "sqlstore.UpdateOrganization"
	t.touch(o.ID, changeAll, "")
	o.UpdatedAt, o.DeletedAt, o.SuspendedAt = micro(o.UpdatedAt), microPtr(o.DeletedAt), microPtr(o.SuspendedAt)
	n, err := affected(t.execChecked(ctx, `UPDATE organizations
		SET name = $2, type = $3, owner_id = $4, updated_at = $5, deleted_at = $6, suspended_at = $7, identity_mode = $8
		WHERE id = $1`,
		o.ID, o.Name, o.Type, o.OwnerID, o.UpdatedAt.UnixMicro(), nullMicros(o.DeletedAt), nullMicros(o.SuspendedAt), o.IdentityMode))
	return changedOne(op, n, err, errNoOwner, "Organization not found.")
}

// BumpRevision increments the organization's revision and returns it.
// In a transaction that locked organizations when it began, another
// organization was read without its lock: BumpRevision refuses it, so
// that run takes the lock first and runs the transaction again.
func (t *tx) BumpRevision(ctx context.Context, id keyward.OrgID) (int64, error) {
	const op = "sqlstore.BumpRevision"
	t.bumped = append(t.bumped, id)
	if t.locked != nil && !slices.Contains(t.locked, id) {
		t.relock = &errRelock{org: id}
		return 0, t.relock
	}
	var rev int64
	err := t.tx.QueryRowContext(ctx, "UPDATE organizations SET revision = revision + 1 WHERE id = $1 RETURNING revision", id).Scan(&rev)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound(op, "Organization not found.")
	}
	if err != nil {
		return 0, dbError(op, err, nil)
	}
	t.revs = append(t.revs, bump{org: id, rev: rev})
	return rev, nil
}

// lockOrganizations takes the write lock of each organization of orgs, in
// a fixed order so that two transactions locking the same two cannot
// deadlock, before the transaction reads anything: the row of its revision,
// FOR NO KEY UPDATE, which BumpRevision's UPDATE needs anyway and which
// neither plain reads nor foreign-key checks wait for. A missing
// organization locks nothing.
func (t *tx) lockOrganizations(ctx context.Context, orgs []keyward.OrgID) error {
	orgs = slices.Clone(orgs)
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	for _, id := range orgs {
		var rev int64
		err := t.tx.QueryRowContext(ctx, "SELECT revision FROM organizations WHERE id = $1 FOR NO KEY UPDATE", id).Scan(&rev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbError("sqlstore.lockOrganizations", err, nil)
		}
	}
	t.locked = orgs
	return nil
}

// CountOrganizations counts all organizations, deleted included.
func (t *tx) CountOrganizations(ctx context.Context) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM organizations").Scan(&n)
	return n, dbError("sqlstore.CountOrganizations", err, nil)
}
