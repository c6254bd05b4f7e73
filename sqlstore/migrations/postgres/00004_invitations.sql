-- Invitations by email, the mail outbox they write to in the same
-- transaction, and server-wide secrets (the key that signs invitation
-- links, generated once so that every replica shares it). Ids are UUID
-- text; times are unix microseconds (UTC); id lists are JSON text.
-- sqlite/00004_invitations.sql is the same schema.

-- +goose Up
CREATE TABLE invitations (
	id           TEXT    NOT NULL PRIMARY KEY,
	org_id       TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	email        TEXT    NOT NULL,
	email_key    TEXT    NOT NULL,
	invited_by   TEXT    NOT NULL DEFAULT '',
	api_enabled  BOOLEAN NOT NULL DEFAULT FALSE,
	role_ids     TEXT    NOT NULL DEFAULT '[]',
	group_ids    TEXT    NOT NULL DEFAULT '[]',
	status       TEXT    NOT NULL,
	nonce        TEXT    NOT NULL,
	created_at   BIGINT  NOT NULL,
	updated_at   BIGINT  NOT NULL,
	expires_at   BIGINT  NOT NULL,
	responded_at BIGINT,
	accepted_by  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX invitations_org ON invitations (org_id, id);
CREATE INDEX invitations_email ON invitations (org_id, email_key, id);

CREATE TABLE mail_outbox (
	id           TEXT    NOT NULL PRIMARY KEY,
	org_id       TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	recipient    TEXT    NOT NULL,
	recipient_key TEXT   NOT NULL,
	subject      TEXT    NOT NULL,
	body         TEXT    NOT NULL,
	kind         TEXT    NOT NULL DEFAULT '',
	ref_id       TEXT    NOT NULL DEFAULT '',
	created_at   BIGINT  NOT NULL,
	attempts     BIGINT  NOT NULL DEFAULT 0,
	next_attempt BIGINT  NOT NULL,
	last_error   TEXT    NOT NULL DEFAULT '',
	lease_until  BIGINT,
	sent_at      BIGINT,
	failed_at    BIGINT 
);
-- The sender's scan: unsent, not given up, by due time.
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_org ON mail_outbox (org_id, id);

CREATE TABLE secrets (
	name       TEXT    NOT NULL PRIMARY KEY,
	value      BYTEA   NOT NULL,
	created_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE secrets;
DROP TABLE mail_outbox;
DROP TABLE invitations;
