-- The part of the action catalog that fleet administrators change at run
-- time (PUT /v2/catalog): one row, the part as JSON in the shape of a
-- catalog file, and a revision that every change moves, so that replicas
-- notice it and a change made from a stale read is refused.
-- sqlite/00011_catalog.sql is the same schema.

-- +goose Up
CREATE TABLE catalog (
	id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
	revision   BIGINT  NOT NULL,
	document   TEXT    NOT NULL,
	updated_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE catalog;
