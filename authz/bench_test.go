//go:build unix

package authz_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"github.com/keyward-iam/keyward/policy/policytest"
)

// Run: go test ./authz -run '^$' -bench . -benchtime 2s
// The large org (largeorg_test.go) is written once per run, on first use
// (a few seconds); plain `go test` never writes it. The HTTP benchmarks
// are in httpbench_test.go. Results and the machine they came from are in
// docs/benchmarks.md.
//
// Besides ns/op, which is wall-clock time, most benchmarks report the CPU
// time the process spent per op (cpu-ns/op, cpu-us/op, cpu-ms/op): other
// load on the machine inflates it far less.

const benchSample = 20000 // requests in the fixed sample

// largeSnapshot returns the large org and a fresh Authorizer's snapshot of
// it, after checking that every user's policies came back from the store.
func largeSnapshot(b *testing.B) (*largeOrg, *authz.Authorizer, *authz.Snapshot) {
	b.Helper()
	o := largeOrgOf(b)
	a := authz.New(o.db, authz.Options{Catalog: o.cat})
	snap, err := a.Snapshot(context.Background(), o.org, 0)
	if err != nil {
		b.Fatal(err)
	}
	for u := 0; u < len(o.users); u += 97 {
		acc, err := snap.EffectiveAccess(o.users[u])
		if err != nil {
			b.Fatal(err)
		}
		want := slices.Compact(slices.Sorted(slices.Values(o.reach[u])))
		if len(acc.Policies) != len(want) {
			b.Fatalf("user %d has %d policies in the snapshot, want %d", u, len(acc.Policies), len(want))
		}
	}
	return o, a, snap
}

// BenchmarkSnapshotBuild measures the snapshot of the large org, from a
// warm database:
//   - load: the read transaction and LoadGraph alone;
//   - cold: a new Authorizer's first snapshot: LoadGraph, parsing the 2,000
//     documents, building the graph;
//   - rebuild: the snapshot after a change: LoadGraph and the graph, the
//     parsed documents of the previous snapshot reused.
func BenchmarkSnapshotBuild(b *testing.B) {
	o := largeOrgOf(b)
	b.Logf("the large org was written in %v", o.written.Round(time.Millisecond))
	ctx := context.Background()
	b.Run("load", func(b *testing.B) {
		var cpu cpuMeter
		b.ReportAllocs()
		cpu.start()
		for b.Loop() {
			err := o.db.ReadTx(ctx, func(tx keyward.Tx) error {
				_, err := tx.LoadGraph(ctx, o.org)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		cpu.stop()
		b.ReportMetric(float64(b.Elapsed())/1e6/float64(b.N), "ms/op")
		cpu.report(b, time.Millisecond, "cpu-ms/op")
	})
	b.Run("cold", func(b *testing.B) {
		var cpu cpuMeter
		b.ReportAllocs()
		for range b.N {
			b.StopTimer()
			a := authz.New(o.db, authz.Options{Catalog: o.cat})
			b.StartTimer()
			cpu.start()
			if _, err := a.Snapshot(ctx, o.org, 0); err != nil {
				b.Fatal(err)
			}
			cpu.stop()
		}
		b.ReportMetric(float64(b.Elapsed())/1e6/float64(b.N), "ms/op")
		cpu.report(b, time.Millisecond, "cpu-ms/op")
	})
	b.Run("rebuild", func(b *testing.B) {
		a := authz.New(o.db, authz.Options{Catalog: o.cat})
		if _, err := a.Snapshot(ctx, o.org, 0); err != nil {
			b.Fatal(err)
		}
		var cpu cpuMeter
		b.ReportAllocs()
		cpu.start()
		for b.Loop() {
			a.Invalidate(o.org)
			if _, err := a.Snapshot(ctx, o.org, 0); err != nil {
				b.Fatal(err)
			}
		}
		cpu.stop()
		b.ReportMetric(float64(b.Elapsed())/1e6/float64(b.N), "ms/op")
		cpu.report(b, time.Millisecond, "cpu-ms/op")
	})
}

// BenchmarkDecide measures Snapshot.Decide over a fixed sample of 20,000
// requests about all 10,000 users, every set compiled beforehand. ns/op is
// the mean over the sample, cycled in order; p50-ns and p99-ns time one
// call each, less the median cost of reading the clock.
func BenchmarkDecide(b *testing.B) {
	o, _, snap := largeSnapshot(b)
	reqs := o.requests(rand.New(rand.NewPCG(1, 1)), len(o.users), benchSample)
	counts := map[policy.Decision]int{}
	for i := range reqs {
		d, _ := snap.Decide(&reqs[i])
		counts[d]++
	}
	cycle(b, len(reqs), time.Nanosecond, "cpu-ns/op", func(i int) { snap.Decide(&reqs[i]) })
	ds := timeEach(len(reqs), func(i int) { snap.Decide(&reqs[i]) })
	b.ReportMetric(ds[len(ds)/2], "p50-ns")
	b.ReportMetric(ds[len(ds)*99/100], "p99-ns")
	b.ReportMetric(100*float64(counts[policy.Allow])/benchSample, "%allow")
	b.ReportMetric(100*float64(counts[policy.ExplicitDeny])/benchSample, "%explicit-deny")
}

// BenchmarkDecideParallel is BenchmarkDecide from GOMAXPROCS goroutines
// at once, each cycling through the sample from its own offset: what the
// per-snapshot cache of compiled sets costs under contention.
func BenchmarkDecideParallel(b *testing.B) {
	o, _, snap := largeSnapshot(b)
	reqs := o.requests(rand.New(rand.NewPCG(1, 1)), len(o.users), benchSample)
	for i := range reqs {
		snap.Decide(&reqs[i])
	}
	var seed atomic.Uint64
	var cpu cpuMeter
	b.ReportAllocs()
	b.ResetTimer()
	cpu.start()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.New(rand.NewPCG(seed.Add(1), 7)).IntN(len(reqs))
		for pb.Next() {
			snap.Decide(&reqs[i])
			if i++; i == len(reqs) {
				i = 0
			}
		}
	})
	cpu.stop()
	cpu.report(b, time.Nanosecond, "cpu-ns/op")
}

// BenchmarkDecideCold measures a principal's first decision in a
// snapshot, which compiles its policies: what every principal pays once
// after each change to the organization. Each op is another user; when
// all have been asked, the snapshot is rebuilt (outside the timer).
// p50-us and p99-us are over the 10,000 users.
func BenchmarkDecideCold(b *testing.B) {
	o, a, _ := largeSnapshot(b)
	reqs := o.requests(rand.New(rand.NewPCG(1, 1)), len(o.users), len(o.users))
	for u := range reqs {
		reqs[u].Principal = o.users[u]
	}
	snap := coldLoop(b, a, o.org, len(reqs), func(snap *authz.Snapshot, u int) { snap.Decide(&reqs[u]) })
	ds := timeEach(len(reqs), func(u int) { snap.Decide(&reqs[u]) })
	b.ReportMetric(ds[len(ds)/2]/1e3, "p50-us")
	b.ReportMetric(ds[len(ds)*99/100]/1e3, "p99-us")
}

// coldLoop times b.N calls of op, each about the next of n users in a
// new snapshot of org from a, so that each is the user's first question
// in the snapshot: once all n have been asked, the snapshot is rebuilt
// with the timer and the CPU meter stopped. It reports cpu-us/op and
// returns another new snapshot, for timing each user once.
func coldLoop(b *testing.B, a *authz.Authorizer, org keyward.OrgID, n int, op func(snap *authz.Snapshot, u int)) *authz.Snapshot {
	snap := freshSnapshot(b, a, org)
	var cpu cpuMeter
	b.ReportAllocs()
	b.ResetTimer()
	cpu.start()
	u := 0
	for range b.N {
		if u == n {
			cpu.stop()
			b.StopTimer()
			snap, u = freshSnapshot(b, a, org), 0
			b.StartTimer()
			cpu.start()
		}
		op(snap, u)
		u++
	}
	cpu.stop()
	b.StopTimer()
	cpu.report(b, time.Microsecond, "cpu-us/op")
	return freshSnapshot(b, a, org)
}

// freshSnapshot returns a new snapshot of org from a, in which no
// principal's policies are compiled yet.
func freshSnapshot(b *testing.B, a *authz.Authorizer, org keyward.OrgID) *authz.Snapshot {
	a.Invalidate(org)
	s, err := a.Snapshot(context.Background(), org, 0)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkEffectiveAccess measures Snapshot.EffectiveAccess, cycling
// through the 10,000 users:
//   - compiled: every user's policies compiled beforehand (a repeated call);
//   - uncompiled: each user's first question in the snapshot, which
//     compiles its policies; the snapshot is rebuilt, outside the timer,
//     once every user has been asked.
//
// p50-us, p99-us and max-us time each user once.
func BenchmarkEffectiveAccess(b *testing.B) {
	o, a, _ := largeSnapshot(b)
	report := func(b *testing.B, ds []float64) {
		b.ReportMetric(ds[len(ds)/2]/1e3, "p50-us")
		b.ReportMetric(ds[len(ds)*99/100]/1e3, "p99-us")
		b.ReportMetric(ds[len(ds)-1]/1e3, "max-us")
	}
	access := func(snap *authz.Snapshot, u int) {
		if _, err := snap.EffectiveAccess(o.users[u]); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("compiled", func(b *testing.B) {
		snap := freshSnapshot(b, a, o.org)
		for u := range o.users {
			access(snap, u)
		}
		cycle(b, len(o.users), time.Microsecond, "cpu-us/op", func(u int) { access(snap, u) })
		report(b, timeEach(len(o.users), func(u int) { access(snap, u) }))
	})
	b.Run("uncompiled", func(b *testing.B) {
		snap := coldLoop(b, a, o.org, len(o.users), access)
		report(b, timeEach(len(o.users), func(u int) { access(snap, u) }))
	})
}

// BenchmarkWhoCan measures Snapshot.WhoCan over 100 requests of the
// sample (an action on a resource), every set compiled: one decision per
// member of the org and an explanation per grantee.
func BenchmarkWhoCan(b *testing.B) {
	o, _, snap := largeSnapshot(b)
	reqs := o.requests(rand.New(rand.NewPCG(3, 3)), len(o.users), 100)
	grantees := 0
	for i := range reqs {
		grantees += len(snap.WhoCan(reqs[i]))
	}
	cycle(b, len(reqs), time.Millisecond, "cpu-ms/op", func(i int) { snap.WhoCan(reqs[i]) })
	b.ReportMetric(float64(b.Elapsed())/1e6/float64(b.N), "ms/op")
	b.ReportMetric(float64(grantees)/float64(len(reqs)), "grantees/op")
}

// cycle times op(i) in b.Loop, i going through 0 to n-1 and round again
// (a sample cycled in order), with the CPU meter running alongside the
// timer, and reports the CPU time per op in unit as metric. The timer is
// stopped when it returns. The one call through op costs a few
// nanoseconds, nothing beside the microseconds of a decision.
func cycle(b *testing.B, n int, unit time.Duration, metric string, op func(i int)) {
	var cpu cpuMeter
	b.ReportAllocs()
	b.ResetTimer()
	cpu.start()
	i := 0
	for b.Loop() {
		op(i)
		if i++; i == n {
			i = 0
		}
	}
	cpu.stop()
	b.StopTimer()
	cpu.report(b, unit, metric)
}

// timeEach times fn(i) once for each i < n, less the median cost of
// reading the clock, and returns the times in nanoseconds, sorted.
func timeEach(n int, fn func(i int)) []float64 {
	overhead := policytest.ClockOverhead()
	ds := make([]float64, n)
	for i := range ds {
		t0 := time.Now()
		fn(i)
		ds[i] = max(0, float64(time.Since(t0))-overhead)
	}
	slices.Sort(ds)
	return ds
}

// cpuMeter adds up the CPU time the process spends between start and
// stop, alongside the benchmark's timer.
type cpuMeter struct {
	total, since time.Duration
}

func (m *cpuMeter) start() { m.since = cpuTime() }
func (m *cpuMeter) stop()  { m.total += cpuTime() - m.since }

// report reports the CPU time per op in unit, of which scale is one.
func (m *cpuMeter) report(b *testing.B, scale time.Duration, unit string) {
	b.ReportMetric(float64(m.total)/float64(scale)/float64(b.N), unit)
}

// cpuTime returns the CPU time, user and system, the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
