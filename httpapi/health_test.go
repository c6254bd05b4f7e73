package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/service"
)

// TestReadiness checks that /readyz follows the database while /healthz
// does not: with the store closed, readiness is a 503 in the JSON error
// shape and liveness stays 200.
func TestReadiness(t *testing.T) {
	store := keywardtest.OpenStore(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := service.New(store, service.Options{Logger: logger})
	srv := httptest.NewServer(httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger}))
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
		{"live without the database", "/healthz", true, http.StatusOK},
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
