package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is a keyward server started through run() on 127.0.0.1:0 with a
// temporary SQLite file (or PostgreSQL when KEYWARD_TEST_DATABASE_URL names
// a server: then a fresh database per test).
type testServer struct {
	URL   string // http://127.0.0.1:PORT
	Token string // the bootstrap root API key
	dir   string
	logs  *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's log writes and the
// test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs `keyward server` and waits until it listens. The server
// is stopped, and run's error checked, in t.Cleanup.
func startServer(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{dir: dir, logs: &syncBuffer{}}
	args := []string{"keyward", "server", "--addr", "127.0.0.1:0",
		"--db", filepath.Join(dir, "keyward.db"), "--bootstrap-token-file", filepath.Join(dir, "token")}
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(ctx, args, getenv, strings.NewReader(""), pw, ts.logs)
		pw.CloseWithError(io.EOF)
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run returned %v; logs:\n%s", err, ts.logs.String())
			}
		case <-time.After(20 * time.Second):
			t.Errorf("server did not shut down within 20s")
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
		t.Fatalf("server did not start; logs:\n%s", ts.logs.String())
	}
	// Keep draining stdout so the server never blocks on a write.
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	tok, err := os.ReadFile(filepath.Join(dir, "token"))
	if err != nil {
		t.Fatalf("read bootstrap token: %v", err)
	}
	ts.Token = strings.TrimSpace(string(tok))
	return ts
}

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
