package httpapi

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy/policytest"
)

// keyCases are bodies for unmarshalStrict with the field and message of
// its refusal: a repeated key's, the decoder's (a prefix of its message),
// or none ("").
var keyCases = []struct {
	body, wantField, wantMessage string
}{
	{`{"a":1,"b":{"c":[{"d":1},{"d":2}]}}`, "", ""},
	{`{"a":1,"A":2}`, "A", `The keys "a" and "A" of one object of the request body differ only in case; give each key once, spelled as documented.`},
	{`{"a":1,"a":2}`, "a", `The key "a" appears twice in one object of the request body; give each key once.`},
	{`{"a":1,"\u0061":2}`, "a", `The key "a" appears twice in one object of the request body; give each key once.`},
	{`{"a\"b":1,"a\u0022b":2}`, `a"b`, `The key "a\"b" appears twice in one object of the request body; give each key once.`},
	{"{\"sk\":1,\"\u017f\u212a\":2}", "\u017f\u212a", "The keys \"sk\" and \"\u017f\u212a\" of one object of the request body differ only in case; give each key once, spelled as documented."},
	{"{\"\xff\":1,\"\xfe\":2}", "\ufffd", "The key \"\ufffd\" appears twice in one object of the request body; give each key once."},
	{`{"name":"x","policy_document":{"Version":"2026-03-20","Statement":[{"Effect":"Allow"},{"Effect":"Allow","effect":"Deny"}]}}`,
		"policy_document.Statement[1].effect", `The keys "Effect" and "effect" of one object of the request body differ only in case; give each key once, spelled as documented.`},
	{`[[1],{"x":{},"y":[]},{"x":1,"X":2}]`, "[2].X", `The keys "x" and "X" of one object of the request body differ only in case; give each key once, spelled as documented.`},
	{`{"a":{"b":1},"c":{"b":2},"B":3,"s":"a,b:{\"c\"","S":[]}`, "S", `The keys "s" and "S" of one object of the request body differ only in case; give each key once, spelled as documented.`},
	{`{"a":{"b":1},"c":{"b":2},"B":3,"s":"\"a\":1,\"a\":2"}`, "", ""},
	{`{"a":1e400,"b":"\ud800"}`, "", ""},
	{manyKeys(100, "k99"), "k99", `The key "k99" appears twice in one object of the request body; give each key once.`},
	{manyKeys(100, "K5"), "K5", `The keys "k5" and "K5" of one object of the request body differ only in case; give each key once, spelled as documented.`},
	{manyKeys(100, "x"), "", ""},
	{`{"a":1,"a":`, "", "Malformed JSON"},
	{`{"a":1} {"a":1,"a":2}`, "", "Request body has data after the JSON object."},
	{strings.Repeat("[", 10001) + strings.Repeat("]", 10001), "", "Malformed JSON"},
	{`"a"`, "", ""},
	{``, "", ""},
}

// manyKeys returns an object with keys k0 to k<n-1>, then last.
func manyKeys(n int, last string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		b.WriteString(`"k` + strconv.Itoa(i) + `":0,`)
	}
	b.WriteString(`"` + last + `":1}`)
	return b.String()
}

// TestCheckKeys checks which bodies unmarshalStrict refuses for a repeated
// key, with which field and message.
func TestCheckKeys(t *testing.T) {
	for _, tt := range keyCases {
		var v json.RawMessage // any JSON value, numbers unread
		err := unmarshalStrict([]byte(tt.body), &v)
		var gotField, gotMessage string
		if err != nil {
			e := keyward.AsError(err)
			if e == nil || e.Code != keyward.CodeInvalid {
				t.Fatalf("unmarshalStrict(%.80s) = %v, want a CodeInvalid error", tt.body, err)
			}
			gotField, gotMessage = e.Field, e.Message
		}
		if gotField != tt.wantField || !strings.HasPrefix(gotMessage, tt.wantMessage) || (tt.wantMessage == "") != (err == nil) {
			t.Errorf("unmarshalStrict(%.80s) = field %q, %q; want field %q, %q", tt.body, gotField, gotMessage, tt.wantField, tt.wantMessage)
		}
	}
}

// FuzzCheckKeys checks checkKeys against policytest.RepeatedKey, a
// reference written another way, on every valid JSON value, and that
// unmarshalStrict refuses every body with a repeated key.
func FuzzCheckKeys(f *testing.F) {
	for _, tt := range keyCases {
		if len(tt.body) < 4096 { // not the deep one: the reference takes quadratic time in depth
			f.Add([]byte(tt.body))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		repeated := policytest.RepeatedKey(body)
		if json.Valid(body) {
			if err := checkKeys(body); (err != nil) != repeated {
				t.Fatalf("checkKeys(%q) = %v, the reference finds a repeated key: %v", body, err, repeated)
			}
		}
		var v json.RawMessage
		if err := unmarshalStrict(body, &v); repeated && keyward.ErrorCode(err) != keyward.CodeInvalid {
			t.Fatalf("unmarshalStrict(%q) = %v, want CodeInvalid", body, err)
		}
	})
}
