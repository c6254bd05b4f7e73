package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
)

// TestReadiness checks that /readyz and /healthz follow the database: with
// the store closed, both are a 503 in the JSON error shape.
func TestReadiness(t *testing.T) {
	store := keywardtest.OpenStore(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, service.Options{Logger: logger})
	srv := httptest.NewServer(keywardtest.Contract(t, httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger})))
	t.Cleanup(srv.Close)

	get := func(path string, want int, out any) *http.Response {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != want || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("GET %s = %d (%s), want %d application/json", path, res.StatusCode, res.Header.Get("Content-Type"), want)
		}
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return res
	}
	type okBody struct {
		OK bool `json:"ok"`
	}
	tests := []struct {
		name, path string
		closed     bool
		want       int
	}{
		{"ready", "/readyz", false, http.StatusOK},
		{"live", "/healthz", false, http.StatusOK},
		{"not ready without the database", "/readyz", true, http.StatusServiceUnavailable},
		{"not live without the database", "/healthz", true, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		if tt.closed {
			// Closing twice is harmless, and OpenStore's cleanup closes too.
			if err := store.Close(); err != nil {
				t.Fatalf("close the store: %v", err)
			}
		}
		if tt.want == http.StatusOK {
			var got okBody
			if get(tt.path, tt.want, &got); !got.OK {
				t.Errorf("%s: GET %s body ok = false, want true", tt.name, tt.path)
			}
			continue
		}
		var got apiError
		res := get(tt.path, tt.want, &got)
		if got.Code != "unavailable" || got.Status != tt.want || got.Error == "" || got.RequestID != res.Header.Get("X-Request-Id") {
			t.Errorf("%s: GET %s = %+v, want code unavailable, status %d and the request id", tt.name, tt.path, got, tt.want)
		}
	}
}

// TestHealthWithEveryConnectionHeld holds every connection that writes (a
// pool of two on PostgreSQL; SQLite's one writing connection) in
// transactions that do not end, as a deadlock would: liveness must fail
// within a few seconds instead of hanging or answering 200, and readiness
// must say which check failed.
func TestHealthWithEveryConnectionHeld(t *testing.T) {
	keywardtest.ForEachDialect(t, func(t *testing.T, dialect string) {
		store := keywardtest.OpenDialect(t, dialect, sqlstore.Config{MaxOpenConns: 2})
		logger := slog.New(slog.NewTextHandler(io.Discard, nil))
		svc := service.New(store, service.Options{Logger: logger})
		srv := httptest.NewServer(keywardtest.Contract(t, httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger})))
		t.Cleanup(srv.Close)

		release := make(chan struct{})
		held := make(chan struct{}, 2)
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				store.WriteTx(context.Background(), func(keyward.Tx) error {
					held <- struct{}{}
					<-release
					return nil
				})
			})
		}
		defer wg.Wait()
		defer close(release)
		<-held // SQLite's second writer waits for the connection, holding none

		get := func(path string) (int, apiHealthError) {
			t.Helper()
			start := time.Now()
			res, err := http.Get(srv.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var body apiHealthError
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("GET %s took %v, want a few seconds", path, d)
			}
			return res.StatusCode, body
		}
		if status, body := get("/healthz"); status != http.StatusServiceUnavailable || body.Code != "unavailable" {
			t.Errorf("GET /healthz = %d %+v, want 503 unavailable", status, body)
		}
		status, body := get("/readyz")
		if status != http.StatusServiceUnavailable || body.Code != "unavailable" || len(body.Errors) == 0 || body.Errors[0].Check != "connection" {
			t.Errorf("GET /readyz = %d %+v, want 503 naming the connection check", status, body)
		}
	})
}

// apiHealthError is the error body of /healthz and /readyz.
type apiHealthError struct {
	Error  string `json:"error"`
	Code   string `json:"code"`
	Errors []struct {
		Check, Error string
	} `json:"errors"`
}
