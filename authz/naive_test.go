//go:build unix

package authz_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// naiveEvaluator is the "naive map-and-glob evaluator" of the issue: for
// each user, the policy documents that reach it (parsed once, shared
// between users), evaluated per request by looping over every statement,
// globbing its action patterns (glob) and
// matching its resources by policy's one rule (policy.CoversResource),
// which parses each resource every time.
// Conditions are read from the statement's condition block on each
// evaluation (the operators and keys policy accepts; values parsed each
// time).
type naiveEvaluator struct {
	org   string
	users map[keyward.UserID][]*policy.Document
	// globs caches the regular expression of each pattern with more than
	// one '*', compiled on first use: what the evaluator holds to glob,
	// as policy's matcher holds nothing, so it is left out of the heap it
	// reports.
	globs map[string]*regexp.Regexp
}

// newNaive builds the evaluator of o from the documents' JSON.
func newNaive(o *largeOrg, raws [][]byte) (*naiveEvaluator, error) {
	docs := make([]*policy.Document, len(raws))
	for i, raw := range raws {
		d, err := policy.Parse(o.cat, raw)
		if err != nil {
			return nil, err
		}
		docs[i] = d
	}
	n := &naiveEvaluator{org: string(o.org), users: make(map[keyward.UserID][]*policy.Document, len(o.users)),
		globs: map[string]*regexp.Regexp{}}
	for u, id := range o.users {
		reach := slices.Compact(slices.Sorted(slices.Values(o.reach[u])))
		ds := make([]*policy.Document, len(reach))
		for i, p := range reach {
			ds[i] = docs[p]
		}
		n.users[id] = ds
	}
	return n, nil
}

// decide is policy's rule: a matching Deny wins, then a matching Allow,
// else the implicit deny.
func (n *naiveEvaluator) decide(r *authz.Request) policy.Decision {
	allow := false
	pr := policy.Request{Action: r.Action, Resource: r.Resource, Type: r.Type, Project: r.Project, Org: n.org}
	for _, d := range n.users[r.Principal] {
		for i := range d.Statement {
			st := &d.Statement[i]
			if !n.actions(st.Action, r.Action) || !naiveResources(st.Resource, &pr) || !naiveConditions(st.Condition, &r.Context) {
				continue
			}
			if st.Effect == policy.EffectDeny {
				return policy.ExplicitDeny
			}
			allow = true
		}
	}
	if allow {
		return policy.Allow
	}
	return policy.ImplicitDeny
}

// actions reports whether action matches one of the patterns.
func (n *naiveEvaluator) actions(patterns []string, action string) bool {
	for _, p := range patterns {
		if n.glob(p, action) {
			return true
		}
	}
	return false
}

// glob reports whether action matches pattern as docs/policy.md says:
// '*' matches any run of characters, dots included; every other
// character stands for itself, in any case. It is written independently
// of policy's matcher, which the evaluator is there to check, and costs
// what a naive evaluator's would: a pattern without '*' is compared as a
// name, one with a single '*' by the text before and after it, and one
// with more by a regular expression (globRegexp), compiled on first use.
func (n *naiveEvaluator) glob(pattern, action string) bool {
	// Most patterns differ from the action in their first character,
	// which rules them out as cheaply as a hand-written matcher would.
	if pattern != "" && pattern[0] != '*' && (action == "" || !strings.EqualFold(pattern[:1], action[:1])) {
		return false
	}
	star := strings.IndexByte(pattern, '*')
	switch {
	case star < 0:
		return strings.EqualFold(pattern, action)
	case strings.LastIndexByte(pattern, '*') == star:
		before, after := pattern[:star], pattern[star+1:]
		return len(action) >= len(before)+len(after) &&
			strings.EqualFold(action[:len(before)], before) &&
			strings.EqualFold(action[len(action)-len(after):], after)
	}
	re, ok := n.globs[pattern]
	if !ok {
		re = globRegexp(pattern)
		n.globs[pattern] = re
	}
	return re.MatchString(action)
}

// globRegexp translates an action pattern into a regular expression that
// a whole action matches when the pattern does: each '*' becomes ".*",
// the text between stands for itself (regexp.QuoteMeta), in any case.
func globRegexp(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?is)\A` + strings.Join(parts, ".*") + `\z`)
}

// TestNaiveGlob checks the naive evaluator's own glob, on each of its
// ways to match, since the engine is checked against it.
func TestNaiveGlob(t *testing.T) {
	n := &naiveEvaluator{globs: map[string]*regexp.Regexp{}}
	for _, c := range []struct {
		pattern, action string
		want            bool
	}{
		{"compute.instance.Read", "compute.instance.Read", true},
		{"COMPUTE.Instance.read", "compute.instance.Read", true},
		{"compute.instance.Read", "compute.instance.ReadAll", false},
		{"*", "compute.instance.Read", true},
		{"compute.*", "compute.instance.Read", true},
		{"compute.*", "computer.instance.Read", false},
		{"*.instance.Read", "Compute.INSTANCE.read", true},
		{"compute.instance.Re*", "compute.instance.Read", true},
		{"compute.instance.Re*", "compute.instance.Delete", false},
		{"a.*.a", "a.a", false}, // before and after may not overlap
		{"a.*.a", "a..a", true},
		{"*.instance.*", "compute.instance.Read", true},
		{"*.instance.*", "compute.snapshot.Read", false},
		{"c*e.*.R*d", "compute.instance.Read", true},
		{"c*e.*.R*d", "compute.instanceXRead", false}, // '.' is a dot, not any character
		{"**", "", true},
		{"c*", "", false},
	} {
		if got := n.glob(c.pattern, c.action); got != c.want {
			t.Errorf("glob(%q, %q) = %v, want %v", c.pattern, c.action, got, c.want)
		}
	}
}

func naiveResources(resources []string, r *policy.Request) bool {
	for _, res := range resources {
		if policy.CoversResource(res, r) {
			return true
		}
	}
	return false
}

// naiveConditions reports whether every condition of the block holds; a
// missing key or an unknown operator does not.
func naiveConditions(c policy.Condition, ctx *policy.Context) bool {
	for op, keys := range c {
		for key, values := range keys {
			if !naiveCondition(op, key, values, ctx) {
				return false
			}
		}
	}
	return true
}

func naiveCondition(op, key string, values []string, ctx *policy.Context) bool {
	switch {
	case key == policy.KeySourceIp && (op == policy.OpIpAddress || op == policy.OpNotIpAddress):
		if !ctx.SourceIP.IsValid() {
			return false
		}
		in := false
		for _, v := range values {
			p, err := netip.ParsePrefix(v)
			if err != nil {
				a, err := netip.ParseAddr(v)
				if err != nil {
					continue
				}
				p = netip.PrefixFrom(a, a.BitLen())
			}
			in = in || p.Contains(ctx.SourceIP.Unmap())
		}
		return in == (op == policy.OpIpAddress)
	case key == policy.KeyMultiFactorAuthPresent && op == policy.OpBool:
		if ctx.MFA == policy.FlagUnset {
			return false
		}
		return slices.Contains(values, ctx.MFA.String())
	case key == policy.KeyCurrentTime && (op == policy.OpDateLessThan || op == policy.OpDateGreaterThan):
		if ctx.Time.IsZero() {
			return false
		}
		for _, v := range values {
			t, err := time.Parse(time.RFC3339, v)
			if err == nil && (op == policy.OpDateLessThan && ctx.Time.Before(t) || op == policy.OpDateGreaterThan && ctx.Time.After(t)) {
				return true
			}
		}
		return false
	case strings.HasPrefix(key, "keyward:PrincipalTag/") && op == policy.OpStringEquals:
		name := strings.TrimPrefix(key, "keyward:PrincipalTag/")
		for k, v := range ctx.PrincipalTags {
			if strings.EqualFold(k, name) && slices.Contains(values, v) {
				return true
			}
		}
		return false
	}
	return false
}

// BenchmarkEngineVsNaive compares the engine with naiveEvaluator on the
// large org, every user's policies compiled (one Decide per user) before
// the heap is read:
//   - heap-MiB: the live heap each holds (runtime.ReadMemStats after a GC,
//     less the heap before it was built: for the engine, authz.New, the
//     snapshot and every compiled set; for the naive evaluator, the 2,000
//     parsed documents and the users' lists; the regular expressions of
//     patterns with several '*', which the large org has none of, would
//     be compiled after the heap is read);
//   - ns/op and allocs/op: one decision, cycling through the sample of
//     BenchmarkDecide (20,000 requests about all 10,000 users);
//   - heap-vs-naive (engine only): the engine's heap over the naive one's,
//     the target being at most 4; its speed target is the naive
//     ns/op at least 4 times the engine's, with 0 allocs/op.
//
// Before timing, both must agree on every request of the sample, where
// the engine's built-in self layer (what every member may do about itself
// or its organization, which policies do not grant) counts as the
// policies' implicit deny. The sample's context meets the generator's IP and MFA conditions and, with
// no principal tags, never its tag ones; the naive evaluator reads them
// all itself.
//
// Run: go test ./authz -run '^$' -bench EngineVsNaive -benchtime 2s
func BenchmarkEngineVsNaive(b *testing.B) {
	o := largeOrgOf(b)
	ctx := context.Background()
	reqs := o.requests(rand.New(rand.NewPCG(1, 1)), len(o.users), benchSample)
	perUser := o.requests(rand.New(rand.NewPCG(9, 9)), len(o.users), len(o.users))
	for u := range perUser {
		perUser[u].Principal = o.users[u]
	}
	raws := make([][]byte, len(o.docs))
	for i, d := range o.docs {
		raw, err := json.Marshal(d)
		if err != nil {
			b.Fatal(err)
		}
		raws[i] = raw
	}

	h0 := liveHeap()
	a := authz.New(o.db, authz.Options{Catalog: o.cat})
	snap, err := a.Snapshot(ctx, o.org, 0)
	if err != nil {
		b.Fatal(err)
	}
	for u := range perUser {
		snap.Decide(&perUser[u])
	}
	engineHeap := liveHeap() - h0

	h0 = liveHeap()
	naive, err := newNaive(o, raws)
	if err != nil {
		b.Fatal(err)
	}
	naiveHeap := liveHeap() - h0

	counts := map[policy.Decision]int{}
	self := 0
	for i := range reqs {
		got, layer := snap.Decide(&reqs[i])
		if layer == authz.LayerSelf {
			// The built-in self layer allows what the policies left
			// implicitly denied; the naive evaluator has policies alone.
			got = policy.ImplicitDeny
			self++
		}
		if want := naive.decide(&reqs[i]); got != want {
			b.Fatalf("request %d (%+v): the engine says %v (layer %s), the naive evaluator %v", i, reqs[i], got, layer, want)
		}
		counts[got]++
	}
	b.Logf("agreed on %d requests: %d allow, %d explicit deny, %d implicit deny (%d of them allowed by the engine's self layer)",
		len(reqs), counts[policy.Allow], counts[policy.ExplicitDeny], counts[policy.ImplicitDeny], self)
	mib := func(v uint64) float64 { return float64(v) / (1 << 20) }

	b.Run("engine", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			snap.Decide(&reqs[i])
			if i++; i == len(reqs) {
				i = 0
			}
		}
		b.ReportMetric(mib(engineHeap), "heap-MiB")
		b.ReportMetric(float64(engineHeap)/float64(naiveHeap), "heap-vs-naive")
	})
	b.Run("naive", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			naive.decide(&reqs[i])
			if i++; i == len(reqs) {
				i = 0
			}
		}
		b.ReportMetric(mib(naiveHeap), "heap-MiB")
	})
	runtime.KeepAlive(a)
}
