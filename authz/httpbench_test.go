//go:build unix

package authz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/httpapi"
	"github.com/keyward-iam/keyward/service"
	"github.com/prometheus/client_golang/prometheus"
)

// These benchmarks drive keyward's real HTTP handler, on a real loopback
// listener, over the large org's SQLite store, with a closed-loop load
// driver: N workers, each with its own keep-alive connection, each sending
// its next request as soon as the previous answer is read. They live here,
// not in httpapi, because the large org is a test fixture of this package.
//
// Run: go test ./authz -run '^$' -bench HTTP -benchtime 3s
// Figures are in docs/benchmarks.md.

// httpBench is the server under load and what to send it.
type httpBench struct {
	o   *largeOrg
	url string
	pid int // the server's process, when it runs in its own (ratebench_test.go)
	// api is the handler behind url, when it runs in this process.
	api http.Handler
	// served records how long the handler took on each request: the
	// server's share of the latency, without the loopback and the driver.
	served *durations
	// loopback is a server that answers every request with a canned
	// verdict: the cost of HTTP and the driver alone on this machine.
	loopback string
	// single[i] is the body of POST /v2/authorize for sample request i;
	// allow[i] what the engine answers it. brief[i] is single[i] with
	// "explain": false; named[i] is brief[i] with the resource's
	// organization_id, which spares the registry lookup.
	single [][]byte
	brief  [][]byte
	named  [][]byte
	allow  []bool
	// batch[j] holds sample requests 100j to 100j+99.
	batch [][]byte
}

var httpBenchOnce = sync.OnceValues(newHTTPBench)

// checkJSON is a check of the authorize API, as a client sends it.
type checkJSON struct {
	PrincipalID string `json:"principal_id"`
	Action      string `json:"action"`
	Resource    struct {
		ID             string `json:"id,omitempty"`
		ProjectID      string `json:"project_id,omitempty"`
		OrganizationID string `json:"organization_id,omitempty"`
	} `json:"resource"`
	Context struct {
		SourceIP string `json:"source_ip"`
		Time     string `json:"time"`
		MFA      bool   `json:"mfa"`
	} `json:"context"`
	Explain *bool `json:"explain,omitempty"`
}

// newHTTPBench starts the server over the large org and warms it up: the
// snapshot is built and every sampled principal's policies compiled by
// sending the whole sample once.
func newHTTPBench() (*httpBench, error) {
	h, err := httpSampleOnce()
	if err != nil {
		return nil, err
	}
	h = h.clone()
	// The request log is formatted as in production, then dropped.
	logger := slog.New(slog.NewJSONHandler(io.Discard, nil))
	svc := service.New(h.o.db, service.Options{Logger: logger})
	reg := prometheus.NewRegistry()
	api := httpapi.NewServer(httpapi.Config{Service: svc, Logger: logger, Registerer: reg, Gatherer: reg})
	h.api = api
	served := h.served
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		api.ServeHTTP(w, r)
		served.add(time.Since(t0))
	}))
	canned := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(cannedVerdict)
	}))
	benchCleanups = append(benchCleanups, srv.Close, canned.Close)
	h.url, h.loopback = srv.URL, canned.URL
	if _, err := h.run(4, len(h.single), h.authorize); err != nil {
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	return h, nil
}

// httpSampleOnce draws the requests the HTTP benchmarks send, with the
// engine's answers, once per test binary run; it has no server yet.
var httpSampleOnce = sync.OnceValues(func() (*httpBench, error) {
	o, err := largeOrgOnce()
	if err != nil {
		return nil, err
	}
	h := &httpBench{o: o}
	a := authz.New(o.db, authz.Options{Catalog: o.cat})
	snap, err := a.Snapshot(context.Background(), o.org, 0)
	if err != nil {
		return nil, err
	}
	reqs := o.requests(rand.New(rand.NewPCG(4, 4)), len(o.users), benchSample)
	checks := make([]checkJSON, len(reqs))
	for i, r := range reqs {
		c := &checks[i]
		c.PrincipalID, c.Action = string(r.Principal), r.Action
		c.Resource.ID, c.Resource.ProjectID = r.Resource, r.Project
		c.Context.SourceIP, c.Context.Time, c.Context.MFA = sampleIP.String(), sampleTime.Format(time.RFC3339), sampleMFA
		body, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		short := *c
		short.Explain = new(bool)
		brief, err := json.Marshal(short)
		if err != nil {
			return nil, err
		}
		short.Resource.OrganizationID = string(o.org)
		named, err := json.Marshal(short)
		if err != nil {
			return nil, err
		}
		h.named = append(h.named, named)
		d, _ := snap.Decide(&r)
		h.single, h.brief, h.allow = append(h.single, body), append(h.brief, brief), append(h.allow, d.Allowed())
	}
	for j := 0; j < len(checks); j += service.MaxBatchChecks {
		body, err := json.Marshal(struct {
			Checks []checkJSON `json:"checks"`
		}{checks[j : j+service.MaxBatchChecks]})
		if err != nil {
			return nil, err
		}
		h.batch = append(h.batch, body)
	}
	return h, nil
})

// clone returns a copy of h's sample, with no server and its own record
// of handler times.
func (h *httpBench) clone() *httpBench {
	return &httpBench{o: h.o, single: h.single, brief: h.brief, named: h.named, allow: h.allow, batch: h.batch, served: new(durations)}
}

// authorize sends sample request i to POST /v2/authorize and checks that
// the answer is the engine's.
func (h *httpBench) authorize(c *http.Client, buf *bytes.Buffer, i int) error {
	i %= len(h.single)
	if err := h.post(c, buf, "/v2/authorize", h.single[i]); err != nil {
		return err
	}
	want := `{"decision":"deny"`
	if h.allow[i] {
		want = `{"decision":"allow"`
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte(want)) {
		return fmt.Errorf("request %d: got %.80s, want %s...", i, buf.Bytes(), want)
	}
	return nil
}

// authorizeBatch sends batch i to POST /v2/authorize/batch and checks the
// answers against the engine's.
func (h *httpBench) authorizeBatch(c *http.Client, buf *bytes.Buffer, i int) error {
	i %= len(h.batch)
	if err := h.post(c, buf, "/v2/authorize/batch", h.batch[i]); err != nil {
		return err
	}
	var out struct {
		Results []struct {
			Allowed bool `json:"allowed"`
		} `json:"results"`
	}
	if err := json.Unmarshal(buf.Bytes(), &out); err != nil {
		return err
	}
	for k, r := range out.Results {
		if r.Allowed != h.allow[i*service.MaxBatchChecks+k] {
			return fmt.Errorf("batch %d, check %d: allowed = %v, the engine says %v", i, k, r.Allowed, !r.Allowed)
		}
	}
	if len(out.Results) != service.MaxBatchChecks {
		return fmt.Errorf("batch %d: %d results, want %d", i, len(out.Results), service.MaxBatchChecks)
	}
	return nil
}

// effectiveAccess reads the effective access of user i.
func (h *httpBench) effectiveAccess(c *http.Client, buf *bytes.Buffer, i int) error {
	return h.do(c, buf, "GET", h.url, "/v2/users/"+string(h.o.users[i%len(h.o.users)])+"/effective-access", nil)
}

// loopbackAuthorize sends sample request i to the canned server.
func (h *httpBench) loopbackAuthorize(c *http.Client, buf *bytes.Buffer, i int) error {
	return h.do(c, buf, "POST", h.loopback, "/v2/authorize", h.single[i%len(h.single)])
}

func (h *httpBench) post(c *http.Client, buf *bytes.Buffer, path string, body []byte) error {
	return h.do(c, buf, "POST", h.url, path, body)
}

// do sends one request as the org's authorizer and reads the answer into
// buf; anything but a 200 is an error.
func (h *httpBench) do(c *http.Client, buf *bytes.Buffer, method, base, path string, body []byte) error {
	req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+h.o.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	buf.Reset()
	if _, err := buf.ReadFrom(res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s = %d %.200s", method, path, res.StatusCode, buf.Bytes())
	}
	return nil
}

// run sends n requests, send(i) for i < n, from the given number of
// workers, each on its own keep-alive connection, and returns each
// request's latency, sorted.
func (h *httpBench) run(workers, n int, send func(*http.Client, *bytes.Buffer, int) error) ([]time.Duration, error) {
	var next atomic.Int64
	lat := make([][]time.Duration, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
		wg.Go(func() {
			defer c.CloseIdleConnections()
			var buf bytes.Buffer
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := send(c, &buf, i); err != nil {
					errs[w] = err
					next.Store(int64(n)) // stop the others
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	all := slices.Concat(lat...)
	slices.Sort(all)
	for _, err := range errs {
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// httpLoad runs b.N calls of send from each worker count and reports the
// throughput in unit (perCall units per call), the latency percentiles of
// the calls, those of the handler alone, and cpu-us/call: the CPU time
// the process (server and driver) spent per call, which other load on the
// machine does not inflate as it does the wall-clock figures.
func httpLoad(b *testing.B, workers []int, perCall int, unit string, send func(*httpBench) func(*http.Client, *bytes.Buffer, int) error) {
	h, err := httpBenchOnce()
	if err != nil {
		b.Fatal(err)
	}
	for _, w := range workers {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			h.served.reset(b.N)
			b.ResetTimer()
			cpu0 := cpuTime()
			lat, err := h.run(w, b.N, send(h))
			cpu := cpuTime() - cpu0
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
			b.ReportMetric(float64(b.N*perCall)/b.Elapsed().Seconds(), unit)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/call")
			if served := h.served.sorted(); len(served) > 0 {
				b.ReportMetric(ms(served[len(served)/2]), "server-p50-ms")
				b.ReportMetric(ms(served[len(served)*99/100]), "server-p99-ms")
			}
		})
	}
}

// BenchmarkHTTPLoopback is BenchmarkHTTPAuthorize against a server that
// answers every request with the same canned verdict, without reading
// it: what HTTP on loopback and the driver cost on this machine, the
// ceiling of the authorize figures.
func BenchmarkHTTPLoopback(b *testing.B) {
	httpLoad(b, []int{1, 4, 16, 64}, 1, "decisions/s", func(h *httpBench) func(*http.Client, *bytes.Buffer, int) error { return h.loopbackAuthorize })
}

// BenchmarkHTTPAuthorize drives POST /v2/authorize with one check per call,
// over the 20,000 requests of the sample (about all 10,000 users).
func BenchmarkHTTPAuthorize(b *testing.B) {
	httpLoad(b, []int{1, 4, 16, 64}, 1, "decisions/s", func(h *httpBench) func(*http.Client, *bytes.Buffer, int) error { return h.authorize })
}

// BenchmarkHTTPAuthorizeBatch drives POST /v2/authorize/batch with 100
// checks per call.
func BenchmarkHTTPAuthorizeBatch(b *testing.B) {
	httpLoad(b, []int{1, 4}, service.MaxBatchChecks, "decisions/s", func(h *httpBench) func(*http.Client, *bytes.Buffer, int) error { return h.authorizeBatch })
}

// BenchmarkHTTPEffectiveAccess reads GET /v2/users/{id}/effective-access of
// each user in turn; the warm-up compiled the sets of the users it asked
// about (most of them).
func BenchmarkHTTPEffectiveAccess(b *testing.B) {
	httpLoad(b, []int{1, 4}, 1, "calls/s", func(h *httpBench) func(*http.Client, *bytes.Buffer, int) error { return h.effectiveAccess })
}

// cannedVerdict is a typical answer of POST /v2/authorize.
var cannedVerdict = []byte(`{"decision":"allow","allowed":true,"principal_id":"0193a000-0000-7000-8000-000000000011","revision":0,` +
	`"explanation":{"decision":"allow","allowed":true,"layer":"policy","reason":"an Allow statement matches and no Deny statement does",` +
	`"statements":[{"policy_id":"0193a000-0000-7000-8000-000000000012","policy_name":"policy-1","via":"group:g1","index":0,"effect":"Allow","applied":true}]}}` + "\n")

// durations collects the handler times of one benchmark run, from many
// goroutines, without a lock: each takes the next slot.
type durations struct {
	next atomic.Int64
	ds   atomic.Pointer[[]time.Duration]
}

// reset makes room for n durations.
func (d *durations) reset(n int) {
	ds := make([]time.Duration, n)
	d.ds.Store(&ds)
	d.next.Store(0)
}

func (d *durations) add(t time.Duration) {
	ds := d.ds.Load()
	if ds == nil {
		return
	}
	if i := d.next.Add(1) - 1; i < int64(len(*ds)) {
		(*ds)[i] = t
	}
}

// sorted returns the recorded durations, sorted.
func (d *durations) sorted() []time.Duration {
	ds := d.ds.Load()
	if ds == nil {
		return nil
	}
	out := slices.Clone((*ds)[:min(int(d.next.Load()), len(*ds))])
	slices.Sort(out)
	return out
}

// BenchmarkHTTPHandlerAuthorize calls the handler of POST /v2/authorize
// directly, without a connection: keyward's own CPU and allocations per
// call (middleware, authentication, JSON, decision, log line, metrics),
// which the loopback benchmarks mix with HTTP's and the driver's; with
// the explanation, and with "explain": false.
func BenchmarkHTTPHandlerAuthorize(b *testing.B) {
	h, err := httpBenchOnce()
	if err != nil {
		b.Fatal(err)
	}
	hdr := http.Header{"Authorization": {"Bearer " + h.o.token}, "Content-Type": {"application/json"}}
	for _, mode := range []struct {
		name   string
		bodies [][]byte
	}{{"explain", h.single}, {"brief", h.brief}, {"brief-named-org", h.named}} {
		b.Run(mode.name, func(b *testing.B) {
			var w discardWriter
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				body := mode.bodies[i%len(mode.bodies)]
				r := &http.Request{Method: "POST", URL: &url.URL{Path: "/v2/authorize"}, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
					Header: hdr, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
					Host: "127.0.0.1", RemoteAddr: "127.0.0.1:40000", RequestURI: "/v2/authorize"}
				w.reset()
				h.api.ServeHTTP(&w, r)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

// discardWriter is a ResponseWriter that keeps only the status.
type discardWriter struct {
	header http.Header
	status int
}

func (w *discardWriter) reset() {
	if w.header == nil {
		w.header = http.Header{}
	}
	clear(w.header)
	w.status = 0
}

func (w *discardWriter) Header() http.Header { return w.header }

func (w *discardWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *discardWriter) Write(b []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(b), nil
}
