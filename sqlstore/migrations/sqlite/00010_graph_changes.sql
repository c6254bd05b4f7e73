-- The change log of each organization's access graph: for each revision a
-- write committed, what it touched (kind user, group, role, policy or
-- resource with the entity's id as key; projects, trusts, all, none or
-- merged with an empty key), written in the write's own transaction and
-- pruned to the last 1,000 revisions. An authorization snapshot at an
-- older revision reloads only what the log names (sqlstore/changelog.go).
-- postgres/00010_graph_changes.sql is the same schema.

-- +goose Up
CREATE TABLE graph_changes (
	org_id   TEXT    NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
	revision INTEGER NOT NULL,
	kind     TEXT    NOT NULL,
	key      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (org_id, revision, kind, key)
);

-- +goose Down
DROP TABLE graph_changes;
