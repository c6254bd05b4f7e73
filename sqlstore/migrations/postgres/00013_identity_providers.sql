-- People's sign-in through an organization's identity provider (issue 17):
-- the OIDC provider of each organization, the browser sign-ins in progress,
-- and where users and groups come from (keyward, or the IdP whose external
-- id names them). sqlite/00013_identity_providers.sql is the same schema.

-- +goose Up
CREATE TABLE identity_providers (
	org_id          TEXT    NOT NULL PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
	issuer          TEXT    NOT NULL,
	client_id       TEXT    NOT NULL,
	-- the client secret, sealed with the server's key (AES-GCM)
	sealed_secret   BYTEA    NOT NULL,
	scopes          TEXT    NOT NULL DEFAULT '[]',
	groups_claim    TEXT    NOT NULL DEFAULT '',
	email_claim     TEXT    NOT NULL DEFAULT '',
	name_claim      TEXT    NOT NULL DEFAULT '',
	allowed_domains TEXT    NOT NULL DEFAULT '[]',
	created_at      BIGINT NOT NULL,
	updated_at      BIGINT NOT NULL
);

-- id is the SHA-256 of the flow's state; a flow is deleted when used.
CREATE TABLE sso_flows (
	id         TEXT    NOT NULL PRIMARY KEY,
	org_id     TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	nonce      TEXT    NOT NULL,
	verifier   TEXT    NOT NULL,
	return_to  TEXT    NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sso_flows_expires ON sso_flows (expires_at);

ALTER TABLE members ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX members_external ON members (org_id, source, external_id) WHERE external_id <> '';
ALTER TABLE groups ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE groups ADD COLUMN external_id TEXT NOT NULL DEFAULT '';

-- +goose Down
DROP INDEX members_external;
ALTER TABLE groups DROP COLUMN external_id;
ALTER TABLE groups DROP COLUMN source;
ALTER TABLE members DROP COLUMN external_id;
ALTER TABLE members DROP COLUMN source;
DROP TABLE sso_flows;
DROP TABLE identity_providers;
