// Package keywardtest holds helpers for keyward's tests: stores on fresh
// databases (SQLite always, PostgreSQL when KEYWARD_TEST_DATABASE_URL is
// set), a fake clock and an in-process OIDC issuer. Only tests import it.
package keywardtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for the admin connection

	"github.com/keyward-iam/keyward/sqlstore"
)

// DatabaseURLEnv names the environment variable that holds an admin URL of
// a PostgreSQL server for tests, e.g.
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. The role
// must be allowed to create databases.
const DatabaseURLEnv = "KEYWARD_TEST_DATABASE_URL"

// Dialects returns the dialects tests run on: sqlstore.DialectSQLite
// always, then sqlstore.DialectPostgres when DatabaseURLEnv is set.
func Dialects() []string {
	if os.Getenv(DatabaseURLEnv) == "" {
		return []string{sqlstore.DialectSQLite}
	}
	return []string{sqlstore.DialectSQLite, sqlstore.DialectPostgres}
}

// OpenStore opens a store on a fresh, migrated database that tb closes
// and removes when it ends: PostgreSQL when DatabaseURLEnv is set, else a
// SQLite file in tb.TempDir().
func OpenStore(tb testing.TB) *sqlstore.DB {
	tb.Helper()
	d := sqlstore.DialectSQLite
	if os.Getenv(DatabaseURLEnv) != "" {
		d = sqlstore.DialectPostgres
	}
	return OpenDialect(tb, d, sqlstore.Config{})
}

// OpenDialect opens a store of the dialect on a fresh, migrated database,
// with cfg's other settings (such as Now). It fills in cfg.SQLitePath or
// cfg.PostgresURL; for PostgreSQL it skips tb when DatabaseURLEnv is not
// set.
func OpenDialect(tb testing.TB, dialect string, cfg sqlstore.Config) *sqlstore.DB {
	tb.Helper()
	switch dialect {
	case sqlstore.DialectSQLite:
		cfg.SQLitePath, cfg.PostgresURL = filepath.Join(tb.TempDir(), "keyward.db"), ""
	case sqlstore.DialectPostgres:
		cfg.PostgresURL = NewPostgresDatabase(tb)
	default:
		tb.Fatalf("keywardtest: unknown dialect %q", dialect)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("keywardtest: open %s store: %v", dialect, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("keywardtest: close %s store: %v", dialect, err)
		}
	})
	return db
}

// ForEachStore runs fn as a subtest, named for the dialect, on a fresh
// store of each of Dialects.
func ForEachStore(t *testing.T, fn func(t *testing.T, s *sqlstore.DB)) {
	t.Helper()
	ForEachDialect(t, func(t *testing.T, dialect string) {
		fn(t, OpenDialect(t, dialect, sqlstore.Config{}))
	})
}

// ForEachDialect runs fn as a subtest, named for the dialect, for each of
// Dialects, for tests that open stores themselves (with OpenDialect).
func ForEachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	t.Helper()
	for _, d := range Dialects() {
		t.Run(d, func(t *testing.T) { fn(t, d) })
	}
}

// NewPostgresDatabase creates an empty PostgreSQL database with a random
// name on the server of DatabaseURLEnv, drops it when tb ends, and returns
// its URL. It skips tb when DatabaseURLEnv is not set.
func NewPostgresDatabase(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(DatabaseURLEnv)
	if admin == "" {
		tb.Skipf("keywardtest: %s is not set", DatabaseURLEnv)
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("keywardtest: %s must be a postgres:// URL", DatabaseURLEnv)
	}
	var b [8]byte
	rand.Read(b[:])
	name := "keyward_test_" + hex.EncodeToString(b[:])

	adminExec(tb, admin, "CREATE DATABASE "+name)
	tb.Cleanup(func() { adminExec(tb, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u.Path = "/" + name
	return u.String()
}

// adminExec runs one statement on the admin database.
func adminExec(tb testing.TB, admin, stmt string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatalf("keywardtest: %s: %v", stmt, err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		tb.Fatalf("keywardtest: %s: %v", stmt, err)
	}
}
