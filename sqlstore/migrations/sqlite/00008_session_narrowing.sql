-- Session narrowing: a role session keeps the managed and custom
-- policies named as its session policies (AWS STS's PolicyArns) and the
-- narrowing layers it carries from the credential that assumed it (the
-- API key's inline policy, the session policies of the sessions it
-- chained through). Both are JSON arrays of documents as they read when
-- the session started. postgres/00008_session_narrowing.sql is the same
-- schema.

-- +goose Up
ALTER TABLE role_sessions ADD COLUMN session_policies TEXT NOT NULL DEFAULT '[]';
ALTER TABLE role_sessions ADD COLUMN narrowing TEXT NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE role_sessions DROP COLUMN narrowing;
ALTER TABLE role_sessions DROP COLUMN session_policies;
