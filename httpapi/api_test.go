package httpapi_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward/service"
)

// api is a real keyward handler over a real store, behind a real HTTP
// server, with the bootstrap root owner's key.
type api struct {
	t     *testing.T
	srv   *httptest.Server
	root  string
	svc   *service.Service
	orgID string
}

func newAPI(t *testing.T) *api {
	t.Helper()
	return newAPIWith(t, service.Options{})
}

// do sends a request and checks its status; it decodes the body into out
// when out is not nil. Every body must be application/json exactly.
func (a *api) do(method, path, token, body string, want int, out any) *http.Response {
	a.t.Helper()
	var header map[string]string
	if token != "" {
		header = map[string]string{"Authorization": "Bearer " + token}
	}
	res, b := a.send(method, path, body, header, want)
	if len(b) > 0 && res.Header.Get("Content-Type") != "application/json" && path != "/v2/openapi.yaml" && path != "/metrics" {
		a.t.Errorf("%s %s: Content-Type %q, want exactly application/json", method, path, res.Header.Get("Content-Type"))
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			a.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return res
}

// send sends a JSON request with header set and returns the response
// and its whole body, failing the test unless the status is want (0:
// any status).
func (a *api) send(method, path, body string, header map[string]string, want int) (*http.Response, []byte) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.srv.URL+path, strings.NewReader(body))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if want != 0 && res.StatusCode != want {
		a.t.Fatalf("%s %s = %d %s, want %d", method, path, res.StatusCode, b, want)
	}
	return res, b
}

// apiError is the error body every 4xx carries.
type apiError struct {
	Error     string          `json:"error"`
	Status    int             `json:"status"`
	Code      string          `json:"code"`
	Field     string          `json:"field"`
	RequestID string          `json:"request_id"`
	Explain   json.RawMessage `json:"explanation"`
}

func (a *api) createUser(body string) (id, key string) {
	a.t.Helper()
	return a.createUserWith(a.root, body)
}
