package keywardtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/keyward-iam/keyward/api"
)

// contract is api/openapi.yaml loaded once, with its router.
var contract = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec)
	if err != nil {
		return nil, err
	}
	// The server's URL in the spec is Vultr's; match paths wherever served.
	doc.Servers = nil
	return legacy.NewRouter(doc)
})

// ContractChecker validates responses against api/openapi.yaml: every JSON
// response to a request the spec describes must match the spec's response
// for its status (schema, required fields, types, enums). Requests the
// spec does not describe (a test's probes of unknown paths, an identity
// provider's endpoints) pass unchecked. Safe for concurrent use.
type ContractChecker struct {
	router routers.Router
	mu     sync.Mutex
	seen   map[string]string // "METHOD path → status" → the first error, with its body
}

// NewContractChecker loads the spec.
func NewContractChecker() (*ContractChecker, error) {
	router, err := contract()
	if err != nil {
		return nil, fmt.Errorf("load api/openapi.yaml: %w", err)
	}
	return &ContractChecker{router: router, seen: map[string]string{}}, nil
}

// Violations returns one line per operation and status whose response
// broke the spec, sorted, each with its first error and body.
func (c *ContractChecker) Violations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, 0, len(c.seen))
	for k, v := range c.seen {
		out = append(out, k+"\n"+v)
	}
	sort.Strings(out)
	return out
}

// Handler returns next, checked.
func (c *ContractChecker) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		c.check(r, rec.Code, rec.Header(), rec.Body.Bytes())
	})
}

// Transport returns next (http.DefaultTransport if nil), checking the
// responses it receives.
func (c *ContractChecker) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		res, err := next.RoundTrip(r)
		if err != nil {
			return res, err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		res.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil {
			return res, nil // the caller reads the same failure
		}
		c.check(r, res.StatusCode, res.Header, body)
		return res, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (c *ContractChecker) check(r *http.Request, status int, header http.Header, body []byte) {
	if !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
		return
	}
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{MultiError: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		key := fmt.Sprintf("%s %s → %d", r.Method, route.Path, status)
		c.mu.Lock()
		if _, ok := c.seen[key]; !ok {
			c.seen[key] = fmt.Sprintf("%v\nbody: %.600s", err, body)
		}
		c.mu.Unlock()
	}
}

// Contract returns next checked by a ContractChecker whose violations
// are the test's errors when t ends.
func Contract(t testing.TB, next http.Handler) http.Handler {
	c, err := NewContractChecker()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, v := range c.Violations() {
			t.Errorf("response breaks api/openapi.yaml: %s", v)
		}
	})
	return c.Handler(next)
}
