-- A provider registers its resources under its own ids as well as UUIDs
-- (issue 16): an id is unique in its organization ignoring ASCII case, as
-- policies and the authorize API compare ids, and is looked up that way.

-- +goose Up
CREATE UNIQUE INDEX resources_id_key ON resources (org_id, lower(id));
CREATE INDEX resources_id_folded ON resources (lower(id));
DROP INDEX resources_id;

-- +goose Down
CREATE INDEX resources_id ON resources (id);
DROP INDEX resources_id_folded;
DROP INDEX resources_id_key;
