-- Projects (issue 8): projects, the resources registered in them,
-- members' overrides on them, the grids of grid-defined roles, the
-- narrowing document of API keys, and the ids of the built-in roles, which
-- role bindings may name although no roles row holds them. Grids and
-- documents are canonical JSON text. postgres/00007_projects.sql is the
-- same schema.

-- +goose Up
CREATE TABLE projects (
	id          TEXT    NOT NULL PRIMARY KEY,
	org_id      TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	name        TEXT    NOT NULL,
	name_key    TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX projects_name_key ON projects (org_id, name_key);

CREATE TABLE resources (
	org_id        TEXT    NOT NULL,
	id            TEXT    NOT NULL,
	seq           TEXT    NOT NULL,
	resource_type TEXT    NOT NULL,
	project_id    TEXT    NOT NULL,
	created_at    INTEGER NOT NULL,
	created_by    TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, id),
	FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE
);
CREATE INDEX resources_seq ON resources (org_id, seq);
CREATE INDEX resources_project ON resources (org_id, project_id, seq);

CREATE TABLE overrides (
	id         TEXT    NOT NULL,
	org_id     TEXT    NOT NULL,
	project_id TEXT    NOT NULL,
	user_id    TEXT    NOT NULL,
	grid       TEXT    NOT NULL,
	document   TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, project_id, user_id),
	FOREIGN KEY (org_id, project_id) REFERENCES projects (org_id, id) ON DELETE CASCADE,
	FOREIGN KEY (org_id, user_id) REFERENCES members (org_id, user_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX overrides_org ON overrides (org_id, id);

CREATE TABLE role_grids (
	org_id     TEXT    NOT NULL,
	role_id    TEXT    NOT NULL,
	grid       TEXT    NOT NULL,
	document   TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (org_id, role_id),
	FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, id) ON DELETE CASCADE
);

ALTER TABLE api_keys ADD COLUMN policy TEXT NOT NULL DEFAULT '';
ALTER TABLE api_keys ADD COLUMN grid TEXT NOT NULL DEFAULT '';

-- The built-in roles' ids (package policy's BuiltinRoleID of each name; a
-- store test keeps this list equal to policy.BuiltinRoles).
CREATE TABLE builtin_roles (
	id   TEXT NOT NULL PRIMARY KEY,
	name TEXT NOT NULL
);
INSERT INTO builtin_roles (id, name) VALUES
	('f73b83c5-1e0f-51fb-82d8-49e95da66d68', 'Admin'),
	('f79194ae-bef0-5b73-bd4e-6ab2701fab35', 'Operator'),
	('26e6eec4-6210-59af-8844-c24f9e596dcd', 'Viewer'),
	('d1a1c1aa-b117-5c0d-ab10-b601419addb2', 'oxide:admin'),
	('3ca9c2fa-6951-5eb0-92ab-abcb5373b306', 'oxide:collaborator'),
	('b429c35d-9c29-5fce-a807-bde9a23fa8cd', 'oxide:limited_collaborator'),
	('557eb802-6a38-568c-872e-f7e94697bf68', 'oxide:viewer');

-- role_bindings loses its foreign key to roles (a built-in role has no
-- row): SQLite rebuilds the table; the store checks the role instead.
CREATE TABLE role_bindings_new (
	id             TEXT    NOT NULL PRIMARY KEY,
	org_id         TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	role_id        TEXT    NOT NULL,
	principal_type TEXT    NOT NULL,
	principal_id   TEXT    NOT NULL,
	project_id     TEXT    NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	created_by     TEXT    NOT NULL DEFAULT ''
);
INSERT INTO role_bindings_new SELECT id, org_id, role_id, principal_type, principal_id, project_id, created_at, created_by FROM role_bindings;
DROP TABLE role_bindings;
ALTER TABLE role_bindings_new RENAME TO role_bindings;
CREATE UNIQUE INDEX role_bindings_grant ON role_bindings (org_id, role_id, principal_type, principal_id, project_id);
CREATE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_principal ON role_bindings (org_id, principal_type, principal_id);
CREATE INDEX role_bindings_scope ON role_bindings (org_id, project_id, id);

-- +goose Down
CREATE TABLE role_bindings_old (
	id             TEXT    NOT NULL PRIMARY KEY,
	org_id         TEXT    NOT NULL,
	role_id        TEXT    NOT NULL,
	principal_type TEXT    NOT NULL,
	principal_id   TEXT    NOT NULL,
	project_id     TEXT    NOT NULL DEFAULT '',
	created_at     INTEGER NOT NULL,
	created_by     TEXT    NOT NULL DEFAULT '',
	FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, id) ON DELETE CASCADE
);
INSERT INTO role_bindings_old SELECT b.id, b.org_id, b.role_id, b.principal_type, b.principal_id, b.project_id, b.created_at, b.created_by
	FROM role_bindings b WHERE EXISTS (SELECT 1 FROM roles r WHERE r.org_id = b.org_id AND r.id = b.role_id);
DROP TABLE role_bindings;
ALTER TABLE role_bindings_old RENAME TO role_bindings;
CREATE UNIQUE INDEX role_bindings_grant ON role_bindings (org_id, role_id, principal_type, principal_id, project_id);
CREATE INDEX role_bindings_org ON role_bindings (org_id, id);
CREATE INDEX role_bindings_principal ON role_bindings (org_id, principal_type, principal_id);
DROP TABLE builtin_roles;
ALTER TABLE api_keys DROP COLUMN grid;
ALTER TABLE api_keys DROP COLUMN policy;
DROP TABLE role_grids;
DROP TABLE overrides;
DROP TABLE resources;
DROP TABLE projects;
