package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/keyward-iam/keyward"
)

// errNoProvider is a foreign-key failure of a code or token: its
// organization or application is gone.
var errNoProvider = keyward.Errorf(keyward.CodeNotFound, "OIDC provider not found.")

// CreateOIDCAuthCode inserts c.
func (t *tx) CreateOIDCAuthCode(ctx context.Context, c *keyward.OIDCAuthCode) error {
	t.touch(c.OrgID, changeNone, "")
	_, err := t.execChecked(ctx, `INSERT INTO oidc_auth_codes
		(code_hash, id, org_id, provider_id, user_id, subject, redirect_uri, scopes, state, nonce, code_challenge, auth_time, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		c.CodeHash, c.ID, c.OrgID, c.ProviderID, c.UserID, c.Subject, c.RedirectURI, idsJSON(c.Scopes), c.State, c.Nonce,
		c.CodeChallenge, c.AuthTime.UnixMicro(), c.CreatedAt.UnixMicro(), c.ExpiresAt.UnixMicro())
	return dbError("sqlstore.CreateOIDCAuthCode", err, errNoProvider)
}

const authCodeColumns = "code_hash, id, org_id, provider_id, user_id, subject, redirect_uri, scopes, state, nonce, code_challenge, auth_time, created_at, expires_at"

// GetOIDCAuthCode returns the code whose hash is hash.
func (t *tx) GetOIDCAuthCode(ctx context.Context, hash string) (*keyward.OIDCAuthCode, error) {
	return t.authCode(ctx, "sqlstore.GetOIDCAuthCode", "SELECT "+authCodeColumns+" FROM oidc_auth_codes WHERE code_hash = $1", hash)
}

// TakeOIDCAuthCode returns the code whose hash is hash and keeps it as
// used, under keyward.UsedCodeHash(hash). The UPDATE decides, so that of
// two concurrent exchanges one wins.
func (t *tx) TakeOIDCAuthCode(ctx context.Context, hash string) (*keyward.OIDCAuthCode, error) {
	c, err := t.authCode(ctx, "sqlstore.TakeOIDCAuthCode", "UPDATE oidc_auth_codes SET code_hash = $2 WHERE code_hash = $1 RETURNING "+authCodeColumns,
		hash, keyward.UsedCodeHash(hash))
	if c != nil {
		c.CodeHash = hash
	}
	return c, err
}

// authCode runs query with args, which returns one code's row.
func (t *tx) authCode(ctx context.Context, op, query string, args ...any) (*keyward.OIDCAuthCode, error) {
	var (
		c                      keyward.OIDCAuthCode
		scopes                 string
		auth, created, expires int64
	)
	err := t.tx.QueryRowContext(ctx, query, args...).Scan(&c.CodeHash, &c.ID, &c.OrgID, &c.ProviderID, &c.UserID, &c.Subject, &c.RedirectURI, &scopes, &c.State, &c.Nonce,
		&c.CodeChallenge, &auth, &created, &expires)
	if err := grantRow(op, "Authorization code", err, scopes, &c.Scopes); err != nil {
		return nil, err
	}
	t.touch(c.OrgID, changeNone, "")
	c.AuthTime, c.CreatedAt, c.ExpiresAt = fromMicros(auth), fromMicros(created), fromMicros(expires)
	return &c, nil
}

// grantRow checks the scan of a code's or token's row (what names it in
// a not-found error) and decodes its scopes.
func grantRow(op, what string, err error, scopes string, into *[]string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound(op, what+" not found.")
	}
	if err != nil {
		return dbError(op, err, nil)
	}
	return dbError(op, json.Unmarshal([]byte(scopes), into), nil)
}

// CreateOIDCToken inserts tk.
func (t *tx) CreateOIDCToken(ctx context.Context, tk *keyward.OIDCToken) error {
	t.touch(tk.OrgID, changeNone, "")
	_, err := t.execChecked(ctx, `INSERT INTO oidc_tokens
		(hash, kind, grant_id, org_id, provider_id, user_id, subject, scopes, auth_time, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		tk.Hash, tk.Kind, tk.GrantID, tk.OrgID, tk.ProviderID, tk.UserID, tk.Subject, idsJSON(tk.Scopes),
		tk.AuthTime.UnixMicro(), tk.CreatedAt.UnixMicro(), tk.ExpiresAt.UnixMicro())
	return dbError("sqlstore.CreateOIDCToken", err, errNoProvider)
}

// GetOIDCToken returns the token whose hash is hash.
func (t *tx) GetOIDCToken(ctx context.Context, hash string) (*keyward.OIDCToken, error) {
	const op = "sqlstore.GetOIDCToken"
	var (
		tk                     keyward.OIDCToken
		scopes                 string
		auth, created, expires int64
	)
	err := t.tx.QueryRowContext(ctx, `SELECT hash, kind, grant_id, org_id, provider_id, user_id, subject, scopes, auth_time, created_at, expires_at
		FROM oidc_tokens WHERE hash = $1`, hash).
		Scan(&tk.Hash, &tk.Kind, &tk.GrantID, &tk.OrgID, &tk.ProviderID, &tk.UserID, &tk.Subject, &scopes, &auth, &created, &expires)
	if err := grantRow(op, "Token", err, scopes, &tk.Scopes); err != nil {
		return nil, err
	}
	tk.AuthTime, tk.CreatedAt, tk.ExpiresAt = fromMicros(auth), fromMicros(created), fromMicros(expires)
	return &tk, nil
}

// DeleteOIDCToken deletes the token whose hash is hash.
func (t *tx) DeleteOIDCToken(ctx context.Context, hash string) (bool, error) {
	t.touch("", changeNone, "")
	res, err := t.tx.ExecContext(ctx, "DELETE FROM oidc_tokens WHERE hash = $1", hash)
	if err != nil {
		return false, dbError("sqlstore.DeleteOIDCToken", err, nil)
	}
	n, err := res.RowsAffected()
	return n > 0, dbError("sqlstore.DeleteOIDCToken", err, nil)
}

// DeleteOIDCGrant deletes the tokens of grant.
func (t *tx) DeleteOIDCGrant(ctx context.Context, grant string) error {
	t.touch("", changeNone, "")
	_, err := t.tx.ExecContext(ctx, "DELETE FROM oidc_tokens WHERE grant_id = $1", grant)
	return dbError("sqlstore.DeleteOIDCGrant", err, nil)
}

// DeleteExpiredOIDC deletes the codes and tokens expired before before.
func (t *tx) DeleteExpiredOIDC(ctx context.Context, before time.Time) error {
	t.touch("", changeNone, "")
	for _, table := range []string{"oidc_auth_codes", "oidc_tokens"} {
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE expires_at < $1", before.UnixMicro()); err != nil {
			return dbError("sqlstore.DeleteExpiredOIDC", err, nil)
		}
	}
	return nil
}
