-- The deployment's own layer (issue 16): fleet roles held by accounts, the
-- fleet audit trail, and per organization its suspension by a fleet
-- administrator and its identity mode. The owner of a database's oldest
-- organization, the account bootstrap created, becomes its first fleet
-- administrator. postgres/00012_fleet.sql is the same schema.

-- +goose Up
ALTER TABLE organizations ADD COLUMN suspended_at INTEGER;
ALTER TABLE organizations ADD COLUMN identity_mode TEXT NOT NULL DEFAULT 'local';

CREATE TABLE fleet_roles (
	id         TEXT    NOT NULL UNIQUE,
	user_id    TEXT    NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
	role       TEXT    NOT NULL,
	granted_by TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, role)
);
CREATE INDEX fleet_roles_role ON fleet_roles (role, id);

INSERT INTO fleet_roles (id, user_id, role, granted_by, created_at)
SELECT o.id, o.owner_id, 'fleet.admin', '', o.created_at
FROM organizations o ORDER BY o.created_at, o.id LIMIT 1;

-- Like audit_events, but org_id is the organization an event is about ('' for
-- none) and no foreign key: the trail outlives a purged organization.
CREATE TABLE fleet_audit_events (
	id           TEXT    NOT NULL PRIMARY KEY,
	org_id       TEXT    NOT NULL DEFAULT '',
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
	source_ip    TEXT    NOT NULL DEFAULT '',
	session_id   TEXT    NOT NULL DEFAULT '',
	actor_chain  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX fleet_audit_events_actor ON fleet_audit_events (actor_id, id);
CREATE INDEX fleet_audit_events_action ON fleet_audit_events (action, id);
CREATE INDEX fleet_audit_events_target ON fleet_audit_events (target_id, id);
CREATE INDEX fleet_audit_events_time ON fleet_audit_events (occurred_at);

-- +goose Down
DROP TABLE fleet_audit_events;
DROP TABLE fleet_roles;
ALTER TABLE organizations DROP COLUMN identity_mode;
ALTER TABLE organizations DROP COLUMN suspended_at;
