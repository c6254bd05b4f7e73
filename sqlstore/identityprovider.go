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

const idpColumns = "org_id, issuer, client_id, sealed_secret, scopes, groups_claim, email_claim, name_claim, allowed_domains, created_at, updated_at, " +
	"kind, saml_metadata, saml_metadata_url, allow_idp_initiated"

// GetIdentityProvider returns org's identity provider.
func (t *tx) GetIdentityProvider(ctx context.Context, org keyward.OrgID) (*keyward.IdentityProvider, error) {
	const op = "sqlstore.GetIdentityProvider"
	var (
		p                keyward.IdentityProvider
		scopes, domains  string
		created, updated int64
	)
	err := t.tx.QueryRowContext(ctx, "SELECT "+idpColumns+" FROM identity_providers WHERE org_id = $1", org).Scan(
		&p.OrgID, &p.Issuer, &p.ClientID, &p.SealedSecret, &scopes, &p.GroupsClaim, &p.EmailClaim, &p.NameClaim, &domains, &created, &updated,
		&p.Kind, &p.SAMLMetadata, &p.SAMLMetadataURL, &p.AllowIdPInitiated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Identity provider not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	if err := json.Unmarshal([]byte(scopes), &p.Scopes); err != nil {
		return nil, fmt.Errorf("%s: scopes: %w", op, err)
	}
	if err := json.Unmarshal([]byte(domains), &p.AllowedDomains); err != nil {
		return nil, fmt.Errorf("%s: allowed domains: %w", op, err)
	}
	p.CreatedAt, p.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &p, nil
}

// PutIdentityProvider creates or replaces org's identity provider.
func (t *tx) PutIdentityProvider(ctx context.Context, p *keyward.IdentityProvider) error {
	const op = "sqlstore.PutIdentityProvider"
	t.touch(p.OrgID, changeNone, "")
	t.stamp(&p.CreatedAt, &p.UpdatedAt)
	scopes, err := json.Marshal(nonNil(p.Scopes))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	domains, err := json.Marshal(nonNil(p.AllowedDomains))
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	_, err = t.execChecked(ctx, `INSERT INTO identity_providers (`+idpColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (org_id) DO UPDATE SET issuer = $2, client_id = $3, sealed_secret = $4, scopes = $5,
			groups_claim = $6, email_claim = $7, name_claim = $8, allowed_domains = $9, updated_at = $11,
			kind = $12, saml_metadata = $13, saml_metadata_url = $14, allow_idp_initiated = $15`,
		p.OrgID, p.Issuer, p.ClientID, nonNilBytes(p.SealedSecret), string(scopes), p.GroupsClaim, p.EmailClaim, p.NameClaim, string(domains),
		p.CreatedAt.UnixMicro(), p.UpdatedAt.UnixMicro(), p.Kind, p.SAMLMetadata, p.SAMLMetadataURL, p.AllowIdPInitiated)
	return dbError(op, err, errNoOrg)
}

// nonNilBytes is b, or an empty value for a provider with no secret (a
// SAML one): the column is NOT NULL.
func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// DeleteIdentityProvider removes org's identity provider.
func (t *tx) DeleteIdentityProvider(ctx context.Context, org keyward.OrgID) error {
	const op = "sqlstore.DeleteIdentityProvider"
	t.touch(org, changeNone, "")
	n, err := affected(t.tx.ExecContext(ctx, "DELETE FROM identity_providers WHERE org_id = $1", org))
	return changedOne(op, n, err, nil, "Identity provider not found.")
}

// GetUserByExternalID returns the member of org that source names
// externalID.
func (t *tx) GetUserByExternalID(ctx context.Context, org keyward.OrgID, source, externalID string) (*keyward.User, error) {
	const op = "sqlstore.GetUserByExternalID"
	u, err := scanUser(t.tx.QueryRowContext(ctx, "SELECT "+userColumns+" "+usersFrom+
		" WHERE m.org_id = $1 AND m.source = $2 AND m.external_id = $3 AND m.external_id <> ''", org, source, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "User not found.")
	}
	return u, dbError(op, err, nil)
}

// CreateSSOFlow inserts f, and deletes the flows that have expired, so
// that abandoned sign-ins do not pile up.
func (t *tx) CreateSSOFlow(ctx context.Context, f *keyward.SSOFlow) error {
	const op = "sqlstore.CreateSSOFlow"
	t.touch(f.OrgID, changeNone, "")
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM sso_flows WHERE expires_at <= $1", t.now.UnixMicro()); err != nil {
		return dbError(op, err, nil)
	}
	t.stamp(&f.CreatedAt, &f.CreatedAt)
	_, err := t.execChecked(ctx, `INSERT INTO sso_flows (id, org_id, nonce, verifier, return_to, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.ID, f.OrgID, f.Nonce, f.Verifier, f.ReturnTo, f.CreatedAt.UnixMicro(), micro(f.ExpiresAt).UnixMicro())
	return dbError(op, err, errNoOrg)
}

// TakeSSOFlow deletes flow id and returns it, unless it has expired.
func (t *tx) TakeSSOFlow(ctx context.Context, id string) (*keyward.SSOFlow, error) {
	const op = "sqlstore.TakeSSOFlow"
	t.touch("", changeNone, "")
	var (
		f                keyward.SSOFlow
		created, expires int64
	)
	err := t.tx.QueryRowContext(ctx, `DELETE FROM sso_flows WHERE id = $1
		RETURNING id, org_id, nonce, verifier, return_to, created_at, expires_at`, id).Scan(
		&f.ID, &f.OrgID, &f.Nonce, &f.Verifier, &f.ReturnTo, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(op, "Sign-in not found.")
	}
	if err != nil {
		return nil, dbError(op, err, nil)
	}
	f.CreatedAt, f.ExpiresAt = fromMicros(created), fromMicros(expires)
	if !t.now.Before(f.ExpiresAt) {
		return nil, notFound(op, "Sign-in not found.")
	}
	return &f, nil
}

// UseSAMLAssertion records assertion id of org until expires, and deletes
// the records that have expired, which no check needs any more: an
// expired assertion is refused for its time window.
func (t *tx) UseSAMLAssertion(ctx context.Context, org keyward.OrgID, id string, expires time.Time) error {
	const op = "sqlstore.UseSAMLAssertion"
	t.touch(org, changeNone, "")
	if _, err := t.tx.ExecContext(ctx, "DELETE FROM saml_assertions WHERE expires_at <= $1", t.now.UnixMicro()); err != nil {
		return dbError(op, err, nil)
	}
	_, err := t.execChecked(ctx, "INSERT INTO saml_assertions (org_id, id, expires_at) VALUES ($1, $2, $3)", org, id, micro(expires).UnixMicro())
	if isUniqueViolation(err) {
		return &keyward.Error{Code: keyward.CodeConflict, Op: op, Err: err, Message: "This SAML assertion was used already."}
	}
	return dbError(op, err, errNoOrg)
}
