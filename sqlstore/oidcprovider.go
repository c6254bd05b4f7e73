package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/keyward-iam/keyward"
)

const providerColumns = "p.id, p.org_id, p.name, p.secret_hash, p.redirect_uris, p.scopes, p.audiences, p.pairwise, p.created_by, p.created_at, p.updated_at"

func scanProvider(s scanner) (*keyward.OIDCProvider, error) {
	var (
		p                         keyward.OIDCProvider
		redirects, scopes, audsTx string
		created, updated          int64
	)
	if err := s.Scan(&p.ID, &p.OrgID, &p.Name, &p.SecretHash, &redirects, &scopes, &audsTx, &p.Pairwise,
		&p.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		text string
		into *[]string
	}{{redirects, &p.RedirectURIs}, {scopes, &p.Scopes}, {audsTx, &p.Audiences}} {
		if err := json.Unmarshal([]byte(l.text), l.into); err != nil {
			return nil, fmt.Errorf("provider %s: %w", p.ID, err)
		}
		if *l.into == nil {
			*l.into = []string{}
		}
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// CreateOIDCProvider inserts p, giving it an ID and times if it has none.
func (t *tx) CreateOIDCProvider(ctx context.Context, p *keyward.OIDCProvider) error {
	const op = "sqlstore.CreateOIDCProvider"
	t.touch(p.OrgID, changeNone, "")
	setID(&p.ID, t.now)
	t.stamp(&p.CreatedAt, &p.UpdatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO oidc_providers
		(id, org_id, name, secret_hash, redirect_uris, scopes, audiences, pairwise, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, p.OrgID, p.Name, p.SecretHash, idsJSON(p.RedirectURIs), idsJSON(p.Scopes), idsJSON(p.Audiences), p.Pairwise,
		p.CreatedBy, p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro())
	return dbError(op, err, errNoOrg)
}

// GetOIDCProvider returns the provider of org.
func (t *tx) GetOIDCProvider(ctx context.Context, org keyward.OrgID, id keyward.OIDCProviderID) (*keyward.OIDCProvider, error) {
	return t.oneProvider(ctx, "sqlstore.GetOIDCProvider", "p.org_id = $1 AND p.id = $2", org, id)
}

// FindOIDCProvider returns the provider id of whichever organization.
func (t *tx) FindOIDCProvider(ctx context.Context, id keyward.OIDCProviderID) (*keyward.OIDCProvider, error) {
	return t.oneProvider(ctx, "sqlstore.FindOIDCProvider", "p.id = $1", id)
}

// oneProvider returns the provider that cond selects.
func (t *tx) oneProvider(ctx context.Context, op, cond string, args ...any) (*keyward.OIDCProvider, error) {
	p, err := scanProvider(t.tx.QueryRowContext(ctx, "SELECT "+providerColumns+" FROM oidc_providers p WHERE "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "OIDC provider not found.")
	}
	return p, dbError(op, err, nil)
}

// ListOIDCProviders lists the providers of org in creation order.
func (t *tx) ListOIDCProviders(ctx context.Context, org keyward.OrgID, pg keyward.Page) ([]*keyward.OIDCProvider, keyward.PageInfo, error) {
	var w where
	w.add("p.org_id = %s", org)
	return list(ctx, t, listing{
		op:   "sqlstore.ListOIDCProviders",
		cols: providerColumns,
		from: "FROM oidc_providers p " + w.String(),
		args: w.args,
		key:  "p.id",
	}, pg, scanProvider, func(p *keyward.OIDCProvider) string { return string(p.ID) })
}

// DeleteOIDCProvider removes the provider of org.
func (t *tx) DeleteOIDCProvider(ctx context.Context, org keyward.OrgID, id keyward.OIDCProviderID) error {
	const op = "sqlstore.DeleteOIDCProvider"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM oidc_providers WHERE org_id = $1 AND id = $2", org, id))
	return changedOne(op, n, err, nil, "OIDC provider not found.")
}

// CountOIDCProviders counts the providers of org.
func (t *tx) CountOIDCProviders(ctx context.Context, org keyward.OrgID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM oidc_providers WHERE org_id = $1", org).Scan(&n)
	return n, dbError("sqlstore.CountOIDCProviders", err, nil)
}

// ListSigningKeys lists the deployment's signing keys, newest first.
func (t *tx) ListSigningKeys(ctx context.Context) ([]*keyward.SigningKey, error) {
	const op = "sqlstore.ListSigningKeys"
	rows, err := t.tx.QueryContext(ctx, "SELECT id, algorithm, private, public, created_at, retired_at FROM oidc_signing_keys ORDER BY created_at DESC, id DESC")
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	defer rows.Close()
	var keys []*keyward.SigningKey
	for rows.Next() {
		var (
			k                keyward.SigningKey
			created, retired int64
		)
		if err := rows.Scan(&k.ID, &k.Algorithm, &k.Private, &k.Public, &created, &retired); err != nil {
			return nil, dbError(op, err, nil)
		}
		k.CreatedAt = fromMicros(created)
		if retired != 0 {
			k.RetiredAt = fromMicros(retired)
		}
		keys = append(keys, &k)
	}
	return keys, dbError(op, rows.Err(), nil)
}

// AddSigningKey retires the active key and stores k as the active one.
func (t *tx) AddSigningKey(ctx context.Context, k *keyward.SigningKey) error {
	const op = "sqlstore.AddSigningKey"
	t.touch("", changeNone, "")
	if k.CreatedAt.IsZero() {
		k.CreatedAt = t.now
	}
	if _, err := t.tx.ExecContext(ctx, "UPDATE oidc_signing_keys SET retired_at = $1 WHERE retired_at = 0", k.CreatedAt.UnixMicro()); err != nil {
		return dbError(op, err, nil)
	}
	_, err := t.tx.ExecContext(ctx, "INSERT INTO oidc_signing_keys (id, algorithm, private, public, created_at) VALUES ($1, $2, $3, $4, $5)",
		k.ID, k.Algorithm, k.Private, k.Public, k.CreatedAt.UnixMicro())
	return dbError(op, err, nil)
}

// DeleteSigningKeys removes the keys retired before before.
func (t *tx) DeleteSigningKeys(ctx context.Context, before time.Time) error {
	t.touch("", changeNone, "")
	_, err := t.tx.ExecContext(ctx, "DELETE FROM oidc_signing_keys WHERE retired_at <> 0 AND retired_at < $1", before.UnixMicro())
	return dbError("sqlstore.DeleteSigningKeys", err, nil)
}

// CreateWorkloadToken inserts the record of a workload token.
func (t *tx) CreateWorkloadToken(ctx context.Context, w *keyward.WorkloadToken) error {
	t.touch(w.OrgID, changeNone, "")
	_, err := t.execChecked(ctx, `INSERT INTO oidc_workload_tokens
		(id, org_id, provider_id, subject, audience, scope, issued_to, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		w.ID, w.OrgID, w.ProviderID, w.Subject, w.Audience, w.Scope, w.IssuedTo, w.CreatedAt.UnixMicro(), w.ExpiresAt.UnixMicro())
	return dbError("sqlstore.CreateWorkloadToken", err, errNoOrg)
}

// GetWorkloadToken returns the record of a workload token of org.
func (t *tx) GetWorkloadToken(ctx context.Context, org keyward.OrgID, id string) (*keyward.WorkloadToken, error) {
	const op = "sqlstore.GetWorkloadToken"
	var (
		w                keyward.WorkloadToken
		created, expires int64
	)
	err := t.tx.QueryRowContext(ctx, `SELECT id, org_id, provider_id, subject, audience, scope, issued_to, created_at, expires_at
		FROM oidc_workload_tokens WHERE org_id = $1 AND id = $2`, org, id).
		Scan(&w.ID, &w.OrgID, &w.ProviderID, &w.Subject, &w.Audience, &w.Scope, &w.IssuedTo, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "OIDC token not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	w.CreatedAt, w.ExpiresAt = fromMicros(created), fromMicros(expires)
	return &w, nil
}
