package policy

import (
	"net/netip"
	"testing"
	"time"
)

// condSet compiles one Allow statement on compute.instance.Read with the given condition.
func condSet(t *testing.T, effect Effect, cond string) *Set {
	t.Helper()
	doc, err := Parse(nil, []byte(stmtDoc(`{"Effect":"`+string(effect)+`","Action":"compute.instance.Read","Resource":"*","Condition":`+cond+`}`)))
	if err != nil {
		t.Fatalf("Parse(condition %s) error = %v", cond, err)
	}
	return Compile(nil, []Input{{ID: "p", Doc: doc}})
}

var (
	march  = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
	addr   = netip.MustParseAddr
	noTags = map[string]string(nil)
)

func TestConditions(t *testing.T) {
	tests := []struct {
		name    string
		cond    string
		ctx     Context
		want    bool // the Allow applies
		missing bool // the explanation reports the key missing
	}{
		{"after", `{"DateGreaterThan":{"keyward:CurrentTime":"2026-03-20T11:59:59Z"}}`, Context{Time: march}, true, false},
		{"after, other zone", `{"DateGreaterThan":{"keyward:CurrentTime":"2026-03-20T13:59:59+02:00"}}`, Context{Time: march}, true, false},
		{"not after when equal", `{"DateGreaterThan":{"keyward:CurrentTime":"2026-03-20T12:00:00Z"}}`, Context{Time: march}, false, false},
		{"before", `{"DateLessThan":{"keyward:CurrentTime":"2026-03-20T12:00:00.001Z"}}`, Context{Time: march}, true, false},
		{"not before", `{"DateLessThan":{"keyward:CurrentTime":"2026-01-01T00:00:00Z"}}`, Context{Time: march}, false, false},
		{"values are ORed", `{"DateLessThan":{"keyward:CurrentTime":["2026-01-01T00:00:00Z","2027-01-01T00:00:00Z"]}}`, Context{Time: march}, true, false},
		{"time window: operators are ANDed", `{"DateGreaterThan":{"keyward:CurrentTime":"2026-03-01T00:00:00Z"},"DateLessThan":{"keyward:CurrentTime":"2026-03-02T00:00:00Z"}}`, Context{Time: march}, false, false},
		{"time missing", `{"DateLessThan":{"keyward:CurrentTime":"2027-01-01T00:00:00Z"}}`, Context{}, false, true},

		{"in CIDR", `{"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{SourceIP: addr("10.20.30.40")}, true, false},
		{"non-canonical CIDR", `{"IpAddress":{"keyward:SourceIp":"10.1.2.3/8"}}`, Context{SourceIP: addr("10.20.30.40")}, true, false},
		{"not in CIDR", `{"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{SourceIP: addr("11.0.0.1")}, false, false},
		{"single address", `{"IpAddress":{"keyward:SourceIp":"192.0.2.7"}}`, Context{SourceIP: addr("192.0.2.7")}, true, false},
		{"single address, other", `{"IpAddress":{"keyward:SourceIp":"192.0.2.7"}}`, Context{SourceIP: addr("192.0.2.8")}, false, false},
		{"IPv6", `{"IpAddress":{"keyward:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}`, Context{SourceIP: addr("2001:db8::5")}, true, false},
		{"IPv4-mapped request address", `{"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{SourceIP: addr("::ffff:10.1.1.1")}, true, false},
		{"request address with zone", `{"IpAddress":{"keyward:SourceIp":"fe80::/10"}}`, Context{SourceIP: addr("fe80::1%eth0")}, true, false},
		{"IPv4 range, IPv6 address", `{"IpAddress":{"keyward:SourceIp":"0.0.0.0/0"}}`, Context{SourceIP: addr("2001:db8::5")}, false, false},
		{"NotIpAddress, outside all", `{"NotIpAddress":{"keyward:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`, Context{SourceIP: addr("8.8.8.8")}, true, false},
		{"NotIpAddress, inside one", `{"NotIpAddress":{"keyward:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`, Context{SourceIP: addr("192.168.1.1")}, false, false},
		{"NotIpAddress, address missing", `{"NotIpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{}, false, true},

		{"MFA true", `{"Bool":{"keyward:MultiFactorAuthPresent":true}}`, Context{MFA: FlagTrue}, true, false},
		{"MFA true wanted, false given", `{"Bool":{"keyward:MultiFactorAuthPresent":"true"}}`, Context{MFA: FlagFalse}, false, false},
		{"MFA false", `{"Bool":{"keyward:MultiFactorAuthPresent":false}}`, Context{MFA: FlagFalse}, true, false},
		{"MFA missing", `{"Bool":{"keyward:MultiFactorAuthPresent":false}}`, Context{}, false, true},

		{"MFA age less than", `{"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{Time: march, MFATime: march.Add(-3599 * time.Second)}, true, false},
		{"MFA age not less when equal", `{"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{Time: march, MFATime: march.Add(-3600 * time.Second)}, false, false},
		{"MFA age counts whole seconds", `{"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{Time: march, MFATime: march.Add(-3600*time.Second - 999*time.Millisecond)}, false, false},
		{"MFA age less or equal", `{"NumericLessThanEquals":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{Time: march, MFATime: march.Add(-3600 * time.Second)}, true, false},
		{"MFA age greater than", `{"NumericGreaterThan":{"keyward:MultiFactorAuthAge":"60"}}`, Context{Time: march, MFATime: march.Add(-61 * time.Second)}, true, false},
		{"MFA age greater or equal", `{"NumericGreaterThanEquals":{"keyward:MultiFactorAuthAge":"60"}}`, Context{Time: march, MFATime: march.Add(-59 * time.Second)}, false, false},
		{"MFA age values are ORed", `{"NumericGreaterThan":{"keyward:MultiFactorAuthAge":["90000","10"]}}`, Context{Time: march, MFATime: march.Add(-11 * time.Second)}, true, false},
		{"MFA verified after the request counts as 0", `{"NumericLessThanEquals":{"keyward:MultiFactorAuthAge":"0"}}`, Context{Time: march, MFATime: march.Add(time.Minute)}, true, false},
		{"MFA age missing", `{"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{Time: march, MFA: FlagTrue}, false, true},
		{"MFA age without a request time", `{"NumericLessThan":{"keyward:MultiFactorAuthAge":"3600"}}`, Context{MFATime: march}, false, true},

		{"principal tag equals", `{"StringEquals":{"keyward:PrincipalTag/team":"red"}}`, Context{PrincipalTags: map[string]string{"team": "red"}}, true, false},
		{"string compare is case-sensitive", `{"StringEquals":{"keyward:PrincipalTag/team":"red"}}`, Context{PrincipalTags: map[string]string{"team": "Red"}}, false, false},
		{"tag name ignores case", `{"StringEquals":{"keyward:PrincipalTag/team":"red"}}`, Context{PrincipalTags: map[string]string{"Team": "red"}}, true, false},
		{"tag name ignores case, value does not", `{"StringEquals":{"keyward:PrincipalTag/TEAM":"red"}}`, Context{PrincipalTags: map[string]string{"team": "Red"}}, false, false},
		{"session tag, not principal tag", `{"StringEquals":{"keyward:SessionTag/team":"red"}}`, Context{PrincipalTags: map[string]string{"team": "red"}}, false, true},
		{"session tag", `{"StringEquals":{"keyward:SessionTag/team":["blue","red"]}}`, Context{SessionTags: map[string]string{"team": "red"}}, true, false},
		{"empty tag value", `{"StringEquals":{"keyward:SessionTag/team":""}}`, Context{SessionTags: map[string]string{"team": ""}}, true, false},
		{"tags nil", `{"StringEquals":{"keyward:SessionTag/team":""}}`, Context{SessionTags: noTags}, false, true},
		{"like star", `{"StringLike":{"keyward:PrincipalTag/env":"prod-*"}}`, Context{PrincipalTags: map[string]string{"env": "prod-eu"}}, true, false},
		{"like star, no match", `{"StringLike":{"keyward:PrincipalTag/env":"prod-*"}}`, Context{PrincipalTags: map[string]string{"env": "dev-eu"}}, false, false},
		{"like question mark is one character", `{"StringLike":{"keyward:PrincipalTag/env":"é?"}}`, Context{PrincipalTags: map[string]string{"env": "éü"}}, true, false},
		{"like question mark is not two", `{"StringLike":{"keyward:PrincipalTag/env":"?"}}`, Context{PrincipalTags: map[string]string{"env": "ab"}}, false, false},

		{"keys are ANDed", `{"Bool":{"keyward:MultiFactorAuthPresent":true},"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{MFA: FlagTrue, SourceIP: addr("11.0.0.1")}, false, false},
		{"keys are ANDed, both met", `{"Bool":{"keyward:MultiFactorAuthPresent":true},"IpAddress":{"keyward:SourceIp":"10.0.0.0/8"}}`, Context{MFA: FlagTrue, SourceIP: addr("10.0.0.1")}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Request{Action: "compute.instance.Read", Context: tt.ctx}
			allow := condSet(t, EffectAllow, tt.cond)
			wantAllow := ImplicitDeny
			if tt.want {
				wantAllow = Allow
			}
			if got := allow.Decide(r); got != wantAllow {
				t.Errorf("Allow with %s: Decide(%+v) = %v, want %v", tt.cond, tt.ctx, got, wantAllow)
			}
			// The same condition on a Deny next to an unconditional Allow: it denies exactly
			// when the condition is met, and a missing key makes it not apply.
			deny := condSet(t, EffectDeny, tt.cond)
			both := Compile(nil, append(deny.inputs, Input{ID: "allow", Doc: &Document{Version: Version, Statement: []Statement{{Effect: EffectAllow, Action: []string{"*"}, Resource: []string{"*"}}}}}))
			wantDeny := Allow
			if tt.want {
				wantDeny = ExplicitDeny
			}
			if got := both.Decide(r); got != wantDeny {
				t.Errorf("Deny with %s next to Allow *: Decide(%+v) = %v, want %v", tt.cond, tt.ctx, got, wantDeny)
			}
			ex := allow.Explain(r)
			if len(ex.Statements) != 1 {
				t.Fatalf("Explain: %d statements, want 1", len(ex.Statements))
			}
			failed := ex.Statements[0].FailedConditions
			if tt.want != (len(failed) == 0) {
				t.Errorf("Explain: failed conditions %+v, want none = %v", failed, tt.want)
			}
			gotMissing := false
			for _, f := range failed {
				gotMissing = gotMissing || f.KeyMissing
			}
			if gotMissing != tt.missing {
				t.Errorf("Explain: key missing = %v, want %v (%+v)", gotMissing, tt.missing, failed)
			}
		})
	}
}

func TestConditionExplanationMessages(t *testing.T) {
	set := condSet(t, EffectAllow, `{"IpAddress":{"keyward:SourceIp":["10.0.0.0/8","2001:db8::/32"]},"Bool":{"keyward:MultiFactorAuthPresent":true}}`)
	ex := set.Explain(&Request{Action: "compute.instance.Read", Context: Context{SourceIP: addr("203.0.113.9")}})
	want := []ConditionResult{
		{Operator: "Bool", Key: "keyward:MultiFactorAuthPresent", KeyMissing: true, Message: "keyward:MultiFactorAuthPresent is missing from the request"},
		{Operator: "IpAddress", Key: "keyward:SourceIp", Message: "keyward:SourceIp is 203.0.113.9, which does not satisfy IpAddress [10.0.0.0/8, 2001:db8::/32]"},
	}
	got := ex.Statements[0].FailedConditions
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("FailedConditions = %+v\nwant %+v", got, want)
	}
}

func TestLike(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything at all", true},
		{"a*", "a", true},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"a?c", "aéc", true},
		{"*?", "", false},
		{"*b*d", "abcbd", true},
		{"*b*d", "abcbe", false},
		{"ü*", "über", true},
		{"a.b", "a.b", true},
		{"a.b", "axb", false},
	}
	for _, tt := range tests {
		if got := like(tt.pattern, tt.s); got != tt.want {
			t.Errorf("like(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
