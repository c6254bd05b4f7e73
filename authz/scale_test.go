//go:build unix

package authz_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy/policytest"
)

// scaledOrgs holds, per size, the organization of scaledOrg, written once
// per test binary run.
var scaledOrgs sync.Map // int → func() (*largeOrg, error)

// scaledOrg returns an organization of n users in the large org's
// proportions (policytest.ShapeOf), written to its own SQLite file on
// first use; of policytest.LargeUsers users it is the large org itself.
func scaledOrg(n int) (*largeOrg, error) {
	if n == policytest.LargeUsers {
		return largeOrgOnce()
	}
	f, _ := scaledOrgs.LoadOrStore(n, sync.OnceValues(func() (*largeOrg, error) {
		return writeOrgFile("keyward-scaledorg-", policytest.ShapeOf(n))
	}))
	return f.(func() (*largeOrg, error))()
}

// liveHeap returns the bytes of live heap after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkSnapshotScale builds the snapshot of organizations of 1,000,
// 10,000 (the large org) and 50,000 users of the large org's shape, each
// op with a new Authorizer, from a warm database:
//   - ms/op and cpu-ms/op: authz.New and the first Snapshot;
//   - first-check-ms: from authz.New to the answer of the first Decide
//     (which compiles that user's policies): a fresh server's first check;
//   - compile-all-ms: one Decide per user, compiling every user's policies;
//   - snapshot-heap-MiB: the live heap the Authorizer holds after the
//     build; heap-MiB and heap-bytes/user after every user is compiled
//     (runtime.ReadMemStats after a GC, less the heap before authz.New).
//
// The 50,000-user org takes about 35 s to write and each of its ops about
// 45 s (most of it compiling every user); KEYWARD_BENCH_50K=0 leaves it
// out.
//
// Run: go test ./authz -run '^$' -bench SnapshotScale -benchtime 3x
func BenchmarkSnapshotScale(b *testing.B) {
	for _, n := range []int{1000, policytest.LargeUsers, 50000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			if n == 50000 && os.Getenv("KEYWARD_BENCH_50K") == "0" {
				b.Skip("KEYWARD_BENCH_50K=0 leaves out the 50,000-user organization")
			}
			o, err := scaledOrg(n)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%d users written in %v", n, o.written.Round(time.Millisecond))
			// One request about each user.
			reqs := o.requests(rand.New(rand.NewPCG(9, 9)), n, n)
			for u := range reqs {
				reqs[u].Principal = o.users[u]
			}
			ctx := context.Background()
			var cpu cpuMeter
			var build, first, compile time.Duration
			var snapHeap, heap uint64
			b.ResetTimer()
			b.StopTimer()
			for range b.N {
				h0 := liveHeap()
				b.StartTimer()
				t0 := time.Now()
				cpu.start()
				a := authz.New(o.db, authz.Options{Catalog: o.cat})
				snap, err := a.Snapshot(ctx, o.org, 0)
				cpu.stop()
				build += time.Since(t0)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				snap.Decide(&reqs[0])
				first += time.Since(t0)
				h1 := liveHeap()
				t1 := time.Now()
				for u := range reqs {
					snap.Decide(&reqs[u])
				}
				compile += time.Since(t1)
				h2 := liveHeap()
				runtime.KeepAlive(a)
				runtime.KeepAlive(snap)
				snapHeap += h1 - min(h0, h1)
				heap += h2 - min(h0, h2)
			}
			per := func(d time.Duration) float64 { return float64(d) / 1e6 / float64(b.N) }
			mib := func(v uint64) float64 { return float64(v) / float64(b.N) / (1 << 20) }
			b.ReportMetric(per(build), "ms/op")
			cpu.report(b, time.Millisecond, "cpu-ms/op")
			b.ReportMetric(per(first), "first-check-ms")
			b.ReportMetric(per(compile), "compile-all-ms")
			b.ReportMetric(mib(snapHeap), "snapshot-heap-MiB")
			b.ReportMetric(mib(heap), "heap-MiB")
			b.ReportMetric(float64(heap)/float64(b.N)/float64(n), "heap-bytes/user")
		})
	}
}
