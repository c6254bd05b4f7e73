package sqlstore

// Applied reports how many migrations Open applied to db.
func Applied(db *DB) int { return db.applied }

// GraphPart is graphPart: what LoadGraphPart returns for c, kept from the
// whole graph g.
var GraphPart = graphPart
