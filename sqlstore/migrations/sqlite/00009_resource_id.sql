-- The authorize API looks a resource up by its id alone, in every
-- organization, to deny another organization's resource (issue 14).

-- +goose Up
CREATE INDEX resources_id ON resources (id);

-- +goose Down
DROP INDEX resources_id;
