-- Multi-factor authentication of local users (issue 17, point 6): an
-- account's TOTP authenticator and recovery codes, the time a login
-- session verified a second factor, and an organization's demand for one.
-- Times are unix microseconds. sqlite/00014_mfa.sql is the same schema.

-- +goose Up
-- secret is the TOTP seed sealed with the server's MFA key (AES-GCM, the
-- account id as associated data), never the seed in clear. last_step is
-- the last 30-second step a code was accepted for: a code of that step or
-- an earlier one is refused, so a code is used once.
CREATE TABLE mfa_totp (
	account_id   TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	secret       BYTEA   NOT NULL,
	active       BOOLEAN NOT NULL DEFAULT FALSE,
	last_step    BIGINT  NOT NULL DEFAULT 0,
	created_at   BIGINT  NOT NULL,
	confirmed_at BIGINT
);

-- A recovery code is high-entropy: its SHA-256 suffices. used_at is set
-- when it is spent; a spent code never works again.
CREATE TABLE mfa_recovery_codes (
	id         TEXT    NOT NULL PRIMARY KEY,
	account_id TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	code_hash  BYTEA   NOT NULL,
	used_at    BIGINT,
	created_at BIGINT  NOT NULL
);
CREATE INDEX mfa_recovery_codes_account ON mfa_recovery_codes (account_id, id);

ALTER TABLE login_sessions ADD COLUMN mfa_at BIGINT;
ALTER TABLE organizations ADD COLUMN require_mfa BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE organizations DROP COLUMN require_mfa;
ALTER TABLE login_sessions DROP COLUMN mfa_at;
DROP TABLE mfa_recovery_codes;
DROP TABLE mfa_totp;
