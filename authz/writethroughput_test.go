//go:build unix

package authz_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/keywardtest"
	"github.com/keyward-iam/keyward/policy/policytest"
	"github.com/keyward-iam/keyward/service"
	"github.com/keyward-iam/keyward/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkWriteThroughput sends b.N writes to one organization through
// keyward's real HTTP handler, on a loopback listener in this process,
// from 1 and from 16 concurrent writers, each with its own connection and
// its own user, cycling through: attach a policy to the user, add the user
// to a group, detach the policy, remove the user from the group. Each
// writer sends its next write when the last is answered. The caller is the
// org's service user with IAMFullAccess and an API key, not the root
// owner, so every write is authorized by the engine as a client's would be.
//
// The organizations have 1,000 and 10,000 users in the large org's shape
// (policytest.ShapeOf), written through the store directly on a fresh
// database: SQLite, and PostgreSQL too when KEYWARD_TEST_DATABASE_URL
// names a server (keywardtest.Dialects), e.g.
// KEYWARD_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:54329/postgres?sslmode=disable'.
//
// It reports writes/s, p50-ms and p99-ms per write, and errors, which
// must be 0: any answer but a 2xx fails the benchmark.
//
// Run: go test ./authz -run '^$' -bench WriteThroughput -benchtime 200x
func BenchmarkWriteThroughput(b *testing.B) {
	for _, dialect := range keywardtest.Dialects() {
		for _, n := range []int{1000, policytest.LargeUsers} {
			b.Run(fmt.Sprintf("db=%s/users=%d", dialect, n), func(b *testing.B) {
				w := newWriteBench(b, dialect, n)
				for _, writers := range []int{1, 16} {
					b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) { w.run(b, writers) })
				}
			})
		}
	}
}

// writeBench is an organization behind a server, with what each writer
// of BenchmarkWriteThroughput changes.
type writeBench struct {
	o       *largeOrg
	url     string
	targets []writeTarget
}

// writeTarget is one writer's user, a policy not attached to it, a group
// it is not in, and its next step in its cycle of four, across runs.
type writeTarget struct {
	user, policy, group string
	step                int
}

// request is the write of t's current step: attach the policy to the
// user, add the user to the group, detach the policy, remove the user, so
// that each cycle leaves the organization as it found it.
func (t *writeTarget) request() (method, path, body string) {
	switch t.step % 4 {
	case 0:
		return "POST", "/v2/policies/" + t.policy + "/users/" + t.user, ""
	case 1:
		return "POST", "/v2/groups/" + t.group + "/members", `{"user_id":"` + t.user + `"}`
	case 2:
		return "DELETE", "/v2/policies/" + t.policy + "/users/" + t.user, ""
	default:
		return "DELETE", "/v2/groups/" + t.group + "/members/" + t.user, ""
	}
}

// newWriteBench writes an organization of n users to a fresh database of
// the dialect and starts a server on it; b's end closes both.
func newWriteBench(b *testing.B, dialect string, n int) *writeBench {
	ctx := context.Background()
	db := keywardtest.OpenDialect(b, dialect, sqlstore.Config{})
	start := time.Now()
	o, err := writeOrg(ctx, db, policytest.ShapeOf(n))
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d users written in %v", dialect, n, time.Since(start).Round(time.Millisecond))
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc := service.New(db, service.Options{Logger: logger})
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger, Registerer: reg, Gatherer: reg}))
	b.Cleanup(srv.Close)
	w := &writeBench{o: o, url: srv.URL}
	for u := range 16 {
		t := writeTarget{user: string(o.users[u])}
		for p := range o.policyIDs {
			if !slices.Contains(o.reach[u], p) {
				t.policy = string(o.policyIDs[p])
				break
			}
		}
		for g := range o.groupIDs {
			if !slices.Contains(o.members[g], u) {
				t.group = string(o.groupIDs[g])
				break
			}
		}
		w.targets = append(w.targets, t)
	}
	return w
}

// run sends b.N writes from the given number of writers and reports.
func (w *writeBench) run(b *testing.B, writers int) {
	h := &httpBench{o: w.o, url: w.url}
	var next atomic.Int64
	lat := make([][]time.Duration, writers)
	errs := make([]error, writers)
	var wg sync.WaitGroup
	b.ResetTimer()
	for k := range writers {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 2 * time.Minute}
		t := &w.targets[k]
		wg.Go(func() {
			defer c.CloseIdleConnections()
			for next.Add(1) <= int64(b.N) {
				method, path, body := t.request()
				t0 := time.Now()
				if err := h.send(c, method, path, body); err != nil {
					errs[k] = fmt.Errorf("writer %d, step %d: %w", k, t.step, err)
					next.Store(int64(b.N)) // stop the others
					return
				}
				lat[k] = append(lat[k], time.Since(t0))
				t.step++
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	failed := 0
	for _, err := range errs {
		if err != nil {
			b.Error(err)
			failed++
		}
	}
	if failed > 0 {
		b.FailNow()
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "writes/s")
	b.ReportMetric(ms(all[len(all)/2]), "p50-ms")
	b.ReportMetric(ms(all[len(all)*99/100]), "p99-ms")
	b.ReportMetric(0, "errors")
}

// send sends one request to h's server as the org's authorizer; anything
// but a 2xx is an error.
func (h *httpBench) send(c *http.Client, method, path, body string) error {
	req, err := http.NewRequest(method, h.url+path, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+h.o.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	io.Copy(&buf, res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s = %d %.200s", method, path, res.StatusCode, buf.Bytes())
	}
	return nil
}
