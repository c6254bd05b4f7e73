-- OIDC issuers an organization trusts to vouch for workloads (issue 7).
-- The issuer URL is unique per organization; allowed audiences are a JSON
-- array of strings as text; the JWK columns keep Vultr's one-key issuer
-- fields as given. Trusts name an issuer by id with no foreign key (their
-- table is older): a trust of a removed issuer admits no token.
-- sqlite/00006_oidc_issuers.sql is the same schema.

-- +goose Up
CREATE TABLE oidc_issuers (
	id         TEXT    NOT NULL PRIMARY KEY,
	org_id     TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name       TEXT    NOT NULL DEFAULT '',
	url        TEXT    NOT NULL,
	audiences  TEXT    NOT NULL DEFAULT '[]',
	source     TEXT    NOT NULL DEFAULT 'external',
	jwk_kty    TEXT    NOT NULL DEFAULT '',
	jwk_kid    TEXT    NOT NULL DEFAULT '',
	jwk_n      TEXT    NOT NULL DEFAULT '',
	jwk_e      TEXT    NOT NULL DEFAULT '',
	jwk_alg    TEXT    NOT NULL DEFAULT '',
	jwk_use    TEXT    NOT NULL DEFAULT '',
	created_by TEXT    NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX oidc_issuers_url ON oidc_issuers (org_id, url);
CREATE INDEX oidc_issuers_org ON oidc_issuers (org_id, id);

-- +goose Down
DROP TABLE oidc_issuers;
