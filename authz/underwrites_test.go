//go:build linux

package authz_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy/policytest"
)

// BenchmarkChecksUnderWrites offers POST /v2/authorize at a fixed rate,
// b.N requests, with the open-model driver of openload_test.go, to the
// keyward binary in its own process (`keyward server` on a copy of the
// large org's SQLite file, so its writes disturb no other benchmark),
// while a writer in this process, with its own HTTP client and paced by a
// ticker, changes the organization W times a second, cycling through:
// attach a policy to a user, add that user to a group, detach the policy,
// remove the user from the group. Every write bumps the org's revision.
//
// The writer's user is a member the benchmark adds to the copy; the
// sample never asks about it, and what it gains reaches nobody else, so
// every answer is still checked against the engine's verdict (a 200 with
// the same decision), as in BenchmarkHTTPAuthorizeRate. The group and
// policy are the org's own (group 0 and policy 0).
//
// Per rate and W: p50-ms, p99-ms and max-ms count from when each check was
// due; p99-vs-w0 is p99-ms over that of W=0 at the same rate, if it ran
// first (the target: at most 2 at W=20); decisions/s; writes (done
// during the run; a write slower than its period skips ticks);
// write-p50-ms and write-p99-ms per write; server-cpu-ms/s, the server
// process's CPU per second of the run (1000 is one core busy).
//
// Rates other than 2,000/s: KEYWARD_BENCH_RATES=2000,5000.
//
// Run: go test ./authz -run '^$' -bench ChecksUnderWrites -benchtime 60000x
func BenchmarkChecksUnderWrites(b *testing.B) {
	rates := []int{2000}
	if s := os.Getenv("KEYWARD_BENCH_RATES"); s != "" {
		rates = nil
		for _, f := range strings.Split(s, ",") {
			r, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || r <= 0 {
				b.Fatalf("KEYWARD_BENCH_RATES: bad rate %q", f)
			}
			rates = append(rates, r)
		}
	}
	for _, rate := range rates {
		var p99w0 float64
		for _, w := range []int{0, 1, 5, 20} {
			b.Run(fmt.Sprintf("rate=%d/writes=%d", rate, w), func(b *testing.B) {
				u, err := underWritesOnce()
				if err != nil {
					b.Fatal(err)
				}
				load, err := u.h.openLoad(false)
				if err != nil {
					b.Fatal(err)
				}
				server0 := processCPU(u.h.pid)
				stop := make(chan struct{})
				var writes []time.Duration
				var werr error
				var wg sync.WaitGroup
				if w > 0 {
					wg.Go(func() { writes, werr = u.write(w, stop) })
				}
				b.ResetTimer()
				res, err := load.run(b.N, rate)
				b.StopTimer()
				close(stop)
				wg.Wait()
				server := processCPU(u.h.pid) - server0
				if err != nil {
					b.Fatal(err)
				}
				if werr != nil {
					b.Fatal(werr)
				}
				ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
				p99 := ms(res.latency[res.n*99/100])
				b.ReportMetric(ms(res.latency[res.n/2]), "p50-ms")
				b.ReportMetric(p99, "p99-ms")
				b.ReportMetric(ms(res.latency[res.n-1]), "max-ms")
				b.ReportMetric(float64(res.n)/res.elapsed.Seconds(), "decisions/s")
				b.ReportMetric(float64(len(writes)), "writes")
				if len(writes) > 0 {
					slices.Sort(writes)
					b.ReportMetric(ms(writes[len(writes)/2]), "write-p50-ms")
					b.ReportMetric(ms(writes[len(writes)*99/100]), "write-p99-ms")
				}
				b.ReportMetric(float64(server.Milliseconds())/res.elapsed.Seconds(), "server-cpu-ms/s")
				if w == 0 {
					p99w0 = p99
				} else if p99w0 > 0 {
					b.ReportMetric(p99/p99w0, "p99-vs-w0")
				}
			})
		}
	}
}

// underWrites is the server of BenchmarkChecksUnderWrites and what its
// writer changes.
type underWrites struct {
	h *httpBench // the sample, aimed at the server (h.url, h.pid)
	// The writer's user, outside the sample, and its next step across runs.
	writeTarget
}

// underWritesOnce copies the large org, adds the writer's user to the
// copy, starts `keyward server` on it and warms it up with the whole
// sample (every verdict checked). The server is stopped, and the copy
// removed, when the test binary ends.
var underWritesOnce = sync.OnceValues(func() (*underWrites, error) {
	_, h, err := copySample()
	if err != nil {
		return nil, err
	}
	c := h.o
	user := keyward.UserID(policytest.UUID(rand.New(rand.NewPCG(8, 8))))
	ctx := context.Background()
	err = c.db.WriteTx(ctx, func(tx keyward.Tx) error {
		if err := tx.CreateAccount(ctx, &keyward.Account{ID: user, Email: "writer-target@large.example", Name: "writer target"}); err != nil {
			return err
		}
		return tx.CreateMember(ctx, &keyward.Member{OrgID: c.org, UserID: user, Status: keyward.StatusActive})
	})
	if err != nil {
		return nil, err
	}
	// The server alone writes to the copy from now on.
	if err := c.db.Close(); err != nil {
		return nil, err
	}
	if err := h.serve(); err != nil {
		return nil, err
	}
	return &underWrites{h: h, writeTarget: writeTarget{user: string(user), group: string(c.groupIDs[0]), policy: string(c.policyIDs[0])}}, nil
})

// write makes perSecond writes a second, paced by a ticker, until stop
// is closed, and returns how long each took. Anything but a 2xx is an
// error, which ends the writing.
func (u *underWrites) write(perSecond int, stop <-chan struct{}) ([]time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	var lat []time.Duration
	for {
		select {
		case <-stop:
			return lat, nil
		case <-tick.C:
		}
		method, path, body := u.request()
		t0 := time.Now()
		if err := u.h.send(client, method, path, body); err != nil {
			return lat, fmt.Errorf("write %d: %w", u.step, err)
		}
		lat = append(lat, time.Since(t0))
		u.step++
	}
}
