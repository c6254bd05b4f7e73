package httpapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// awkward are strings that encoding/json escapes: HTML characters,
// quotes, control characters, invalid UTF-8, the JavaScript line
// separators, and plain non-ASCII that it does not.
var awkward = []string{
	"", "plain", `<script>&"'\`, "tab\tnew\nline\rcarriage\bback\fform", "\x00\x01\x1f\x7f",
	"bad \xff\xfe utf-8", "cut \xe2\x82", "sep \u2028 and \u2029", "été 🔑 ✓", "policy:\"x\" → role:<r>",
}

func TestAppendVerdictMatchesEncodingJSON(t *testing.T) {
	stmt := func(s string) policy.StatementResult {
		return policy.StatementResult{PolicyID: "0193a000-0000-7000-8000-000000000012", PolicyName: s, Via: s, Index: 3, Sid: s,
			Effect: policy.EffectDeny, Applied: false, FailedConditions: []policy.ConditionResult{
				{Operator: "IpAddress", Key: "keyward:SourceIp", KeyMissing: true, Message: s},
				{Operator: "DateLessThan", Key: s, Message: "late"},
			}}
	}
	tests := []struct {
		name string
		v    verdictJSON
	}{
		{"brief", verdictJSON{Decision: "deny", PrincipalID: "0193a000-0000-7000-8000-000000000011", Revision: 7}},
		{"nil statements", verdictJSON{Decision: "allow", Allowed: true, Explanation: &authz.Result{Decision: policy.Allow, Allowed: true, Layer: authz.LayerRootOwner}}},
		{"no statement", verdictJSON{Decision: "deny", Revision: -1, Explanation: &authz.Result{Layer: authz.LayerTenant, Reason: "elsewhere", Statements: []policy.StatementResult{}}}},
		{"plain statement", verdictJSON{Decision: "allow", Allowed: true, PrincipalID: "p", Explanation: &authz.Result{Decision: policy.Allow, Allowed: true,
			Layer: authz.LayerPolicy, Statements: []policy.StatementResult{{PolicyID: "a", PolicyName: "b", Index: -1, Effect: policy.EffectAllow, Applied: true}}}}},
		{"diagnostics", verdictJSON{Decision: "deny", Explanation: &authz.Result{Decision: policy.ExplicitDeny, Statements: []policy.StatementResult{stmt("s")},
			Diagnostics: []policy.Diagnostic{{Message: "no request"}, {PolicyID: "a", PolicyName: "b", Via: "c", Path: "Statement[0]", Message: "m"}, {Path: "p", Message: ""}}}}},
	}
	for _, s := range awkward {
		tests = append(tests, struct {
			name string
			v    verdictJSON
		}{"strings " + s, verdictJSON{Decision: s, PrincipalID: s, Explanation: &authz.Result{Layer: s, Reason: s,
			Statements: []policy.StatementResult{stmt(s), stmt(s + s)}, Diagnostics: []policy.Diagnostic{{PolicyName: s, Via: s, Message: s}}}}})
	}
	for _, tt := range tests {
		var want bytes.Buffer
		if err := json.NewEncoder(&want).Encode(tt.v); err != nil {
			t.Fatal(err)
		}
		if got := appendVerdict(nil, &tt.v); !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s: appendVerdict =\n%s\nencoding/json =\n%s", tt.name, got, want.Bytes())
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendJSONString(%q) = %s, encoding/json says %s", s, got, want)
		}
	})
}

// TestVerdictFieldsKnown fails when a type appendVerdict writes gains or
// loses a field: appendVerdict must then learn it, or it would drop it
// from every answer while encoding/json's batch answers carried it.
func TestVerdictFieldsKnown(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want int
	}{
		{verdictJSON{}, 5}, {authz.Result{}, 6}, {policy.StatementResult{}, 8}, {policy.ConditionResult{}, 4}, {policy.Diagnostic{}, 5},
	} {
		if got := reflect.TypeOf(tt.v).NumField(); got != tt.want {
			t.Errorf("%T has %d fields, appendVerdict writes %d: teach it the change", tt.v, got, tt.want)
		}
	}
}
