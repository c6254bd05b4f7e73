package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/api/client"
)

// newClient returns the generated API client, as the CLI builds it,
// calling ts with token as its bearer credential.
func newClient(t *testing.T, ts *testServer, token string) *client.ClientWithResponses {
	t.Helper()
	c, err := client.NewClientWithResponses(ts.URL, client.WithHTTPClient(httpClient(token)))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// withRequestID sets the request's X-Request-Id, which the server keeps
// and records on the audit events the request writes.
func withRequestID(id string) client.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("X-Request-Id", id)
		return nil
	}
}

// response is what every generated response has.
type response interface {
	StatusCode() int
	GetBody() []byte
}

// expect fails t now unless the call that gave r and err answered want.
func expect(t *testing.T, what string, r response, err error, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got := r.StatusCode(); got != want {
		t.Fatalf("%s: status %d %s, want %d", what, got, r.GetBody(), want)
	}
}

// expectError fails t now unless the call answered status want with
// keyward's error body naming field (when field is not "").
func expectError(t *testing.T, what string, r response, err error, want int, field string) {
	t.Helper()
	expect(t, what, r, err, want)
	var body struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
		Field  string `json:"field"`
	}
	if err := json.Unmarshal(r.GetBody(), &body); err != nil || body.Error == "" || body.Status != want {
		t.Fatalf("%s: error body %s is not {error, status: %d}", what, r.GetBody(), want)
	}
	if field != "" && body.Field != field {
		t.Fatalf("%s: error field %q, want %q (%s)", what, body.Field, field, body.Error)
	}
}

// requestID is the X-Request-Id the server answered r with.
func requestID(t *testing.T, r *http.Response) string {
	t.Helper()
	id := r.Header.Get("X-Request-Id")
	if id == "" {
		t.Fatalf("%s %s: no X-Request-Id in the response", r.Request.Method, r.Request.URL.Path)
	}
	return id
}

// keyIDOf returns the key ID part of a token kw_<key id>_<secret>.
func keyIDOf(t *testing.T, token string) string {
	t.Helper()
	rest, ok := strings.CutPrefix(token, "kw_")
	if !ok || len(rest) < 38 || rest[36] != '_' {
		t.Fatalf("token %q is not kw_<key id>_<secret>", token)
	}
	return rest[:36]
}

// ptr returns a pointer to v, for the generated client's optional fields.
func ptr[T any](v T) *T { return &v }
