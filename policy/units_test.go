package policy

import (
	"runtime"
	"testing"
	"time"
)

// TestCompile_sharesUnits holds that a document is compiled once, however
// many sets it is in, and that a set holding it twice decides as once.
func TestCompile_sharesUnits(t *testing.T) {
	cat := DefaultCatalog()
	doc := &Document{Version: Version, Statement: []Statement{
		{Effect: EffectAllow, Action: []string{"compute.instance.Read"}, Resource: []string{"*"}},
	}}
	a := Compile(cat, []Input{{ID: "p", Doc: doc, Via: "direct"}})
	b := Compile(cat, []Input{{ID: "p", Doc: doc, Via: "group:ops"}, {ID: "p", Doc: doc, Via: "direct"}})
	if a.units[0] != b.units[0] || b.units[0] != b.units[1] {
		t.Fatalf("the document was compiled more than once")
	}
	if got, want := len(b.distinct), 1; got != want {
		t.Errorf("distinct units = %d, want %d", got, want)
	}
	r := &Request{Action: "compute.instance.Read"}
	if got := b.Decide(r); got != Allow {
		t.Errorf("Decide = %v, want Allow", got)
	}
	if got, want := len(b.Explain(r).Statements), 2; got != want {
		t.Errorf("Explain lists %d statements, want %d (one per path)", got, want)
	}
}

// TestCompile_unitsFollowDocuments holds that the Compiled of a document that
// is gone is dropped, so old policy versions do not pile up.
func TestCompile_unitsFollowDocuments(t *testing.T) {
	cat, err := NewCatalog([]Action{{Name: "svc.thing.Read", Level: LevelRead}})
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		cat.units.m.Range(func(any, any) bool { n++; return true })
		return n
	}
	func() {
		for range 100 {
			doc := &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"svc.thing.Read"}, Resource: []string{"*"}}}}
			Compile(cat, []Input{{ID: "p", Doc: doc}})
		}
	}()
	if got := count(); got == 0 {
		t.Fatalf("no Compiled cached after compiling")
	}
	deadline := time.Now().Add(5 * time.Second)
	for count() > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := count(); got != 0 {
		t.Errorf("%d units of collected documents still cached", got)
	}
}

// TestUnit_sparseAndDenseAgree holds that a document indexed by binary
// search (few actions) and one indexed by action (many) decide alike.
func TestUnit_sparseAndDenseAgree(t *testing.T) {
	cat := DefaultCatalog()
	few := &Document{Version: Version, Statement: []Statement{
		{Effect: EffectDeny, Action: []string{"compute.instance.Delete"}, Resource: []string{"*"}},
		{Effect: EffectAllow, Action: []string{"compute.instance.*"}, Resource: []string{"*"}},
	}}
	many := &Document{Version: Version, Statement: []Statement{
		{Effect: EffectDeny, Action: []string{"compute.instance.Delete"}, Resource: []string{"*"}},
		{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}},
	}}
	sf, sm := Compile(cat, []Input{{Doc: few}}), Compile(cat, []Input{{Doc: many}})
	if sf.units[0].dense != nil || sm.units[0].dense == nil {
		t.Fatalf("layouts: few dense=%v, many dense=%v; want sparse and dense", sf.units[0].dense != nil, sm.units[0].dense != nil)
	}
	for _, tc := range []struct {
		action   string
		few, all Decision
	}{
		{"compute.instance.Delete", ExplicitDeny, ExplicitDeny},
		{"compute.instance.Read", Allow, Allow},
		{"iam.user.List", ImplicitDeny, Allow},
	} {
		r := &Request{Action: tc.action}
		if got := sf.Decide(r); got != tc.few {
			t.Errorf("few: Decide(%s) = %v, want %v", tc.action, got, tc.few)
		}
		if got := sm.Decide(r); got != tc.all {
			t.Errorf("many: Decide(%s) = %v, want %v", tc.action, got, tc.all)
		}
	}
}
