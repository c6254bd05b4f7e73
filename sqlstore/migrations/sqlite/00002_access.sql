-- Groups, roles, policies and how they reach principals: group members,
-- role bindings and policy attachments. Ids are UUID text; times are unix
-- microseconds (UTC); policy documents are text, kept byte for byte.
-- Names are unique per organization through name_key, the lowercased name
-- as the store computes it; roles and policies are deleted softly
-- (deleted_at), and only live ones hold their name. Bindings and
-- attachments name their principal or target by type and id, with no
-- foreign key (the id may be a user's or a group's, and a policy may be
-- managed, so not stored): the store removes them with their principal.
-- Bindings, attachments and group members carry a surrogate UUIDv7 id that
-- orders their listings. postgres/00002_access.sql is the same schema.

-- +goose Up
CREATE TABLE groups (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	-- The target of group_members' foreign key, which keeps members in
	-- their group's organization; it also serves listings.
	UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX groups_name_key ON groups (org_id, name_key);

CREATE TABLE group_members (
	id       TEXT    NOT NULL,
	org_id   TEXT    NOT NULL,
	group_id TEXT    NOT NULL,
	user_id  TEXT    NOT NULL,
	added_at INTEGER NOT NULL,
	added_by TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, group_id, user_id),
	FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id) ON DELETE CASCADE,
	FOREIGN KEY (org_id, user_id) REFERENCES members (org_id, user_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX group_members_org ON group_members (org_id, id);
CREATE INDEX group_members_group ON group_members (org_id, group_id, id);
CREATE INDEX group_members_user ON group_members (org_id, user_id);

CREATE TABLE roles (
	id                  TEXT    NOT NULL PRIMARY KEY,
	org_id              TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name                TEXT    NOT NULL,
	name_key            TEXT    NOT NULL,
	description         TEXT    NOT NULL DEFAULT '',
	type                TEXT    NOT NULL,
	max_session_seconds INTEGER NOT NULL DEFAULT 0,
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	deleted_at          INTEGER,
	UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX roles_name_key ON roles (org_id, name_key) WHERE deleted_at IS NULL;

CREATE TABLE role_bindings (
	id             TEXT    NOT NULL PRIMARY KEY,
	org_id         TEXT    NOT NULL,
	role_id        TEXT    NOT NULL,
	principal_type TEXT    NOT NULL,
	principal_id   TEXT    NOT NULL,
	-- '' binds the role in the whole organization.
	project_id     TEXT    NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	created_by     TEXT    NOT NULL DEFAULT '',
	FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX role_bindings_grant ON role_bindings (org_id, role_id, principal_type, principal_id, project_id);
CREATE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_principal ON role_bindings (org_id, principal_type, principal_id);

CREATE TABLE policies (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	document    TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	deleted_at  INTEGER,
	UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX policies_name_key ON policies (org_id, name_key) WHERE deleted_at IS NULL;

CREATE TABLE attachments (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	policy_id   TEXT    NOT NULL,
	target_type TEXT    NOT NULL,
	target_id   TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	created_by  TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX attachments_edge ON attachments (org_id, policy_id, target_type, target_id);
CREATE INDEX attachments_org ON attachments (org_id, id);
CREATE INDEX attachments_target ON attachments (org_id, target_type, target_id);

-- +goose Down
DROP TABLE attachments;
DROP TABLE policies;
DROP TABLE role_bindings;
DROP TABLE roles;
DROP TABLE group_members;
DROP TABLE groups;
