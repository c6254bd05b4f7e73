package policy

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// stmtDoc wraps statements in a document.
func stmtDoc(stmts ...string) string {
	return `{"Version":"2026-03-20","Statement":[` + strings.Join(stmts, ",") + `]}`
}

const okStmt = `{"Effect":"Allow","Action":"compute.instance.Read","Resource":"*"}`

func TestParse_errors(t *testing.T) {
	tooMany := make([]string, MaxStatements+1)
	for i := range tooMany {
		tooMany[i] = okStmt
	}
	tests := []struct {
		name string
		in   string
		want []FieldError // Path, Field, Message
	}{
		{"too big", `{"Version":"2026-03-20","Statement":[` + strings.Repeat(" ", MaxDocumentSize) + `]}`,
			[]FieldError{{"", "", "document is 65575 bytes; the limit is 65536"}}},
		{"invalid JSON", `{"Version":`, []FieldError{{"", "", "invalid JSON: unexpected end of JSON input (near byte 11)"}}},
		{"syntax error", `{"Version" "x"}`, []FieldError{{"", "", "invalid JSON: invalid character '\"' after object key (near byte 12)"}}},
		{"invalid UTF-8", "{\"Version\":\"\xff\"}", []FieldError{{"", "", "document is not valid UTF-8"}}},
		{"not an object", `[1]`, []FieldError{{"", "", "a policy document must be a JSON object"}}},
		{"empty object", `{}`, []FieldError{{"Version", "Version", "missing"}, {"Statement", "Statement", "missing"}}},
		{"unknown top-level field", `{"Version":"2026-03-20","Statement":[` + okStmt + `],"Id":"x"}`,
			[]FieldError{{"Id", "Id", "unknown field: keyward policies do not support Id (allowed: Version, Statement)"}}},
		{"misspelt top-level field", `{"version":"2026-03-20","Statement":[` + okStmt + `]}`,
			[]FieldError{{"version", "version", `unknown field: field names are case-sensitive (did you mean "Version"?)`}, {"Version", "Version", "missing"}}},
		{"duplicate field", `{"Version":"2026-03-20","Version":"2026-03-20","Statement":[` + okStmt + `]}`,
			[]FieldError{{"Version", "Version", "duplicate field"}}},
		{"version not a string", `{"Version":20260320,"Statement":[` + okStmt + `]}`,
			[]FieldError{{"Version", "Version", `must be a string (supported: "2026-03-20")`}}},
		{"unsupported version", `{"Version":"2012-10-17","Statement":[` + okStmt + `]}`,
			[]FieldError{{"Version", "Version", `unsupported version "2012-10-17" (supported: "2026-03-20")`}}},
		{"statement not a list", `{"Version":"2026-03-20","Statement":` + okStmt + `}`,
			[]FieldError{{"Statement", "Statement", "must be a list of statements"}}},
		{"statement null", `{"Version":"2026-03-20","Statement":null}`,
			[]FieldError{{"Statement", "Statement", "must be a list of statements"}}},
		{"no statements", stmtDoc(), []FieldError{{"Statement", "Statement", "must contain at least one statement"}}},
		{"too many statements", stmtDoc(tooMany...), []FieldError{{"Statement", "Statement", "too many statements: 101 (the limit is 100)"}}},
		{"statement not an object", stmtDoc(okStmt, `"x"`), []FieldError{{"Statement[1]", "", "must be an object"}}},
		{"unknown statement field", stmtDoc(`{"Effect":"Allow","NotAction":"x","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].NotAction", "NotAction", "unknown field: keyward policies do not support NotAction (allowed: Sid, Effect, Action, Resource, Condition)"}}},
		{"duplicate statement field", stmtDoc(`{"Effect":"Allow","Effect":"Deny","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].Effect", "Effect", "duplicate field"}}},
		{"effect missing", stmtDoc(`{"Action":"*","Resource":"*"}`), []FieldError{{"Statement[0].Effect", "Effect", "missing"}}},
		{"effect not a string", stmtDoc(`{"Effect":true,"Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].Effect", "Effect", `must be "Allow" or "Deny"`}}},
		{"effect wrong case", stmtDoc(`{"Effect":"allow","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].Effect", "Effect", `invalid effect "allow" (want "Allow" or "Deny")`}}},
		{"action missing", stmtDoc(`{"Effect":"Allow","Resource":"*"}`),
			[]FieldError{{"Statement[0].Action", "Action", "missing (want an action or a list of actions)"}}},
		{"action null", stmtDoc(`{"Effect":"Allow","Action":null,"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action", "Action", "must not be null (want an action or a list of actions)"}}},
		{"action wrong type", stmtDoc(`{"Effect":"Allow","Action":{},"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action", "Action", "must be an action or a list of actions"}}},
		{"action empty list", stmtDoc(`{"Effect":"Allow","Action":[],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action", "Action", "must list at least one action"}}},
		{"action element not a string", stmtDoc(`{"Effect":"Allow","Action":["*",7],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[1]", "Action", "must be a string"}}},
		{"action empty string", stmtDoc(`{"Effect":"Allow","Action":[""],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", "empty action"}}},
		{"unknown action with suggestion", stmtDoc(okStmt, okStmt, `{"Effect":"Allow","Action":["compute.instanse.Create"],"Resource":"*"}`),
			[]FieldError{{"Statement[2].Action[0]", "Action", `unknown action "compute.instanse.Create" (did you mean "compute.instance.Create"?)`}}},
		{"unknown action written bare", stmtDoc(`{"Effect":"Allow","Action":"compute.instance.Craete","Resource":"*"}`),
			[]FieldError{{"Statement[0].Action", "Action", `unknown action "compute.instance.Craete" (did you mean "compute.instance.Create"?)`}}},
		{"unknown action, nothing close", stmtDoc(`{"Effect":"Allow","Action":["teleport.person.Beam"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", `unknown action "teleport.person.Beam"`}}},
		{"wildcard matching nothing", stmtDoc(`{"Effect":"Allow","Action":["compte.*"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", `action pattern "compte.*" matches no action in the catalog (did you mean "compute.*"?)`}}},
		{"star inside a part", stmtDoc(`{"Effect":"Allow","Action":["compute.in*ance.Create"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", `malformed action "compute.in*ance.Create": "*" may only end a part, as in "compute.*" or "compute.instance.Get*"`}}},
		{"empty part", stmtDoc(`{"Effect":"Allow","Action":["compute..Create"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", `malformed action "compute..Create": empty part (want service.resource.Operation)`}}},
		{"invalid character", stmtDoc(`{"Effect":"Allow","Action":["compute.instance.Get?"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", `malformed action "compute.instance.Get?": invalid character '?'`}}},
		{"action too long", stmtDoc(`{"Effect":"Allow","Action":["` + strings.Repeat("a", 257) + `"],"Resource":"*"}`),
			[]FieldError{{"Statement[0].Action[0]", "Action", "action pattern is 257 bytes long; the limit is 256"}}},
		{"resource missing", stmtDoc(`{"Effect":"Allow","Action":"*"}`),
			[]FieldError{{"Statement[0].Resource", "Resource", "missing (want a resource or a list of resources)"}}},
		{"resource null", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":null}`),
			[]FieldError{{"Statement[0].Resource", "Resource", "must not be null (want a resource or a list of resources)"}}},
		{"resource empty list", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":[]}`),
			[]FieldError{{"Statement[0].Resource", "Resource", "must list at least one resource"}}},
		{"resource not a UUID", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":["*","project/0b6e2d1c"]}`),
			[]FieldError{{"Statement[0].Resource[1]", "Resource", `invalid resource "project/0b6e2d1c" (want "*", a resource, project or organization UUID, TYPE/* or TYPE/ID)`}}},
		{"resource UUID with braces", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"{0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a}"}`),
			[]FieldError{{"Statement[0].Resource", "Resource", `invalid resource "{0b6e2d1c-5f0a-4c7e-9a51-2f1e8c3d4b5a}" (want "*", a resource, project or organization UUID, TYPE/* or TYPE/ID)`}}},
		{"resource empty string", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":[""]}`),
			[]FieldError{{"Statement[0].Resource[0]", "Resource", `empty resource (want "*", a resource, project or organization UUID, TYPE/* or TYPE/ID)`}}},
		{"sid not a string", stmtDoc(`{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].Sid", "Sid", "must be a string"}}},
		{"sid too long", stmtDoc(`{"Sid":"` + strings.Repeat("s", 129) + `","Effect":"Allow","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[0].Sid", "Sid", "longer than 128 bytes"}}},
		{"duplicate sid", stmtDoc(`{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"}`, okStmt, `{"Sid":"A","Effect":"Deny","Action":"*","Resource":"*"}`),
			[]FieldError{{"Statement[2].Sid", "Sid", `duplicate Sid "A" (also Statement[0])`}}},
		{"condition not an object", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}`),
			[]FieldError{{"Statement[0].Condition", "Condition", `must be an object, like {"IpAddress": {"keyward:SourceIp": "10.0.0.0/8"}}`}}},
		{"condition empty", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{}}`),
			[]FieldError{{"Statement[0].Condition", "Condition", "empty condition block (omit Condition instead)"}}},
		{"unknown operator", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEqual":{"keyward:PrincipalTag/team":"red"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEqual", "Condition", `unknown condition operator (did you mean "StringEquals"?)`}}},
		{"operator not an object", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":true}}`),
			[]FieldError{{"Statement[0].Condition.Bool", "Condition", "must be an object mapping condition keys to values"}}},
		{"operator without keys", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{}}}`),
			[]FieldError{{"Statement[0].Condition.Bool", "Condition", "no condition keys"}}},
		{"duplicate operator", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true},"Bool":{"keyward:MultiFactorAuthPresent":true}}}`),
			[]FieldError{{"Statement[0].Condition.Bool", "Condition", "duplicate condition operator"}}},
		{"duplicate key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":true,"keyward:MultiFactorAuthPresent":false}}}`),
			[]FieldError{{"Statement[0].Condition.Bool.keyward:MultiFactorAuthPresent", "Condition", "duplicate condition key"}}},
		{"unknown key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.aws:SourceIp", "Condition", "unknown condition key"}}},
		{"misspelt key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"keyward:SourceIP":"10.0.0.0/8"}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.keyward:SourceIP", "Condition", `unknown condition key: keys are case-sensitive (did you mean "keyward:SourceIp"?)`}}},
		{"misspelt tag key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipleTag/team":"red"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:PrincipleTag/team", "Condition", `unknown condition key (did you mean "keyward:PrincipalTag/team"?)`}}},
		{"operator does not fit key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"keyward:CurrentTime":"10.0.0.0/8"}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.keyward:CurrentTime", "Condition", "operator IpAddress does not apply to keyward:CurrentTime (use DateGreaterThan or DateLessThan)"}}},
		{"empty tag name", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:SessionTag/":"x"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:SessionTag/", "Condition", "empty tag name"}}},
		{"bad tag name", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:SessionTag/a*b":"x"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:SessionTag/a*b", "Condition", "invalid character '*' in tag name; allowed are letters, numbers, spaces and _ . : / = + - @"}}},
		{"values null", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"keyward:SessionTag/a":null}}}`),
			[]FieldError{{"Statement[0].Condition.StringLike.keyward:SessionTag/a", "Condition", "must be a string or a list of strings"}}},
		{"values empty", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"keyward:SessionTag/a":[]}}}`),
			[]FieldError{{"Statement[0].Condition.StringLike.keyward:SessionTag/a", "Condition", "must list at least one value"}}},
		{"value a number", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringLike":{"keyward:SessionTag/a":["x",1]}}}`),
			[]FieldError{{"Statement[0].Condition.StringLike.keyward:SessionTag/a[1]", "Condition", "must be a string"}}},
		{"bool value a number", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":[true,1]}}}`),
			[]FieldError{{"Statement[0].Condition.Bool.keyward:MultiFactorAuthPresent[1]", "Condition", "must be true or false"}}},
		{"bool value a word", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"keyward:MultiFactorAuthPresent":"yes"}}}`),
			[]FieldError{{"Statement[0].Condition.Bool.keyward:MultiFactorAuthPresent", "Condition", `invalid boolean "yes" (want true or false)`}}},
		{"MFA age not a number", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"keyward:MultiFactorAuthAge":["60","-1"]}}}`),
			[]FieldError{{"Statement[0].Condition.NumericLessThan.keyward:MultiFactorAuthAge[1]", "Condition", `invalid number "-1" (want whole seconds: 1 to 10 digits, like "3600")`}}},
		{"MFA age too long", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"keyward:MultiFactorAuthAge":"12345678901"}}}`),
			[]FieldError{{"Statement[0].Condition.NumericGreaterThan.keyward:MultiFactorAuthAge", "Condition", `invalid number "12345678901" (want whole seconds: 1 to 10 digits, like "3600")`}}},
		{"numeric operator on another key", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"keyward:MultiFactorAuthPresent":"1"}}}`),
			[]FieldError{{"Statement[0].Condition.NumericLessThan.keyward:MultiFactorAuthPresent", "Condition", "operator NumericLessThan does not apply to keyward:MultiFactorAuthPresent (use Bool)"}}},
		{"JSON bool outside Bool", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:SessionTag/a":true}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:SessionTag/a", "Condition", "must be a string or a list of strings"}}},
		{"bad CIDR", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"keyward:SourceIp":["10.0.0.0/8","10.0.0.0/33"]}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.keyward:SourceIp[1]", "Condition", `invalid IP address or CIDR "10.0.0.0/33"`}}},
		{"bad IP", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"keyward:SourceIp":"10.0.0.256"}}}`),
			[]FieldError{{"Statement[0].Condition.NotIpAddress.keyward:SourceIp", "Condition", `invalid IP address or CIDR "10.0.0.256"`}}},
		{"IP with zone", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"keyward:SourceIp":"fe80::1%eth0"}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.keyward:SourceIp", "Condition", `invalid IP address or CIDR "fe80::1%eth0"`}}},
		{"IPv4-mapped IPv6", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"keyward:SourceIp":"::ffff:10.0.0.0/104"}}}`),
			[]FieldError{{"Statement[0].Condition.IpAddress.keyward:SourceIp", "Condition", `invalid IP address or CIDR "::ffff:10.0.0.0/104" (write IPv4 addresses in IPv4 form)`}}},
		{"bad date", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"keyward:CurrentTime":"2026-03-20"}}}`),
			[]FieldError{{"Statement[0].Condition.DateLessThan.keyward:CurrentTime", "Condition", `invalid date "2026-03-20" (want RFC 3339, like 2026-03-20T15:04:05Z)`}}},
		{"string value too long", stmtDoc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"keyward:PrincipalTag/a":"` + strings.Repeat("v", 257) + `"}}}`),
			[]FieldError{{"Statement[0].Condition.StringEquals.keyward:PrincipalTag/a", "Condition", "value is longer than 256 bytes"}}},
		{"every error at once", `{"Version":"1","Statement":[` + okStmt + `,{"Effect":"Permit","Action":["compute.instanse.Create","iam.*",null],"Resource":["*","nope"],"Condition":{"Bool":{"keyward:MultiFactorAuthPresent":"maybe"}},"Principal":"*"}],"Id":1}`,
			[]FieldError{
				{"Id", "Id", "unknown field: keyward policies do not support Id (allowed: Version, Statement)"},
				{"Version", "Version", `unsupported version "1" (supported: "2026-03-20")`},
				{"Statement[1].Principal", "Principal", "unknown field: keyward policies do not support Principal (allowed: Sid, Effect, Action, Resource, Condition)"},
				{"Statement[1].Action[2]", "Action", "must be a string"},
				{"Statement[1].Effect", "Effect", `invalid effect "Permit" (want "Allow" or "Deny")`},
				{"Statement[1].Action[0]", "Action", `unknown action "compute.instanse.Create" (did you mean "compute.instance.Create"?)`},
				{"Statement[1].Resource[1]", "Resource", `invalid resource "nope": a provider's own id needs its resource type, as in "service.resource/nope"`},
				{"Statement[1].Condition.Bool.keyward:MultiFactorAuthPresent", "Condition", `invalid boolean "maybe" (want true or false)`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkParseErrors(t, tt.in, tt.want) })
	}
}

// checkParseErrors checks that Parse refuses in with exactly the errors want.
func checkParseErrors(t *testing.T, in string, want []FieldError) {
	t.Helper()
	doc, err := Parse(nil, []byte(in))
	if err == nil {
		t.Fatalf("Parse(%.80q) = %v, want errors", in, doc)
	}
	var ve ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("Parse(%.80q) error %T is not ValidationErrors", in, err)
	}
	var got []FieldError
	for _, e := range ve {
		got = append(got, *e)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(%.80q) errors:\n got  %s\n want %s", in, fmtErrs(got), fmtErrs(want))
	}
}

func fmtErrs(es []FieldError) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "\n  {%q, %q, %q}", e.Path, e.Field, e.Message)
	}
	return b.String()
}

// TestParse_canonicalSizeLimit: a document under the limit whose canonical form is over it
// (U+2028 takes 3 bytes raw and 6 escaped) is rejected, so every accepted document can be
// stored canonically and parsed again.
func TestParse_canonicalSizeLimit(t *testing.T) {
	sid := strings.Repeat("\u2028", 42)
	stmt := func(k int) string {
		return `{"Sid":"` + sid + fmt.Sprint(k) + `","Effect":"Allow","Action":["` + strings.Repeat(`compute.*","`, 36) + `*"],"Resource":"*"}`
	}
	var stmts []string
	for k := range MaxStatements {
		stmts = append(stmts, stmt(k))
	}
	in := stmtDoc(stmts...)
	if len(in) > MaxDocumentSize {
		t.Fatalf("test document is %d bytes, over the limit", len(in))
	}
	_, err := Parse(nil, []byte(in))
	want := "bytes in canonical form; the limit is 65536"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Parse(%d-byte document whose canonical form is longer) error = %v, want %q", len(in), err, want)
	}
	// With 20 statements fewer it fits, and round-trips.
	doc, err := Parse(nil, []byte(stmtDoc(stmts[20:]...)))
	if err != nil {
		t.Fatalf("Parse(smaller document) error = %v", err)
	}
	canon, _ := doc.MarshalJSON()
	if _, err := Parse(nil, canon); err != nil {
		t.Fatalf("Parse(canonical form) error = %v", err)
	}
}
