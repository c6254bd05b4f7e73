-- keyward's first schema: organizations, accounts, memberships, API keys and
-- the audit trail. Ids are UUID text; times are unix microseconds (UTC);
-- JSON values are text. postgres/00001_init.sql is the same schema.

-- +goose Up
CREATE TABLE accounts (
	id            TEXT    NOT NULL PRIMARY KEY,
	email         TEXT    NOT NULL DEFAULT '',
	-- lower(email) as the store computes it, NULL when there is no email.
	email_key     TEXT,
	name          TEXT    NOT NULL DEFAULT '',
	password_hash TEXT    NOT NULL DEFAULT '',
	service       BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
-- Emails identify human accounts; service accounts may share one.
CREATE UNIQUE INDEX accounts_email_key ON accounts (email_key) WHERE NOT service;

CREATE TABLE organizations (
	id         TEXT    NOT NULL PRIMARY KEY,
	name       TEXT    NOT NULL,
	type       TEXT    NOT NULL DEFAULT '',
	owner_id   TEXT    NOT NULL REFERENCES accounts (id),
	revision   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	deleted_at INTEGER
);
CREATE INDEX organizations_owner_id ON organizations (owner_id);

CREATE TABLE members (
	org_id       TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	user_id      TEXT    NOT NULL REFERENCES accounts (id),
	owner        BOOLEAN NOT NULL DEFAULT FALSE,
	status       TEXT    NOT NULL,
	api_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
	acls         TEXT    NOT NULL DEFAULT '[]',
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	suspended_at INTEGER,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX members_user_id ON members (user_id, org_id);
-- An organization has one root owner.
CREATE UNIQUE INDEX members_one_owner ON members (org_id) WHERE owner;

CREATE TABLE api_keys (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL,
	user_id     TEXT    NOT NULL,
	name        TEXT    NOT NULL DEFAULT '',
	secret_hash BLOB    NOT NULL,
	created_by  TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER,
	revoked_at  INTEGER,
	FOREIGN KEY (org_id, user_id) REFERENCES members (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_keys_member ON api_keys (org_id, user_id, id);

CREATE TABLE audit_events (
	id           TEXT    NOT NULL PRIMARY KEY,
	org_id       TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	occurred_at  INTEGER NOT NULL,
	actor_type   TEXT    NOT NULL DEFAULT '',
	actor_id     TEXT    NOT NULL DEFAULT '',
	actor_key_id TEXT    NOT NULL DEFAULT '',
	action       TEXT    NOT NULL,
	target_type  TEXT    NOT NULL DEFAULT '',
	target_id    TEXT    NOT NULL DEFAULT '',
	before_data  TEXT,
	after_data   TEXT,
	request_id   TEXT    NOT NULL DEFAULT '',
	source_ip    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_org ON audit_events (org_id, id);
CREATE INDEX audit_events_actor ON audit_events (org_id, actor_id, id);
CREATE INDEX audit_events_action ON audit_events (org_id, action, id);
CREATE INDEX audit_events_target ON audit_events (org_id, target_id, id);
CREATE INDEX audit_events_time ON audit_events (org_id, occurred_at);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE api_keys;
DROP TABLE members;
DROP TABLE organizations;
DROP TABLE accounts;
