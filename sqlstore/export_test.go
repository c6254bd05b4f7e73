package sqlstore

import "database/sql"

// Applied reports how many migrations Open applied to db.
func Applied(db *DB) int { return db.applied }

// GraphPart is graphPart: what LoadGraphPart returns for c, kept from the
// whole graph g.
var GraphPart = graphPart

// RawDB is db's read pool, for tests that inspect the schema.
func RawDB(db *DB) *sql.DB { return db.read }
