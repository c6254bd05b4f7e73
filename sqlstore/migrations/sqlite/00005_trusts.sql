-- Role trusts and the sessions made through them (issue 7), the roles'
-- allow_chaining flag, and the session and actor chain of audit events.
-- Trusts are deleted softly (deleted_at) so they can be restored; their
-- conditions and claim conditions are JSON text. A session keeps only the
-- SHA-256 of its secret; terminated_at ends it before expires_at.
-- postgres/00005_trusts.sql is the same schema.

-- +goose Up
ALTER TABLE roles ADD COLUMN allow_chaining BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE audit_events ADD COLUMN session_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN actor_chain TEXT NOT NULL DEFAULT '';

CREATE TABLE role_trusts (
	id                     TEXT    NOT NULL PRIMARY KEY,
	org_id                 TEXT    NOT NULL,
	role_id                TEXT    NOT NULL,
	trust_type             TEXT    NOT NULL,
	mode                   TEXT    NOT NULL,
	trusted_user_id        TEXT    NOT NULL DEFAULT '',
	trusted_group_id       TEXT    NOT NULL DEFAULT '',
	trusted_oidc_issuer_id TEXT    NOT NULL DEFAULT '',
	claim_conditions       TEXT    NOT NULL DEFAULT '{}',
	conditions             TEXT    NOT NULL DEFAULT '{}',
	valid_until            INTEGER,
	created_by             TEXT    NOT NULL DEFAULT '',
	created_at             INTEGER NOT NULL,
	updated_at             INTEGER NOT NULL,
	deleted_at             INTEGER,
	FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, id) ON DELETE CASCADE
);
CREATE INDEX role_trusts_org ON role_trusts (org_id, id);
CREATE INDEX role_trusts_role ON role_trusts (org_id, role_id, id);
CREATE INDEX role_trusts_user ON role_trusts (org_id, trusted_user_id);
CREATE INDEX role_trusts_group ON role_trusts (org_id, trusted_group_id);

CREATE TABLE role_sessions (
	id             TEXT    NOT NULL PRIMARY KEY,
	org_id         TEXT    NOT NULL,
	role_id        TEXT    NOT NULL,
	trust_id       TEXT    NOT NULL,
	user_id        TEXT    NOT NULL DEFAULT '',
	parent_id      TEXT    NOT NULL DEFAULT '',
	name           TEXT    NOT NULL DEFAULT '',
	secret_hash    BLOB    NOT NULL,
	auth_method    TEXT    NOT NULL DEFAULT '',
	source_ip      TEXT    NOT NULL DEFAULT '',
	conditions_met TEXT    NOT NULL DEFAULT '[]',
	session_policy TEXT,
	created_by     TEXT    NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	expires_at     INTEGER NOT NULL,
	terminated_at  INTEGER,
	FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, id) ON DELETE CASCADE
);
CREATE INDEX role_sessions_org ON role_sessions (org_id, id);
CREATE INDEX role_sessions_user ON role_sessions (org_id, user_id, id);
CREATE INDEX role_sessions_role ON role_sessions (org_id, role_id, id);
CREATE INDEX role_sessions_trust ON role_sessions (org_id, trust_id);

-- +goose Down
DROP TABLE role_sessions;
DROP TABLE role_trusts;
ALTER TABLE audit_events DROP COLUMN actor_chain;
ALTER TABLE audit_events DROP COLUMN session_id;
ALTER TABLE roles DROP COLUMN allow_chaining;
