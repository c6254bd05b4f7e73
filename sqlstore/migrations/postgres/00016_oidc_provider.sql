-- keyward as an OpenID provider (issue 18): the applications an
-- organization registers (Vultr's providers; the client secret only as its
-- SHA-256), the deployment's signing keys (private halves encrypted with
-- the deployment's key-encryption key), and the records of the workload
-- tokens signed (never the tokens). List columns are JSON arrays as text.
-- sqlite/00016_oidc_provider.sql is the same schema.

-- +goose Up
CREATE TABLE oidc_providers (
	id            TEXT    NOT NULL PRIMARY KEY,
	org_id        TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name          TEXT    NOT NULL,
	secret_hash   BYTEA   NOT NULL,
	redirect_uris TEXT    NOT NULL DEFAULT '[]',
	scopes        TEXT    NOT NULL DEFAULT '[]',
	audiences     TEXT    NOT NULL DEFAULT '[]',
	pairwise      BOOLEAN NOT NULL DEFAULT FALSE,
	created_by    TEXT    NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL,
	updated_at    BIGINT NOT NULL
);
CREATE INDEX oidc_providers_org ON oidc_providers (org_id, id);

CREATE TABLE oidc_signing_keys (
	id         TEXT    NOT NULL PRIMARY KEY,
	algorithm  TEXT    NOT NULL,
	private    BYTEA   NOT NULL,
	public     BYTEA   NOT NULL,
	created_at BIGINT NOT NULL,
	retired_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE oidc_workload_tokens (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	provider_id TEXT    NOT NULL,
	subject     TEXT    NOT NULL,
	audience    TEXT    NOT NULL,
	scope       TEXT    NOT NULL DEFAULT '',
	issued_to   TEXT    NOT NULL DEFAULT '',
	created_at  BIGINT NOT NULL,
	expires_at  BIGINT NOT NULL
);
CREATE INDEX oidc_workload_tokens_org ON oidc_workload_tokens (org_id, id);

-- +goose Down
DROP TABLE oidc_workload_tokens;
DROP TABLE oidc_signing_keys;
DROP TABLE oidc_providers;
