package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
)

// replicas starts two servers on one fresh database of dialect, as two
// replicas of a deployment, bootstraps it through the first and returns
// both, with the root key.
func replicas(t *testing.T, dialect string) (a, b *api) {
	t.Helper()
	cfg := sqlstore.Config{SQLitePath: filepath.Join(t.TempDir(), "keyward.db")}
	if dialect == sqlstore.DialectPostgres {
		cfg.PostgresURL = keywardtest.NewPostgresDatabase(t)
	}
	replica := func() (*service.Service, *httptest.Server) {
		db, err := sqlstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := service.New(db, service.Options{Logger: logger, CatchUp: 200 * time.Millisecond})
		srv := httptest.NewServer(httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger}))
		t.Cleanup(srv.Close)
		return svc, srv
	}
	svcA, srvA := replica()
	_, srvB := replica()
	token, _, err := svcA.Bootstrap(context.Background(), service.BootstrapInput{})
	if err != nil {
		t.Fatal(err)
	}
	return &api{t: t, srv: srvA, root: token, svc: svcA}, &api{t: t, srv: srvB, root: token}
}

// TestReplicasReadTheirWrites runs two servers on one database, as two
// replicas would, and checks that a write on one is seen by the other's
// authorization at once, with and without min_revision, although the other
// had a snapshot from before the write.
func TestReplicasReadTheirWrites(t *testing.T) {
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		a, b := replicas(t, dialect)
		alice, aliceKey := a.createUser(`{"email":"alice@example.com","name":"Alice","api_enabled":true}`)

		const ask = `{"action":"compute.instance.List"%s}`
		var v verdict
		b.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, ""), http.StatusOK, &v)
		if v.Allowed {
			t.Fatalf("before the grant, replica B allows: %+v", v)
		}
		pid := a.createPolicy("lister", `{"Version":"2026-03-20","Statement":[{"Effect":"Allow","Action":"compute.instance.List","Resource":"*"}]}`)
		rev := a.attach(pid, alice)

		b.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, `,"min_revision":`+strconv.FormatInt(rev, 10)), http.StatusOK, &v)
		if !v.Allowed || v.Revision < rev {
			t.Errorf("replica B with min_revision %d: %+v, want allow at that revision or later", rev, v)
		}
		b.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, ""), http.StatusOK, &v)
		if !v.Allowed {
			t.Errorf("replica B without min_revision: %+v, want allow (the caller's credential was read at the new revision)", v)
		}
		// A revision the database has not reached is refused after the
		// catch-up bound, not answered from an old snapshot.
		var e apiError
		b.do("POST", "/v2/authorize", aliceKey, fmt.Sprintf(ask, `,"min_revision":`+strconv.FormatInt(rev+1000, 10)), http.StatusServiceUnavailable, &e)
		if e.Code != "unavailable" {
			t.Errorf("future revision: %+v, want unavailable", e)
		}
	})
}
