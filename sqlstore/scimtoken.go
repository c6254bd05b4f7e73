package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/keyward-iam/keyward"
)

const scimTokenColumns = "s.id, s.org_id, s.name, s.secret_hash, s.created_by, s.created_at"

func scanSCIMToken(s scanner) (*keyward.SCIMToken, error) {
	var (
		t       keyward.SCIMToken
		created int64
	)
	if err := s.Scan(&t.ID, &t.OrgID, &t.Name, &t.SecretHash, &t.CreatedBy, &created); err != nil {
		return nil, err
	}
	t.CreatedAt = fromMicros(created)
	return &t, nil
}

// CreateSCIMToken inserts tok, giving it an ID and a creation time if it
// has none.
func (t *tx) CreateSCIMToken(ctx context.Context, tok *keyward.SCIMToken) error {
	const op = "sqlstore.CreateSCIMToken"
	t.touch(tok.OrgID, changeNone, "")
	setID(&tok.ID, t.now)
	if tok.CreatedAt.IsZero() {
		tok.CreatedAt = t.now
	}
	tok.CreatedAt = micro(tok.CreatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO scim_tokens (id, org_id, name, secret_hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		tok.ID, tok.OrgID, tok.Name, tok.SecretHash, tok.CreatedBy, tok.CreatedAt.UnixMicro())
	return dbError(op, err, errNoOrg)
}

// GetSCIMToken returns the token id of any organization.
func (t *tx) GetSCIMToken(ctx context.Context, id keyward.SCIMTokenID) (*keyward.SCIMToken, error) {
	const op = "sqlstore.GetSCIMToken"
	tok, err := scanSCIMToken(t.tx.QueryRowContext(ctx, "SELECT "+scimTokenColumns+" FROM scim_tokens s WHERE s.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "SCIM token not found.")
	}
	return tok, dbError(op, err, nil)
}

// ListSCIMTokens lists the tokens of org in creation order.
func (t *tx) ListSCIMTokens(ctx context.Context, org keyward.OrgID, p keyward.Page) ([]*keyward.SCIMToken, keyward.PageInfo, error) {
	var w where
	w.add("s.org_id = %s", org)
	return list(ctx, t, listing{
		op:   "sqlstore.ListSCIMTokens",
		cols: scimTokenColumns,
		from: "FROM scim_tokens s " + w.String(),
		args: w.args,
		key:  "s.id",
	}, p, scanSCIMToken, func(s *keyward.SCIMToken) string { return string(s.ID) })
}

// DeleteSCIMToken removes the token of org.
func (t *tx) DeleteSCIMToken(ctx context.Context, org keyward.OrgID, id keyward.SCIMTokenID) error {
	const op = "sqlstore.DeleteSCIMToken"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM scim_tokens WHERE org_id = $1 AND id = $2", org, id))
	return changedOne(op, n, err, nil, "SCIM token not found.")
}
