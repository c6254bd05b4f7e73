package policy

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/keyward-iam/keyward/policy/policytest"
)

// Run: go test ./policy -run '^$' -bench . -benchtime 2s
// Results and the machine they came from are in docs/benchmarks.md.

const benchSample = 20000 // requests in the fixed sample

// benchSets compiles the sets of the first n users of the large org.
func benchSets(n int) (*largeOrg, []*Set) {
	o := largeOrgOnce()
	sets := make([]*Set, n)
	for u := range sets {
		sets[u] = Compile(o.cat, o.users[u])
	}
	return o, sets
}

// BenchmarkDecide measures Decide over a fixed sample of requests spread over 2,000 users of
// the large org. ns/op is the mean over the sample, cycled in order (so caches are as cold as
// 2,000 sets make them). The percentiles are over the requests of the sample, each timed two
// ways, since reading the clock here costs about as much as a decision:
//   - p50-ns, p99-ns: one call per timing, less the median cost of reading the clock;
//   - p50-warm-ns, p99-warm-ns: 16 back-to-back calls of the same request per timing, divided.
func BenchmarkDecide(b *testing.B) {
	o, sets := benchSets(2000)
	reqs, who := o.requests(rand.New(rand.NewPCG(1, 1)), sets, benchSample)
	counts := map[Decision]int{}
	for i := range reqs {
		counts[sets[who[i]].Decide(&reqs[i])]++
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		sets[who[i]].Decide(&reqs[i])
		if i++; i == len(reqs) {
			i = 0
		}
	}
	b.StopTimer()
	overhead := policytest.ClockOverhead()
	p50, p99 := decidePercentiles(sets, reqs, who, 1, overhead)
	w50, w99 := decidePercentiles(sets, reqs, who, 16, overhead)
	b.ReportMetric(p50, "p50-ns")
	b.ReportMetric(p99, "p99-ns")
	b.ReportMetric(w50, "p50-warm-ns")
	b.ReportMetric(w99, "p99-warm-ns")
	b.ReportMetric(100*float64(counts[Allow])/benchSample, "%allow")
	b.ReportMetric(100*float64(counts[ExplicitDeny])/benchSample, "%explicit-deny")
}

// decidePercentiles times each request of the sample (reps calls per timing, less the clock's
// cost) and returns the 50th and 99th percentiles of the time per call, in nanoseconds.
func decidePercentiles(sets []*Set, reqs []Request, who []int, reps int, overhead float64) (p50, p99 float64) {
	ds := make([]float64, len(reqs))
	for i := range reqs {
		s, r := sets[who[i]], &reqs[i]
		t0 := time.Now()
		for range reps {
			s.Decide(r)
		}
		ds[i] = max(0, float64(time.Since(t0))-overhead) / float64(reps)
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100]
}

// BenchmarkDecideLayers measures a decision narrowed by a token's inline policy: the sample
// of BenchmarkDecide, each request put to the user's set and then to an inline policy of
// three statements (a wildcard allow on two services, a project-scoped allow, a deny).
func BenchmarkDecideLayers(b *testing.B) {
	o, sets := benchSets(2000)
	reqs, who := o.requests(rand.New(rand.NewPCG(1, 1)), sets, benchSample)
	inline := Compile(o.cat, []Input{{ID: "token", Doc: &Document{Version: Version, Statement: []Statement{
		{Effect: EffectAllow, Action: []string{"compute.*", "storage.*"}, Resource: []string{"*"}},
		{Effect: EffectAllow, Action: []string{"iam.*"}, Resource: []string{o.projects[0], o.projects[1]}},
		{Effect: EffectDeny, Action: []string{"*.*.Delete"}, Resource: []string{"*"}},
	}}}})
	layers := make([][]Layer, len(sets))
	for u, s := range sets {
		layers[u] = []Layer{{"policies", s}, {"token", inline}}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		DecideLayers(&reqs[i], layers[who[i]]...)
		if i++; i == len(reqs) {
			i = 0
		}
	}
}

// BenchmarkExplain measures Explain, which looks at every statement and allocates.
func BenchmarkExplain(b *testing.B) {
	o, sets := benchSets(500)
	reqs, who := o.requests(rand.New(rand.NewPCG(2, 2)), sets, benchSample)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sets[who[i]].Explain(&reqs[i])
		if i++; i == len(reqs) {
			i = 0
		}
	}
}

// BenchmarkCompile measures compiling one user's set (ns/op), cycling through the users.
func BenchmarkCompile(b *testing.B) {
	o := largeOrgOnce()
	stmts := 0
	for _, in := range o.users {
		for _, p := range in {
			stmts += len(p.Doc.Statement)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	u := 0
	for b.Loop() {
		Compile(o.cat, o.users[u])
		if u++; u == len(o.users) {
			u = 0
		}
	}
	b.ReportMetric(float64(stmts)/float64(len(o.users)), "statements/set")
}

// BenchmarkCompileOrg compiles the sets of all 10,000 users (one op) and reports the memory
// they hold once compiled.
func BenchmarkCompileOrg(b *testing.B) {
	o := largeOrgOnce()
	var heap float64
	for b.Loop() {
		b.StopTimer()
		before := liveHeap()
		b.StartTimer()
		sets := make([]*Set, len(o.users))
		for u := range sets {
			sets[u] = Compile(o.cat, o.users[u])
		}
		b.StopTimer()
		heap = float64(liveHeap() - before)
		runtime.KeepAlive(sets)
		b.StartTimer()
	}
	b.ReportMetric(heap/float64(len(o.users)), "B/set")
	b.ReportMetric(heap/(1<<20), "MiB/10k-sets")
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkParse measures parsing a 5-statement document with wildcards and a condition.
func BenchmarkParse(b *testing.B) {
	doc := []byte(stmtDoc(
		`{"Effect":"Allow","Action":["compute.instance.*","compute.snapshot.List"],"Resource":"*"}`,
		`{"Effect":"Allow","Action":["storage.object.Get*"],"Resource":["00000000-0000-4000-8000-0000000000a1"]}`,
		`{"Effect":"Deny","Action":["compute.instance.Delete"],"Resource":"*","Condition":{"NotIpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}}`,
		`{"Effect":"Allow","Action":["iam.user.Read","iam.user.List","iam.group.*"],"Resource":"*"}`,
		`{"Effect":"Allow","Action":"kubernetes.*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true}}}`))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(nil, doc); err != nil {
			b.Fatal(err)
		}
	}
}
