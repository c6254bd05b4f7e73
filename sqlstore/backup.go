package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// BackupSQLite copies the SQLite database at src into a new file dest with
// VACUUM INTO: a consistent copy of one read transaction, taken while a
// server goes on reading and writing src (WAL mode), compacted, with no
// WAL file of its own to carry along. dest must not exist; src must (it is
// never created). The copy is a database keyward opens as it is.
func BackupSQLite(ctx context.Context, src, dest string) error {
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("sqlstore: backup: %s exists; choose a new file", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	db, err := sql.Open("sqlite", sqliteName(src)+sqliteOptions)
	if err != nil {
		return fmt.Errorf("sqlstore: backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "VACUUM INTO ?", dest); err != nil {
		return fmt.Errorf("sqlstore: backup %s into %s: %w", src, dest, err)
	}
	return nil
}
