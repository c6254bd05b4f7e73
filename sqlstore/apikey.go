package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/keyward-iam/keyward"
)

const apiKeyColumns = "k.id, k.org_id, k.user_id, k.name, k.secret_hash, k.created_by, k.created_at, k.expires_at, k.revoked_at, k.policy, k.grid"

func scanAPIKey(s scanner) (*keyward.APIKey, error) {
	var (
		k                keyward.APIKey
		created          int64
		expires, revoked sql.NullInt64
		policy, grid     string
	)
	if err := s.Scan(&k.ID, &k.OrgID, &k.UserID, &k.Name, &k.SecretHash, &k.CreatedBy, &created, &expires, &revoked, &policy, &grid); err != nil {
		return nil, err
	}
	// '' stores "no narrowing", so that keys made before it read as nil.
	if policy != "" {
		k.Policy = []byte(policy)
	}
	if grid != "" {
		k.Grid = []byte(grid)
	}
	k.CreatedAt, k.ExpiresAt, k.RevokedAt = fromMicros(created), fromNullMicros(expires), fromNullMicros(revoked)
	return &k, nil
}

// errNoMember is what a foreign-key violation on a new API key means.
var errNoMember = keyward.Errorf(keyward.CodeNotFound, "User not found.")

// CreateAPIKey inserts k, giving it an ID and a creation time if it has
// none. Its user must be a member of its organization.
func (t *tx) CreateAPIKey(ctx context.Context, k *keyward.APIKey) error {
	const op = "sqlstore.CreateAPIKey"
	t.touch(k.OrgID, changeNone, "")
	setID(&k.ID, t.now)
	if k.CreatedAt.IsZero() {
		k.CreatedAt = t.now
	}
	k.CreatedAt, k.ExpiresAt, k.RevokedAt = micro(k.CreatedAt), microPtr(k.ExpiresAt), microPtr(k.RevokedAt)
	hash := k.SecretHash
	if hash == nil {
		hash = []byte{}
	}
	_, err := t.execChecked(ctx, `INSERT INTO api_keys
		(id, org_id, user_id, name, secret_hash, created_by, created_at, expires_at, revoked_at, policy, grid)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		k.ID, k.OrgID, k.UserID, k.Name, hash, k.CreatedBy, k.CreatedAt.UnixMicro(), nullMicros(k.ExpiresAt), nullMicros(k.RevokedAt),
		string(k.Policy), string(k.Grid))
	return dbError(op, err, errNoMember)
}

// GetAPIKey finds a key by ID in any organization, for authentication.
func (t *tx) GetAPIKey(ctx context.Context, id keyward.APIKeyID) (*keyward.APIKey, error) {
	const op = "sqlstore.GetAPIKey"
	k, err := scanAPIKey(t.tx.QueryRowContext(ctx, "SELECT "+apiKeyColumns+" FROM api_keys k WHERE k.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "API key not found.")
	}
	return k, dbError(op, err, nil)
}

// GetAPIKeyOf returns the key of user in org.
func (t *tx) GetAPIKeyOf(ctx context.Context, org keyward.OrgID, user keyward.UserID, id keyward.APIKeyID) (*keyward.APIKey, error) {
	const op = "sqlstore.GetAPIKeyOf"
	k, err := scanAPIKey(t.tx.QueryRowContext(ctx,
		"SELECT "+apiKeyColumns+" FROM api_keys k WHERE k.org_id = $1 AND k.user_id = $2 AND k.id = $3", org, user, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "API key not found.")
	}
	return k, dbError(op, err, nil)
}

// ListAPIKeys lists the user's keys in org, revoked ones included, in
// creation order.
func (t *tx) ListAPIKeys(ctx context.Context, org keyward.OrgID, user keyward.UserID, p keyward.Page) ([]*keyward.APIKey, keyward.PageInfo, error) {
	return list(ctx, t, listing{
		op:   "sqlstore.ListAPIKeys",
		cols: apiKeyColumns,
		from: "FROM api_keys k WHERE k.org_id = $1 AND k.user_id = $2",
		args: []any{org, user},
		key:  "k.id",
	}, p, scanAPIKey, func(k *keyward.APIKey) string { return string(k.ID) })
}

// RevokeAPIKey sets the key's RevokedAt to at unless it is revoked
// already; revoking twice keeps the first time.
func (t *tx) RevokeAPIKey(ctx context.Context, org keyward.OrgID, id keyward.APIKeyID, at time.Time) error {
	const op = "sqlstore.RevokeAPIKey"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx,
		"UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE org_id = $1 AND id = $2",
		org, id, micro(at).UnixMicro()))
	return changedOne(op, n, err, nil, "API key not found.")
}
