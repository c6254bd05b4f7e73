-- Login sessions and login lockouts (issue 6). Times are unix microseconds.
-- postgres/00003_login.sql is the same schema.

-- +goose Up
-- A login session is a bearer credential kws_<id>_<secret> of one member,
-- issued by a password login; only the SHA-256 of the secret is stored.
-- Removing the membership ends its sessions.
CREATE TABLE login_sessions (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL,
	user_id     TEXT    NOT NULL,
	secret_hash BLOB    NOT NULL,
	source_ip   TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,
	FOREIGN KEY (org_id, user_id) REFERENCES members (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX login_sessions_user ON login_sessions (user_id, id);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);

-- Consecutive failed logins of an account; locked_at is set once they reach
-- the lockout threshold and stays until an administrator clears it.
CREATE TABLE login_failures (
	account_id TEXT    NOT NULL PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
	failures   INTEGER NOT NULL,
	locked_at  INTEGER,
	updated_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
DROP TABLE login_sessions;
