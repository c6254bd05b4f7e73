package sqlstore_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestConcurrentOpenMigratesOnce starts several replicas at once on one
// fresh PostgreSQL database, as a scaled-out deployment does: every Open
// must succeed, each migration must be applied by exactly one of them, and
// every store must then work on the full schema.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	t.Parallel()
	url := keywardtest.NewPostgresDatabase(t) // skips without PostgreSQL
	files, err := filepath.Glob(filepath.Join("migrations", sqlstore.DialectPostgres, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no PostgreSQL migrations found: %v", err)
	}

	const replicas = 6
	stores := make([]*sqlstore.DB, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range replicas {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = sqlstore.Open(t.Context(), sqlstore.Config{PostgresURL: url, MaxOpenConns: 3})
		})
	}
	close(start)
	wg.Wait()
	applied := 0
	for i, s := range stores {
		if errs[i] != nil {
			t.Errorf("replica %d: Open: %v", i, errs[i])
			continue
		}
		t.Cleanup(func() { s.Close() })
		applied += sqlstore.Applied(s)
	}
	if t.Failed() {
		t.FailNow()
	}
	if applied != len(files) {
		t.Errorf("the replicas applied %d migrations in all, want each of the %d exactly once", applied, len(files))
	}

	// Every replica sees the schema, and what one writes the others read.
	o, _ := newOrg(t, stores[0], "replicas")
	for i, s := range stores {
		read(t, s, func(tx keyward.Tx) error {
			got, err := tx.GetOrganization(t.Context(), o.ID)
			if err == nil && got.Name != o.Name {
				t.Errorf("replica %d: GetOrganization name = %q, want %q", i, got.Name, o.Name)
			}
			return err
		})
	}

	// A replica started later finds nothing to do.
	late, err := sqlstore.Open(t.Context(), sqlstore.Config{PostgresURL: url})
	if err != nil {
		t.Fatalf("late replica: Open: %v", err)
	}
	defer late.Close()
	if n := sqlstore.Applied(late); n != 0 {
		t.Errorf("late replica applied %d migrations, want 0", n)
	}
}
