-- SAML 2.0 identity providers (issue 17): the kind of each organization's
-- provider, a SAML one's metadata and whether it may sign people in
-- unsolicited, and the assertions accepted, remembered until they expire so
-- that none signs in twice on any replica. The other dialect's
-- 00017_saml.sql is the same schema.

-- +goose Up
ALTER TABLE identity_providers ADD COLUMN kind TEXT NOT NULL DEFAULT 'oidc';
ALTER TABLE identity_providers ADD COLUMN saml_metadata TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_providers ADD COLUMN saml_metadata_url TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_providers ADD COLUMN allow_idp_initiated BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE saml_assertions (
	org_id     TEXT   NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	id         TEXT   NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, id)
);
CREATE INDEX saml_assertions_expires ON saml_assertions (expires_at);

-- +goose Down
DROP TABLE saml_assertions;
ALTER TABLE identity_providers DROP COLUMN allow_idp_initiated;
ALTER TABLE identity_providers DROP COLUMN saml_metadata_url;
ALTER TABLE identity_providers DROP COLUMN saml_metadata;
ALTER TABLE identity_providers DROP COLUMN kind;
