package policy

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// agree reports how the engine's Decide and Explain disagree with the reference on r, or "".
func agree(cat *Catalog, ps []Input, set *Set, r Request) string {
	want := refDecide(cat, ps, r)
	if got := set.Decide(&r); got != want.decision {
		return fmt.Sprintf("Decide = %v, reference = %v", got, want.decision)
	}
	ex := set.Explain(&r)
	if ex.Decision != want.decision || ex.Allowed != want.decision.Allowed() {
		return fmt.Sprintf("Explain decision = %v (allowed %v), reference = %v", ex.Decision, ex.Allowed, want.decision)
	}
	var got, wantS []string
	for _, s := range ex.Statements {
		var failed []string
		for _, f := range s.FailedConditions {
			failed = append(failed, f.Operator+" "+f.Key+" missing="+boolWord(f.KeyMissing))
		}
		got = append(got, fmt.Sprintf("%s[%d] %s applied=%v failed=%q", s.PolicyID, s.Index, s.Effect, s.Applied, failed))
	}
	for _, s := range want.statements {
		eff := EffectAllow
		if s.deny {
			eff = EffectDeny
		}
		wantS = append(wantS, fmt.Sprintf("%s[%d] %s applied=%v failed=%q", ps[s.policy].ID, s.index, eff, s.applied, s.failed))
	}
	if !slices.Equal(got, wantS) {
		return fmt.Sprintf("Explain statements:\n got  %s\n want %s", strings.Join(got, "\n      "), strings.Join(wantS, "\n      "))
	}
	return ""
}

func describe(ps []Input, r Request) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s: %s\n", p.ID, p.Doc)
	}
	fmt.Fprintf(&b, "  request: %+v", r)
	return b.String()
}

// TestDecideMatchesReference runs 100,000 random requests (2,000 random catalogs, policy sets
// with wildcards, denies, conditions, resource scoping and some invalid statements, 50
// requests each) through the engine and the reference evaluator.
func TestDecideMatchesReference(t *testing.T) {
	worlds, requests := 2000, 50
	if testing.Short() {
		worlds = 200
	}
	counts := map[Decision]int{}
	for seed := range uint64(worlds) {
		c := rand.New(rand.NewPCG(seed, 1))
		w := genWorld(c)
		ps := genPolicies(c, w, true)
		set := Compile(w.cat, ps)
		for range requests {
			r := genRequest(c, w)
			if msg := agree(w.cat, ps, set, r); msg != "" {
				t.Fatalf("seed %d: %s\n%s", seed, msg, describe(ps, r))
			}
			counts[set.Decide(&r)]++
		}
	}
	t.Logf("decisions: %v", counts)
	// The generators must produce every outcome often, or agreement proves little.
	for _, d := range []Decision{Allow, ExplicitDeny, ImplicitDeny} {
		if counts[d] < worlds*requests/20 {
			t.Errorf("only %d of %d requests were %v: the generators are lopsided", counts[d], worlds*requests, d)
		}
	}
}

// propertyCase is a random world with a valid policy set and requests.
type propertyCase struct {
	w    *world
	ps   []Input
	reqs []Request
	c    *rand.Rand
}

func forCases(t *testing.T, n int, f func(t *testing.T, pc propertyCase)) {
	t.Helper()
	for seed := range uint64(n) {
		c := rand.New(rand.NewPCG(seed, 2))
		pc := propertyCase{w: genWorld(c), c: c}
		pc.ps = genPolicies(c, pc.w, false)
		for range 30 {
			pc.reqs = append(pc.reqs, genRequest(c, pc.w))
		}
		f(t, pc)
		if t.Failed() {
			t.Fatalf("seed %d", seed)
		}
	}
}

func decisions(set *Set, reqs []Request) []Decision {
	out := make([]Decision, len(reqs))
	for i := range reqs {
		out[i] = set.Decide(&reqs[i])
	}
	return out
}

func TestPropertyDenyWins(t *testing.T) {
	forCases(t, 300, func(t *testing.T, pc propertyCase) {
		ps := append(slices.Clone(pc.ps), Input{ID: "deny-all", Doc: &Document{Version: Version, Statement: []Statement{{Effect: EffectDeny, Action: []string{"*"}, Resource: []string{"*"}}}}})
		set := Compile(pc.w.cat, ps)
		for i, r := range pc.reqs {
			_, known := pc.w.cat.Lookup(r.Action)
			if got := set.Decide(&pc.reqs[i]); known && got != ExplicitDeny || !known && got != ImplicitDeny {
				t.Errorf("with Deny * *: Decide(%+v) = %v", r, got)
			}
		}
	})
}

func TestPropertyDefaultDeny(t *testing.T) {
	forCases(t, 300, func(t *testing.T, pc propertyCase) {
		empty := Compile(pc.w.cat, nil)
		var onlyDeny []Input
		for _, p := range pc.ps {
			d := &Document{Version: Version}
			for _, st := range p.Doc.Statement {
				st.Effect = EffectDeny
				d.Statement = append(d.Statement, st)
			}
			onlyDeny = append(onlyDeny, Input{ID: p.ID, Doc: d})
		}
		denies := Compile(pc.w.cat, onlyDeny)
		for i, r := range pc.reqs {
			if got := empty.Decide(&pc.reqs[i]); got != ImplicitDeny {
				t.Errorf("empty set: Decide(%+v) = %v", r, got)
			}
			if got := denies.Decide(&pc.reqs[i]); got == Allow {
				t.Errorf("only Deny statements: Decide(%+v) = Allow", r)
			}
		}
	})
}

// TestPropertyOrderAndDuplicates shuffles the policies and the statements inside them and
// duplicates some of each: no answer may change.
func TestPropertyOrderAndDuplicates(t *testing.T) {
	forCases(t, 300, func(t *testing.T, pc propertyCase) {
		want := decisions(Compile(pc.w.cat, pc.ps), pc.reqs)
		var ps []Input
		for _, p := range pc.ps {
			d := &Document{Version: Version, Statement: slices.Clone(p.Doc.Statement)}
			if pc.c.IntN(2) == 0 {
				d.Statement = append(d.Statement, d.Statement[pc.c.IntN(len(d.Statement))])
			}
			pc.c.Shuffle(len(d.Statement), func(i, j int) { d.Statement[i], d.Statement[j] = d.Statement[j], d.Statement[i] })
			ps = append(ps, Input{ID: p.ID, Doc: d})
			if pc.c.IntN(3) == 0 {
				ps = append(ps, Input{ID: p.ID + "-again", Doc: d})
			}
		}
		pc.c.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		if got := decisions(Compile(pc.w.cat, ps), pc.reqs); !slices.Equal(got, want) {
			t.Errorf("shuffled and duplicated: decisions %v, want %v", got, want)
		}
	})
}

// TestPropertyMonotonic adds a random Allow (which may only add access and never remove an
// explicit deny) or a random Deny (which may only remove access).
func TestPropertyMonotonic(t *testing.T) {
	forCases(t, 400, func(t *testing.T, pc propertyCase) {
		before := decisions(Compile(pc.w.cat, pc.ps), pc.reqs)
		for _, eff := range []Effect{EffectAllow, EffectDeny} {
			st := genStatement(pc.c, pc.w, false)
			st.Effect = eff
			ps := append(slices.Clone(pc.ps), Input{ID: "added", Doc: &Document{Version: Version, Statement: []Statement{st}}})
			after := decisions(Compile(pc.w.cat, ps), pc.reqs)
			for i := range pc.reqs {
				b, a := before[i], after[i]
				switch {
				case eff == EffectAllow && b == Allow && a != Allow:
					t.Errorf("adding an Allow removed access: %+v: %v → %v", pc.reqs[i], b, a)
				case eff == EffectAllow && b == ExplicitDeny && a != ExplicitDeny:
					t.Errorf("adding an Allow lifted an explicit deny: %+v: %v → %v", pc.reqs[i], b, a)
				case eff == EffectDeny && b != Allow && a == Allow:
					t.Errorf("adding a Deny added access: %+v: %v → %v", pc.reqs[i], b, a)
				}
			}
		}
	})
}

// TestPropertyInvalidNeverAllows adds statements with invalid elements: an invalid Allow must
// change nothing, and an invalid Deny must not add access.
func TestPropertyInvalidNeverAllows(t *testing.T) {
	forCases(t, 400, func(t *testing.T, pc propertyCase) {
		before := decisions(Compile(pc.w.cat, pc.ps), pc.reqs)
		st := genStatement(pc.c, pc.w, true)
		l := &errorList{}
		l.checkStatement(pc.w.cat, 0, &st, &stmtShape{})
		if len(l.errs) == 0 {
			return // the generator happened to produce a valid statement
		}
		ps := append(slices.Clone(pc.ps), Input{ID: "invalid", Doc: &Document{Version: Version, Statement: []Statement{st}}})
		after := decisions(Compile(pc.w.cat, ps), pc.reqs)
		for i := range pc.reqs {
			if st.Effect == EffectAllow && after[i] != before[i] || before[i] != Allow && after[i] == Allow {
				t.Errorf("invalid statement %+v changed %+v: %v → %v", st, pc.reqs[i], before[i], after[i])
			}
		}
	})
}
