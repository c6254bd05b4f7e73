package policy

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestDecideLayers(t *testing.T) {
	allowAll := mustSet(t, stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`))
	denyAll := mustSet(t, stmtDoc(`{"Effect":"Deny","Action":"*","Resource":"*"}`))
	empty := Compile(nil, nil)
	layers := func(sets ...*Set) []Layer {
		var out []Layer
		for i, s := range sets {
			out = append(out, Layer{Name: string(rune('a' + i)), Set: s})
		}
		return out
	}
	tests := []struct {
		name   string
		layers []Layer
		want   Decision
		at     int
	}{
		{"no layers", nil, ImplicitDeny, -1},
		{"one allow", layers(allowAll), Allow, 0},
		{"every layer allows: the first decided", layers(allowAll, allowAll), Allow, 0},
		{"narrowed away", layers(allowAll, empty), ImplicitDeny, 1},
		{"never granted", layers(empty, allowAll), ImplicitDeny, 0},
		{"an explicit deny after an implicit one wins", layers(empty, denyAll), ExplicitDeny, 1},
		{"the first explicit deny", layers(allowAll, denyAll, denyAll), ExplicitDeny, 1},
		{"a nil set denies implicitly", layers(allowAll, nil), ImplicitDeny, 1},
	}
	r := &Request{Action: "compute.instance.Read", Resource: vmInA}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, at := DecideLayers(r, tt.layers...)
			if got != tt.want || at != tt.at {
				t.Errorf("DecideLayers() = %v, %d; want %v, %d", got, at, tt.want, tt.at)
			}
			ex := ExplainLayers(r, tt.layers...)
			wantLayer := ""
			if tt.at >= 0 {
				wantLayer = tt.layers[tt.at].Name
			}
			if ex.Decision != tt.want || ex.Allowed != tt.want.Allowed() || ex.Layer != wantLayer || len(ex.Layers) != len(tt.layers) {
				t.Errorf("ExplainLayers() = %+v; want %v from layer %q", ex, tt.want, wantLayer)
			}
		})
	}
}

func TestDecideLayers_noAllocations(t *testing.T) {
	base := mustSet(t, stmtDoc(`{"Effect":"Allow","Action":"compute.*","Resource":"*"}`))
	token := mustSet(t, stmtDoc(`{"Effect":"Allow","Action":"compute.instance.Read","Resource":"`+projectA+`"}`,
		`{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*"}`))
	layers := []Layer{{"policies", base}, {"token", token}}
	for _, r := range []Request{
		{Action: "compute.instance.Read", Resource: vmInA, Project: projectA},
		{Action: "compute.instance.Read", Resource: vmInB, Project: projectB},
		{Action: "compute.instance.Delete", Resource: vmInA, Project: projectA},
	} {
		if n := testing.AllocsPerRun(100, func() { DecideLayers(&r, layers...) }); n != 0 {
			t.Errorf("DecideLayers(%s) allocates %v times", r.Action, n)
		}
	}
}

func TestExplainLayers_JSON(t *testing.T) {
	base := mustSet(t, stmtDoc(`{"Sid":"Ops","Effect":"Allow","Action":"compute.*","Resource":"*"}`))
	token := mustSet(t, stmtDoc(`{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*"}`))
	ex := ExplainLayers(&Request{Action: "compute.instance.Delete"}, Layer{"policies", base}, Layer{"token", token})
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"decision":"explicit_deny","allowed":false,"action":"compute.instance.Delete","layer":"token","layers":[` +
		`{"name":"policies","decision":"allow","allowed":true,"action":"compute.instance.Delete","statements":[{"policy_id":"a","policy_name":"policy-a","statement_index":0,"sid":"Ops","effect":"Allow","applied":true}]},` +
		`{"name":"token","decision":"explicit_deny","allowed":false,"action":"compute.instance.Delete","statements":[{"policy_id":"a","policy_name":"policy-a","statement_index":0,"effect":"Deny","applied":true}]}]}`
	if string(b) != want {
		t.Errorf("json.Marshal(ExplainLayers) =\n%s\nwant\n%s", b, want)
	}
}

// refLayers combines the reference's answers for each layer the way docs/policy.md
// ("Narrowing") says: allow only if every layer allows; otherwise explicit deny if any layer
// denied explicitly, else implicit deny.
func refLayers(cat *Catalog, layers [][]Input, r Request) Decision {
	all, explicit := len(layers) > 0, false
	for _, ps := range layers {
		d := refDecide(cat, ps, r).decision
		all = all && d == Allow
		explicit = explicit || d == ExplicitDeny
	}
	switch {
	case explicit:
		return ExplicitDeny
	case all:
		return Allow
	}
	return ImplicitDeny
}

// TestPropertyNarrowing: random principals' policies narrowed by random inline policies
// (some invalid): the layered engine agrees with the reference, names a layer whose own
// answer is the combined one, and never allows what the principal's policies alone do not.
func TestPropertyNarrowing(t *testing.T) {
	for seed := range uint64(300) {
		c := rand.New(rand.NewPCG(seed, 4))
		w := genWorld(c)
		base, inline := genPolicies(c, w, false), genPolicies(c, w, true)
		layers := []Layer{{"policies", Compile(w.cat, base)}, {"token", Compile(w.cat, inline)}}
		for range 30 {
			r := genRequest(c, w)
			got, at := DecideLayers(&r, layers...)
			if want := refLayers(w.cat, [][]Input{base, inline}, r); got != want {
				t.Fatalf("seed %d: DecideLayers = %v, reference %v\n%s\n%s", seed, got, want, describe(base, r), describe(inline, r))
			}
			if at < 0 || layers[at].Set.Decide(&r) != got {
				t.Fatalf("seed %d: DecideLayers names layer %d, which did not decide %v", seed, at, got)
			}
			if got == Allow && layers[0].Set.Decide(&r) != Allow {
				t.Fatalf("seed %d: narrowing added access to %+v", seed, r)
			}
			if ex := ExplainLayers(&r, layers...); ex.Decision != got || ex.Layer != layers[at].Name {
				t.Fatalf("seed %d: ExplainLayers = %v from %q, DecideLayers = %v from %q", seed, ex.Decision, ex.Layer, got, layers[at].Name)
			}
		}
	}
}
