package main

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/keyward-iam/keyward/api/client"
	"github.com/keyward-iam/keyward/keywardtest"
)

// TestGovultrPostgres runs TestGovultr's scenario against a server started
// with --database-url on a fresh PostgreSQL database. It is skipped unless
// KEYWARD_TEST_DATABASE_URL names a server.
func TestGovultrPostgres(t *testing.T) {
	url := keywardtest.NewPostgresDatabase(t)
	ts := startServer(t, nil, "--database-url", url)
	// Log lines reach stderr through a background writer: wait for it.
	waitFor(t, `the log line "dialect":"postgres"`, func() bool { return strings.Contains(ts.logs.String(), `"dialect":"postgres"`) })
	driveGovultr(t, ts)
}

// TestReplicasPostgres starts several servers at once on one fresh
// PostgreSQL database, as a scaled-out deployment does: all start (the
// schema is migrated once), exactly one bootstraps, and each sees what the
// others write. It is skipped unless KEYWARD_TEST_DATABASE_URL names a
// server.
func TestReplicasPostgres(t *testing.T) {
	url := keywardtest.NewPostgresDatabase(t)
	const n = 3
	replicas := make([]*testServer, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { replicas[i], errs[i] = launchServer(t, nil, "--database-url", url) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}

	var token string
	for i, r := range replicas {
		b, err := os.ReadFile(r.tokenFile())
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			t.Fatal(err)
		case token != "":
			t.Fatalf("replica %d bootstrapped too: two root keys", i)
		default:
			token = strings.TrimSpace(string(b))
		}
	}
	if token == "" {
		t.Fatal("no replica bootstrapped the empty database")
	}

	ctx := context.Background()
	c0 := newClient(t, replicas[0], token)
	ur, err := c0.CreateUserWithResponse(ctx, client.UserReq{Name: ptr("shared"), ServiceUser: ptr(true)})
	expect(t, "CreateUser on replica 0", ur, err, http.StatusCreated)
	for i, r := range replicas {
		c := newClient(t, r, token)
		orgs, err := c.ListOrganizationsWithResponse(ctx, nil)
		expect(t, "ListOrganizations", orgs, err, http.StatusOK)
		if len(orgs.JSON200.Orgs) != 1 {
			t.Errorf("replica %d lists %d organizations, want the one bootstrap organization", i, len(orgs.JSON200.Orgs))
		}
		u, err := c.GetUserWithResponse(ctx, ur.JSON201.User.ID)
		expect(t, "GetUser of the user made on replica 0", u, err, http.StatusOK)
		// The key minted on replica 0 authenticates on every replica.
		me, err := newClient(t, r, *ur.JSON201.User.APIKey).GetCurrentUserWithResponse(ctx)
		expect(t, "GetCurrentUser with the new user's key", me, err, http.StatusOK)
	}
}
