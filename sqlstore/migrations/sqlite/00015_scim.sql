-- SCIM 2.0 provisioning (issue 17): the bearer tokens with which an
-- organization's identity provider calls its SCIM endpoint. Only the
-- SHA-256 of a token's secret is kept. postgres/00015_scim.sql is the same
-- schema.

-- +goose Up
CREATE TABLE scim_tokens (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL DEFAULT '',
	secret_hash BLOB   NOT NULL,
	created_by  TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL
);
CREATE INDEX scim_tokens_org ON scim_tokens (org_id, id);

-- +goose Down
DROP TABLE scim_tokens;
