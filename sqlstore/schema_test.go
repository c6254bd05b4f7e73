package sqlstore_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// schema is what must agree between the two dialects' migrations: per
// table, its columns with their nullability, its primary key, its indexes
// (unique or not, partial or not, on which columns) and its foreign keys.
// Column types differ by design (BLOB and BYTEA, INTEGER and BIGINT) and
// are not compared.
type schema map[string]*table

type table struct {
	Columns []string // "name" or "name NOT NULL", sorted
	Key     string   // the primary key's columns, in order
	Indexes []string // "unique partial (a,b)", sorted
	Foreign []string // "(col) → table(col) on delete ACTION", sorted
}

// TestSchemasAgree applies every migration on SQLite and on PostgreSQL and
// compares the schemas they leave, so that the hand-written pairs of
// migration files cannot drift apart.
func TestSchemasAgree(t *testing.T) {
	url := keywardtest.NewPostgresDatabase(t) // skips without PostgreSQL
	lite := keywardtest.OpenDialect(t, sqlstore.DialectSQLite, sqlstore.Config{SQLitePath: filepath.Join(t.TempDir(), "k.db")})
	pg := keywardtest.OpenDialect(t, sqlstore.DialectPostgres, sqlstore.Config{PostgresURL: url})
	got, want := sqliteSchema(t, sqlstore.RawDB(lite)), postgresSchema(t, sqlstore.RawDB(pg))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SQLite's schema (+) differs from PostgreSQL's (-):\n%s", diff)
	}
	if len(got) < 20 {
		t.Errorf("only %d tables read from SQLite: %v", len(got), got)
	}
}

func query(t *testing.T, db *sql.DB, q string, args []any, scan func(*sql.Rows) error) {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func (s schema) table(name string) *table {
	if s[name] == nil {
		s[name] = &table{}
	}
	return s[name]
}

func (s schema) sort() schema {
	for _, tb := range s {
		slices.Sort(tb.Columns)
		slices.Sort(tb.Indexes)
		slices.Sort(tb.Foreign)
	}
	return s
}

func column(name string, notNull bool) string {
	if notNull {
		return name + " NOT NULL"
	}
	return name
}

func index(unique, partial bool, cols []string) string {
	kind := "index"
	if unique {
		kind = "unique"
	}
	if partial {
		kind += " partial"
	}
	return kind + " (" + strings.Join(cols, ",") + ")"
}

func sqliteSchema(t *testing.T, db *sql.DB) schema {
	s := schema{}
	var tables []string
	query(t, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'goose_%'`, nil,
		func(r *sql.Rows) error { var n string; err := r.Scan(&n); tables = append(tables, n); return err })
	for _, name := range tables {
		tb := s.table(name)
		var key []string
		var keyPos []int
		query(t, db, `SELECT name, "notnull", pk FROM pragma_table_info(?)`, []any{name}, func(r *sql.Rows) error {
			var col string
			var notNull, pk int
			if err := r.Scan(&col, &notNull, &pk); err != nil {
				return err
			}
			// A primary key column is NOT NULL on PostgreSQL whether or
			// not it says so.
			tb.Columns = append(tb.Columns, column(col, notNull == 1 || pk > 0))
			if pk > 0 {
				key, keyPos = append(key, col), append(keyPos, pk)
			}
			return nil
		})
		ordered := make([]string, len(key))
		for i, p := range keyPos {
			ordered[p-1] = key[i]
		}
		tb.Key = strings.Join(ordered, ",")
		type idx struct {
			name            string
			unique, partial bool
		}
		var idxs []idx
		query(t, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, []any{name}, func(r *sql.Rows) error {
			var n, origin string
			var unique, partial int
			if err := r.Scan(&n, &unique, &origin, &partial); err != nil {
				return err
			}
			if origin != "pk" {
				idxs = append(idxs, idx{n, unique == 1, partial == 1})
			}
			return nil
		})
		for _, x := range idxs {
			var cols []string
			query(t, db, `SELECT coalesce(name, '<expr>') FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, []any{x.name}, func(r *sql.Rows) error {
				var c string
				err := r.Scan(&c)
				cols = append(cols, c)
				return err
			})
			tb.Indexes = append(tb.Indexes, index(x.unique, x.partial, cols))
		}
		query(t, db, `SELECT "table", "from", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?)`, []any{name}, func(r *sql.Rows) error {
			var ref, from, to, onDelete string
			if err := r.Scan(&ref, &from, &to, &onDelete); err != nil {
				return err
			}
			tb.Foreign = append(tb.Foreign, fmt.Sprintf("(%s) → %s(%s) on delete %s", from, ref, to, onDelete))
			return nil
		})
	}
	return s.sort()
}

func postgresSchema(t *testing.T, db *sql.DB) schema {
	s := schema{}
	query(t, db, `SELECT table_name, column_name, is_nullable FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name NOT LIKE 'goose_%'`, nil, func(r *sql.Rows) error {
		var tbl, col, nullable string
		if err := r.Scan(&tbl, &col, &nullable); err != nil {
			return err
		}
		s.table(tbl).Columns = append(s.table(tbl).Columns, column(col, nullable == "NO"))
		return nil
	})
	query(t, db, `SELECT t.relname, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL,
			string_agg(coalesce(a.attname, '<expr>'), ',' ORDER BY k.ord)
		FROM pg_index ix
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
		LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0
		WHERE n.nspname = 'public' AND t.relname NOT LIKE 'goose_%' AND k.ord <= ix.indnkeyatts
		GROUP BY t.relname, ix.indexrelid, ix.indisprimary, ix.indisunique, ix.indpred`, nil, func(r *sql.Rows) error {
		var tbl, cols string
		var primary, unique, partial bool
		if err := r.Scan(&tbl, &primary, &unique, &partial, &cols); err != nil {
			return err
		}
		if primary {
			s.table(tbl).Key = cols
		} else {
			s.table(tbl).Indexes = append(s.table(tbl).Indexes, index(unique, partial, strings.Split(cols, ",")))
		}
		return nil
	})
	query(t, db, `SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, fa.attname,
			CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END
		FROM pg_constraint c
		CROSS JOIN LATERAL unnest(c.conkey, c.confkey) AS k(col, fcol)
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col
		JOIN pg_attribute fa ON fa.attrelid = c.confrelid AND fa.attnum = k.fcol
		WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`, nil, func(r *sql.Rows) error {
		var tbl, from, ref, to, onDelete string
		if err := r.Scan(&tbl, &from, &ref, &to, &onDelete); err != nil {
			return err
		}
		s.table(tbl).Foreign = append(s.table(tbl).Foreign, fmt.Sprintf("(%s) → %s(%s) on delete %s", from, ref, to, onDelete))
		return nil
	})
	return s.sort()
}
