-- Tags on users and service users (issue 20): key/value labels that
-- policies read through keyward:PrincipalTag/<key>. They belong to the
-- membership (each organization tags its own members) and are read with it
-- wherever a user is, the access graph included, so they are a JSON array
-- of {"key", "value"} as text, as acls are.
-- The other dialect's 00021_member_tags.sql is the same schema.

-- +goose Up
ALTER TABLE members ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE members DROP COLUMN tags;
