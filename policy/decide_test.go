package policy

import (
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

const (
	orgID     = "00000000-0000-4000-8000-00000000000a"
	projectA  = "00000000-0000-4000-8000-0000000000a1"
	projectB  = "00000000-0000-4000-8000-0000000000b1"
	vmInA     = "00000000-0000-4000-8000-00000000a001"
	vmInB     = "00000000-0000-4000-8000-00000000b001"
	otherOrg  = "00000000-0000-4000-8000-00000000000f"
	otherVMID = "00000000-0000-4000-8000-00000000f001"
)

// mustSet parses documents (written as JSON) into a Set.
func mustSet(t testing.TB, docs ...string) *Set {
	t.Helper()
	var in []Input
	for i, d := range docs {
		doc, err := Parse(nil, []byte(d))
		if err != nil {
			t.Fatalf("Parse(%s) error = %v", d, err)
		}
		in = append(in, Input{ID: string(rune('a' + i)), Name: "policy-" + string(rune('a'+i)), Doc: doc})
	}
	return Compile(nil, in)
}

func TestDecide_resources(t *testing.T) {
	allowOn := func(res string) string {
		return stmtDoc(`{"Effect":"Allow","Action":"compute.instance.*","Resource":"` + res + `"}`)
	}
	inA := Request{Action: "compute.instance.Update", Resource: vmInA, Project: projectA, Org: orgID}
	inB := Request{Action: "compute.instance.Update", Resource: vmInB, Project: projectB, Org: orgID}
	projA := Request{Action: "compute.instance.List", Project: projectA, Org: orgID}
	orgLevel := Request{Action: "compute.instance.List", Org: orgID}
	elsewhere := Request{Action: "compute.instance.Update", Resource: otherVMID, Org: otherOrg}
	tests := []struct {
		name string
		doc  string
		req  Request
		want Decision
	}{
		{"star covers anything", allowOn("*"), elsewhere, Allow},
		{"resource id covers the resource", allowOn(vmInA), inA, Allow},
		{"resource id, any case", allowOn(strings.ToUpper(vmInA)), inA, Allow},
		{"resource id does not cover another", allowOn(vmInA), inB, ImplicitDeny},
		{"resource id does not cover its project", allowOn(vmInA), projA, ImplicitDeny},
		{"project id covers its resources", allowOn(projectA), inA, Allow},
		{"project id covers the project itself", allowOn(projectA), projA, Allow},
		{"project id does not cover another project", allowOn(projectA), inB, ImplicitDeny},
		{"project id does not cover the org level", allowOn(projectA), orgLevel, ImplicitDeny},
		{"org id covers everything in the org", allowOn(orgID), inB, Allow},
		{"org id covers the org level", allowOn(orgID), orgLevel, Allow},
		{"org id does not cover another org", allowOn(orgID), elsewhere, ImplicitDeny},
		{"one of several resources", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":["` + vmInB + `","` + projectA + `"]}`), inA, Allow},
		{"wrong action", allowOn("*"), Request{Action: "compute.baremetal.Update", Org: orgID}, ImplicitDeny},
		{"action any case", allowOn("*"), Request{Action: "COMPUTE.INSTANCE.UPDATE"}, Allow},
		{"deny on the project beats allow on the resource", stmtDoc(
			`{"Effect":"Allow","Action":"compute.instance.Update","Resource":"`+vmInA+`"}`,
			`{"Effect":"Deny","Action":"compute.*","Resource":"`+projectA+`"}`), inA, ExplicitDeny},
		{"deny on another project does not apply", stmtDoc(
			`{"Effect":"Allow","Action":"compute.instance.Update","Resource":"`+vmInA+`"}`,
			`{"Effect":"Deny","Action":"compute.*","Resource":"`+projectB+`"}`), inA, Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := mustSet(t, tt.doc)
			if got := set.Decide(&tt.req); got != tt.want {
				t.Errorf("Decide(%+v) = %v, want %v", tt.req, got, tt.want)
			}
		})
	}
}

func TestDecide_unknownAction(t *testing.T) {
	set := mustSet(t, stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`))
	r := &Request{Action: "compute.instance.Frobnicate"}
	if got := set.Decide(r); got != ImplicitDeny {
		t.Errorf("Decide(unknown action) = %v, want implicit deny", got)
	}
	ex := set.Explain(r)
	if ex.Decision != ImplicitDeny || len(ex.Diagnostics) != 1 || !strings.Contains(ex.Diagnostics[0].Message, "not in the catalog") {
		t.Errorf("Explain(unknown action) = %+v", ex)
	}
}

func TestDecide_nil(t *testing.T) {
	var s *Set
	if got := s.Decide(&Request{Action: "compute.instance.Read"}); got != ImplicitDeny {
		t.Errorf("nil Set: Decide = %v", got)
	}
	if got := mustSet(t, stmtDoc(okStmt)).Decide(nil); got != ImplicitDeny {
		t.Errorf("Decide(nil) = %v", got)
	}
	if ex := s.Explain(&Request{}); ex.Decision != ImplicitDeny || len(ex.Diagnostics) == 0 {
		t.Errorf("nil Set: Explain = %+v", ex)
	}
}

func TestDecide_noAllocations(t *testing.T) {
	set := mustSet(t,
		stmtDoc(`{"Effect":"Allow","Action":["compute.*","iam.user.Read"],"Resource":["`+projectA+`"],"Condition":{"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"},"StringLike":{"keyward:PrincipalTag/team":"r*"},"DateLessThan":{"keyward:CurrentTime":"2030-01-01T00:00:00Z"}}}`),
		stmtDoc(`{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":false}}}`),
	)
	reqs := []Request{
		{Action: "compute.instance.Read", Resource: vmInA, Project: projectA, Org: orgID,
			Context: Context{Time: march, SourceIP: netip.MustParseAddr("10.1.2.3"), MFA: FlagFalse, PrincipalTags: map[string]string{"team": "red"}}},
		{Action: "Compute.Instance.Delete", Resource: vmInA, Project: projectA, Org: orgID, Context: Context{MFA: FlagFalse}},
		{Action: "no.such.Action"},
	}
	wants := []Decision{Allow, ExplicitDeny, ImplicitDeny}
	for i := range reqs {
		if got := set.Decide(&reqs[i]); got != wants[i] {
			t.Fatalf("Decide(%+v) = %v, want %v", reqs[i], got, wants[i])
		}
		if n := testing.AllocsPerRun(100, func() { set.Decide(&reqs[i]) }); n != 0 {
			t.Errorf("Decide(%+v) allocates %v times, want 0", reqs[i], n)
		}
	}
}

func TestExplain_JSON(t *testing.T) {
	docA, _ := Parse(nil, []byte(stmtDoc(
		`{"Sid":"Ops","Effect":"Allow","Action":"compute.*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"compute.instance.Delete","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":false}}}`,
		`{"Effect":"Allow","Action":"iam.*","Resource":"*"}`)))
	set := Compile(nil, []Input{
		{ID: "p-1", Name: "vm-admin", Via: "group:ops → role:deployer", Doc: docA},
		{ID: "p-1", Name: "vm-admin", Via: "user", Doc: docA},
	})
	ex := set.Explain(&Request{Action: "compute.instance.Delete", Resource: "not a uuid"})
	got, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"decision":"allow","allowed":true,"action":"compute.instance.Delete","statements":[` +
		`{"policy_id":"p-1","policy_name":"vm-admin","via":"group:ops → role:deployer","statement_index":0,"sid":"Ops","effect":"Allow","applied":true},` +
		`{"policy_id":"p-1","policy_name":"vm-admin","via":"group:ops → role:deployer","statement_index":1,"effect":"Deny","applied":false,"failed_conditions":[{"operator":"Bool","key":"keyward:MultiFactorAuthPresent","key_missing":true,"message":"keyward:MultiFactorAuthPresent is missing from the request"}]},` +
		`{"policy_id":"p-1","policy_name":"vm-admin","via":"user","statement_index":0,"sid":"Ops","effect":"Allow","applied":true},` +
		`{"policy_id":"p-1","policy_name":"vm-admin","via":"user","statement_index":1,"effect":"Deny","applied":false,"failed_conditions":[{"operator":"Bool","key":"keyward:MultiFactorAuthPresent","key_missing":true,"message":"keyward:MultiFactorAuthPresent is missing from the request"}]}],` +
		`"diagnostics":[{"message":"request resource id \"not a uuid\" is neither a UUID nor a provider id; only \"*\" and TYPE/* resources can match it"}]}`
	if string(got) != want {
		t.Errorf("json.Marshal(Explain) =\n%s\nwant\n%s", got, want)
	}
}

// TestCompile_invalidStatements: statements Parse would reject (built in Go, or stored
// before a catalog change) never grant, and a broken Deny is applied as widely as it could be.
func TestCompile_invalidStatements(t *testing.T) {
	allowAll := Statement{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}
	in := func(sts ...Statement) []Input {
		return []Input{{ID: "p", Name: "p", Doc: &Document{Version: Version, Statement: sts}}}
	}
	r := &Request{Action: "compute.instance.Read", Resource: vmInA, Project: projectA, Org: orgID}
	tests := []struct {
		name  string
		in    []Input
		want  Decision
		diags int
	}{
		{"allow with bad resource", in(Statement{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*", "vm-1"}}), ImplicitDeny, 1},
		{"allow with unknown action", in(Statement{Effect: EffectAllow, Action: []string{"compute.instance.Read", "compute.instance.Gone"}, Resource: []string{"*"}}), ImplicitDeny, 1},
		{"allow with bad condition", in(Statement{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}, Condition: Condition{"StringNotEquals": {"x": {"y"}}}}), ImplicitDeny, 1},
		{"allow, unsupported version", []Input{{ID: "p", Doc: &Document{Version: "2012-10-17", Statement: []Statement{allowAll}}}}, ImplicitDeny, 1},
		{"nil document denies everything", []Input{{ID: "p"}, {ID: "q", Doc: &Document{Version: Version, Statement: []Statement{allowAll}}}}, ExplicitDeny, 1},
		{"lower-case deny is a deny", in(allowAll, Statement{Effect: "deny", Action: []string{"compute.instance.Read"}, Resource: []string{"*"}}), ExplicitDeny, 1},
		{"deny with malformed action denies every action", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"iam.user.Read", "compute.in*ance.Read"}, Resource: []string{"*"}}), ExplicitDeny, 1},
		{"deny with an action gone from the catalog matches only the rest", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"iam.user.Read", "compute.instance.Gone"}, Resource: []string{"*"}}), Allow, 1},
		{"deny with bad resource denies every resource", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"compute.*"}, Resource: []string{otherVMID, "vm-1"}}), ExplicitDeny, 1},
		{"deny with no resources denies every resource", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"compute.*"}}), ExplicitDeny, 1},
		{"allow on a type gone from the catalog grants nothing", in(Statement{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"compute.gone/*"}}), ImplicitDeny, 1},
		{"deny on a type gone from the catalog denies every resource", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"compute.*"}, Resource: []string{"compute.gone/vm-1"}}), ExplicitDeny, 1},
		{"allow on a type none of its actions is of grants nothing", in(Statement{Effect: EffectAllow, Action: []string{"compute.instance.Read"}, Resource: []string{"storage.block/*"}}), ImplicitDeny, 1},
		{"deny with a bad condition entry counts it as met", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"compute.*"}, Resource: []string{"*"}, Condition: Condition{OpIpAddress: {KeySourceIp: {"not-an-ip"}}}}), ExplicitDeny, 1},
		{"deny keeps its valid conditions", in(allowAll, Statement{Effect: EffectDeny, Action: []string{"compute.*"}, Resource: []string{"*"}, Condition: Condition{OpIpAddress: {KeySourceIp: {"not-an-ip"}}, OpBool: {KeyMultiFactorAuthPresent: {"true"}}}}), Allow, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := Compile(nil, tt.in)
			if got := set.Decide(r); got != tt.want {
				t.Errorf("Decide() = %v, want %v", got, tt.want)
			}
			if got := len(set.Diagnostics()); got != tt.diags {
				t.Errorf("Diagnostics() = %+v, want %d", set.Diagnostics(), tt.diags)
			}
			if ex := set.Explain(r); ex.Decision != set.Decide(r) || len(ex.Diagnostics) < tt.diags {
				t.Errorf("Explain() = %+v", ex)
			}
		})
	}
}

func TestCombine(t *testing.T) {
	tests := []struct {
		in   []Decision
		want Decision
		at   int
	}{
		{nil, ImplicitDeny, -1},
		{[]Decision{Allow}, Allow, 0},
		{[]Decision{Allow, Allow}, Allow, 0},
		{[]Decision{Allow, ImplicitDeny}, ImplicitDeny, 1},
		{[]Decision{ImplicitDeny, Allow}, ImplicitDeny, 0},
		{[]Decision{Allow, ImplicitDeny, Allow}, ImplicitDeny, 1},
		{[]Decision{Allow, ExplicitDeny}, ExplicitDeny, 1},
		{[]Decision{ImplicitDeny, ExplicitDeny}, ExplicitDeny, 1},
		{[]Decision{ExplicitDeny, ExplicitDeny}, ExplicitDeny, 0},
		// Not a decision: it denies, never allows.
		{[]Decision{Decision(9)}, ImplicitDeny, 0},
		{[]Decision{Decision(9), Allow}, ImplicitDeny, 0},
		{[]Decision{Allow, Decision(9)}, ImplicitDeny, 1},
	}
	for _, tt := range tests {
		if got, at := Combine(tt.in...); got != tt.want || at != tt.at {
			t.Errorf("Combine(%v) = %v, %d; want %v, %d", tt.in, got, at, tt.want, tt.at)
		}
	}
}

func TestDecision_text(t *testing.T) {
	for _, d := range []Decision{Allow, ExplicitDeny, ImplicitDeny} {
		b, err := d.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Decision
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Errorf("UnmarshalText(%s) = %v, %v; want %v", b, back, err, d)
		}
	}
	if _, err := Decision(7).MarshalText(); err == nil {
		t.Error("MarshalText(7) succeeded")
	}
	var d Decision
	if err := d.UnmarshalText([]byte("maybe")); err == nil {
		t.Error(`UnmarshalText("maybe") succeeded`)
	}
}

// TestCompile_validityAgreesWithCheck: Compile decides in one pass whether a statement is
// valid and runs checkStatement only for invalid ones; the two must agree on every statement.
func TestCompile_validityAgreesWithCheck(t *testing.T) {
	invalid := 0
	for seed := range uint64(3000) {
		c := rand.New(rand.NewPCG(seed, 5))
		w := genWorld(c)
		st := genStatement(c, w, true)
		l := &errorList{}
		l.checkStatement(w.cat, 0, &st, &stmtShape{})
		set := Compile(w.cat, []Input{{ID: "p", Doc: &Document{Version: Version, Statement: []Statement{st}}}})
		if got, want := len(set.Diagnostics()) > 0, len(l.errs) > 0; got != want {
			t.Fatalf("statement %+v: Compile found it invalid = %v, checkStatement = %v (%v)", st, got, want, l.errs)
		}
		if len(l.errs) > 0 {
			invalid++
		}
	}
	if invalid < 300 {
		t.Errorf("only %d of 3000 generated statements were invalid", invalid)
	}
}

// TestSet_concurrentUse exercises a shared catalog and sets from several goroutines; it finds
// data races under go test -race.
func TestSet_concurrentUse(t *testing.T) {
	w := genWorld(rand.New(rand.NewPCG(9, 9)))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			c := rand.New(rand.NewPCG(uint64(g), 10))
			for range 200 {
				ps := genPolicies(c, w, true)
				set := Compile(w.cat, ps)
				r := genRequest(c, w)
				if d, ex := set.Decide(&r), set.Explain(&r); d != ex.Decision {
					t.Errorf("Decide = %v, Explain = %v", d, ex.Decision)
				}
			}
		})
	}
	wg.Wait()
}
