package main

import (
	"fmt"
	"io"

	"github.com/keyward-iam/keyward/sqlstore"
	"github.com/spf13/cobra"
)

// newBackupCommand returns `keyward backup`, an online copy of a SQLite
// database (sqlstore.BackupSQLite) that is safe while the server runs.
// PostgreSQL is backed up with its own tools (pg_dump; docs/operations.md).
func newBackupCommand(getenv func(string) string, stdout io.Writer) *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "backup --db FILE DEST",
		Short: "Copy the server's SQLite database into a new file, while it runs",
		Long: `Copy the SQLite database (--db, env KEYWARD_DB, default keyward.db) into
DEST, a file that must not exist yet, with SQLite's VACUUM INTO: one
consistent snapshot, taken while the server goes on serving. To restore,
stop the server and start it with --db DEST (or copy DEST over the file).
For PostgreSQL use pg_dump (docs/operations.md).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := sqlstore.BackupSQLite(cmd.Context(), db, args[0]); err != nil {
				return err
			}
			_, err := fmt.Fprintf(stdout, "backed up %s to %s\n", db, args[0])
			return err
		},
	}
	cmd.Flags().StringVar(&db, "db", envOr(getenv, "KEYWARD_DB", "keyward.db"), "SQLite database file (env KEYWARD_DB)")
	return cmd
}
