package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/keywardtest"
)

// testServer is a keyward server started through run() on 127.0.0.1:0 with a
// temporary SQLite file (or PostgreSQL when KEYWARD_TEST_DATABASE_URL names
// a server: then a fresh database per test).
type testServer struct {
	URL   string // http://127.0.0.1:PORT
	Token string // the bootstrap root API key
	dir   string
	logs  *keywardtest.SyncBuffer

	cancel   context.CancelFunc // cancels run's context
	done     chan error         // receives run's result once
	stopOnce sync.Once
	stopErr  error
}

// stop cancels run's context, as SIGTERM does, and returns what run
// returned. Only the first call waits; later ones return the same result.
func (ts *testServer) stop(t *testing.T) error {
	t.Helper()
	ts.stopOnce.Do(func() {
		ts.cancel()
		select {
		case ts.stopErr = <-ts.done:
		case <-time.After(20 * time.Second):
			ts.stopErr = errors.New("server did not shut down within 20s")
		}
	})
	return ts.stopErr
}

// startServer runs `keyward server` with extra appended to its arguments
// (e.g. "--database-url", url), waits until it listens and reads the
// bootstrap key. The server is stopped, and run's error checked, in
// t.Cleanup.
func startServer(t *testing.T, env map[string]string, extra ...string) *testServer {
	t.Helper()
	ts, err := launchServer(t, env, extra...)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := os.ReadFile(ts.tokenFile())
	if err != nil {
		t.Fatalf("read bootstrap token: %v", err)
	}
	ts.Token = strings.TrimSpace(string(tok))
	return ts
}

// launchServer runs `keyward server` like startServer, but does not read
// the bootstrap key (a server that finds a database already bootstrapped
// writes none) and, failing, returns an error rather than ending the test,
// so it may run on any goroutine.
func launchServer(t *testing.T, env map[string]string, extra ...string) (*testServer, error) {
	dir := t.TempDir()
	ts := &testServer{dir: dir, logs: &keywardtest.SyncBuffer{}, done: make(chan error, 1)}
	args := []string{"keyward", "server", "--addr", "127.0.0.1:0",
		"--db", filepath.Join(dir, "keyward.db"), "--bootstrap-token-file", ts.tokenFile()}
	args = append(args, extra...)
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	ts.cancel = cancel
	pr, pw := io.Pipe()
	go func() {
		err := run(ctx, args, getenv, strings.NewReader(""), pw, ts.logs)
		pw.CloseWithError(io.EOF)
		ts.done <- err
	}()
	t.Cleanup(func() {
		if err := ts.stop(t); err != nil {
			t.Errorf("run returned %v; logs:\n%s", err, ts.logs.String())
		}
	})
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if addr, ok := strings.CutPrefix(lines.Text(), "listening on "); ok {
			ts.URL = addr
			break
		}
	}
	if ts.URL == "" {
		return nil, fmt.Errorf("server did not start; logs:\n%s", ts.logs.String())
	}
	// Keep draining stdout so the server never blocks on a write.
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	return ts, nil
}

// tokenFile is where the server writes the bootstrap key.
func (ts *testServer) tokenFile() string { return filepath.Join(ts.dir, "token") }

// bearer is an http.RoundTripper that adds a bearer token, as the oauth2
// static-token client does for govultr users.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

func httpClient(token string) *http.Client {
	return &http.Client{Transport: bearer{token, http.DefaultTransport}, Timeout: 30 * time.Second}
}
