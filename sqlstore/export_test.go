package sqlstore

import (
	"context"
	"database/sql"
)

// Remigrate rolls db back to migration version, as a database an older
// keyward left, and migrates it up again.
func Remigrate(ctx context.Context, db *DB, version int64) error {
	p, err := db.migrations()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// Applied reports how many migrations Open applied to db.
func Applied(db *DB) int { return db.applied }

// GraphPart is graphPart: what LoadGraphPart returns for c, kept from the
// whole graph g.
var GraphPart = graphPart

// RawDB is db's read pool, for tests that inspect the schema.
func RawDB(db *DB) *sql.DB { return db.read }
