package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/keyward-iam/keyward"
)

const issuerColumns = "i.id, i.org_id, i.name, i.url, i.audiences, i.source, i.jwk_kty, i.jwk_kid, i.jwk_n, i.jwk_e, i.jwk_alg, i.jwk_use, i.created_by, i.created_at, i.updated_at"

func scanIssuer(s scanner) (*keyward.OIDCIssuer, error) {
	var (
		i                keyward.OIDCIssuer
		audiences        string
		created, updated int64
	)
	k := &i.JWK
	if err := s.Scan(&i.ID, &i.OrgID, &i.Name, &i.URL, &audiences, &i.Source, &k.KeyType, &k.KeyID, &k.N, &k.E, &k.Algorithm, &k.Use,
		&i.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(audiences), &i.Audiences); err != nil {
		return nil, fmt.Errorf("issuer %s: audiences: %w", i.ID, err)
	}
	if i.Audiences == nil {
		i.Audiences = []string{}
	}
	i.CreatedAt, i.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &i, nil
}

// CreateOIDCIssuer inserts i, giving it an ID and times if it has none and
// the external source if it has no source. Its URL must be new in its
// organization.
func (t *tx) CreateOIDCIssuer(ctx context.Context, i *keyward.OIDCIssuer) error {
	const op = "sqlstore.CreateOIDCIssuer"
	t.touch(i.OrgID, changeNone, "")
	setID(&i.ID, t.now)
	if i.Source == "" {
		i.Source = keyward.IssuerSourceExternal
	}
	if i.Audiences == nil {
		i.Audiences = []string{}
	}
	t.stamp(&i.CreatedAt, &i.UpdatedAt)
	audiences, err := json.Marshal(i.Audiences)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	k := i.JWK
	_, err = t.execChecked(ctx, `INSERT INTO oidc_issuers
		(id, org_id, name, url, audiences, source, jwk_kty, jwk_kid, jwk_n, jwk_e, jwk_alg, jwk_use, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		i.ID, i.OrgID, i.Name, i.URL, string(audiences), i.Source, k.KeyType, k.KeyID, k.N, k.E, k.Algorithm, k.Use,
		i.CreatedBy, i.CreatedAt.UnixMicro(), i.UpdatedAt.UnixMicro())
	if isUniqueViolation(err) {
		// The conflicts table in db.go does not know this table's indexes.
		return &keyward.Error{Code: keyward.CodeConflict, Field: "uri", Op: op, Err: err,
			Message: "An issuer with this URL is already registered in the organization."}
	}
	return dbError(op, err, errNoOrg)
}

// GetOIDCIssuer returns the issuer of org.
func (t *tx) GetOIDCIssuer(ctx context.Context, org keyward.OrgID, id keyward.OIDCIssuerID) (*keyward.OIDCIssuer, error) {
	const op = "sqlstore.GetOIDCIssuer"
	i, err := scanIssuer(t.tx.QueryRowContext(ctx, "SELECT "+issuerColumns+" FROM oidc_issuers i WHERE i.org_id = $1 AND i.id = $2", org, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "OIDC issuer not found.")
	}
	return i, dbError(op, err, nil)
}

// ListOIDCIssuers lists the issuers of org in creation order.
func (t *tx) ListOIDCIssuers(ctx context.Context, org keyward.OrgID, p keyward.Page) ([]*keyward.OIDCIssuer, keyward.PageInfo, error) {
	var w where
	w.add("i.org_id = %s", org)
	return list(ctx, t, listing{
		op:   "sqlstore.ListOIDCIssuers",
		cols: issuerColumns,
		from: "FROM oidc_issuers i " + w.String(),
		args: w.args,
		key:  "i.id",
	}, p, scanIssuer, func(i *keyward.OIDCIssuer) string { return string(i.ID) })
}

// DeleteOIDCIssuer removes the issuer of org.
func (t *tx) DeleteOIDCIssuer(ctx context.Context, org keyward.OrgID, id keyward.OIDCIssuerID) error {
	const op = "sqlstore.DeleteOIDCIssuer"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM oidc_issuers WHERE org_id = $1 AND id = $2", org, id))
	return changedOne(op, n, err, nil, "OIDC issuer not found.")
}

// CountOIDCIssuers counts the issuers of org.
func (t *tx) CountOIDCIssuers(ctx context.Context, org keyward.OrgID) (int, error) {
	var n int
	err := t.tx.QueryRowContext(ctx, "SELECT count(*) FROM oidc_issuers WHERE org_id = $1", org).Scan(&n)
	return n, dbError("sqlstore.CountOIDCIssuers", err, nil)
}
