-- Groups are deleted softly (issue 19), as roles and policies are: a
-- deleted group keeps its memberships, role bindings, policy attachments
-- and trusts, which the store and the access graph leave out until it is
-- restored, and only live groups hold their name.
-- The other dialect's 00022_group_restore.sql is the same schema.

-- +goose Up
ALTER TABLE groups ADD COLUMN deleted_at BIGINT;
DROP INDEX groups_name_key;
CREATE UNIQUE INDEX groups_name_key ON groups (org_id, name_key) WHERE deleted_at IS NULL;

-- +goose Down
-- Deleted groups go for good, with what names them without a foreign key.
DELETE FROM role_bindings WHERE principal_type = 'group' AND principal_id IN (SELECT id FROM groups WHERE deleted_at IS NOT NULL);
DELETE FROM attachments WHERE target_type = 'group' AND target_id IN (SELECT id FROM groups WHERE deleted_at IS NOT NULL);
DELETE FROM role_trusts WHERE trusted_group_id IN (SELECT id FROM groups WHERE deleted_at IS NOT NULL);
DELETE FROM groups WHERE deleted_at IS NOT NULL;
DROP INDEX groups_name_key;
CREATE UNIQUE INDEX groups_name_key ON groups (org_id, name_key);
ALTER TABLE groups DROP COLUMN deleted_at;
