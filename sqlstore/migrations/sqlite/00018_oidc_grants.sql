-- The authorization-code flow of keyward as an OpenID provider (issue 18):
-- authorization codes waiting for their exchange, and the access and
-- refresh tokens issued for them. Codes and tokens are kept only as their
-- SHA-256 in hex; scopes are a JSON array as text.
-- postgres/00018_oidc_grants.sql is the same schema.

-- +goose Up
CREATE TABLE oidc_auth_codes (
	code_hash      TEXT    NOT NULL PRIMARY KEY,
	id             TEXT    NOT NULL,
	org_id         TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	provider_id    TEXT    NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
	user_id        TEXT    NOT NULL,
	subject        TEXT    NOT NULL,
	redirect_uri   TEXT    NOT NULL,
	scopes         TEXT    NOT NULL DEFAULT '[]',
	state          TEXT    NOT NULL DEFAULT '',
	nonce          TEXT    NOT NULL DEFAULT '',
	code_challenge TEXT    NOT NULL,
	auth_time      INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL
);
CREATE INDEX oidc_auth_codes_expiry ON oidc_auth_codes (expires_at);

CREATE TABLE oidc_tokens (
	hash        TEXT    NOT NULL PRIMARY KEY,
	kind        TEXT    NOT NULL,
	grant_id    TEXT    NOT NULL,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	provider_id TEXT    NOT NULL REFERENCES oidc_providers (id) ON DELETE CASCADE,
	user_id     TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	scopes      TEXT    NOT NULL DEFAULT '[]',
	auth_time   INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
);
CREATE INDEX oidc_tokens_grant ON oidc_tokens (grant_id);
CREATE INDEX oidc_tokens_expiry ON oidc_tokens (expires_at);

-- +goose Down
DROP TABLE oidc_tokens;
DROP TABLE oidc_auth_codes;
