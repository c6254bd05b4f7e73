package sqlstore

// Applied reports how many migrations Open applied to db.
func Applied(db *DB) int { return db.applied }
