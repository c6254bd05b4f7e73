package httpapi

import (
	"bytes"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
)

// writeVerdict answers one check with v as writeJSON would, written by
// appendVerdict instead of encoding/json's reflection: the authorize API
// answers on every request of the provider's services, and reflection was
// a tenth of its handler's time.
func writeVerdict(w http.ResponseWriter, v *verdictJSON) {
	if v.Explanation != nil && v.Explanation.Decision > policy.Allow {
		writeJSON(w, http.StatusOK, v) // encoding/json refuses it: its answer
		return
	}
	buf := buffers.Get().(*bytes.Buffer)
	defer putBuffer(buf)
	buf.Reset()
	buf.Write(appendVerdict(buf.AvailableBuffer(), v))
	send(w, http.StatusOK, buf)
}

// appendVerdict appends to b the bytes json.Encoder writes for v: the
// members in field order, omitempty honoured, strings escaped alike, then
// a newline (TestAppendVerdictMatchesEncodingJSON; TestVerdictFieldsKnown
// fails when a type it writes gains a field). v.Explanation's decision
// must be one of the three.
func appendVerdict(b []byte, v *verdictJSON) []byte {
	b = append(b, `{"decision":`...)
	b = appendJSONString(b, v.Decision)
	b = append(b, `,"allowed":`...)
	b = strconv.AppendBool(b, v.Allowed)
	b = append(b, `,"principal_id":`...)
	b = appendJSONString(b, v.PrincipalID)
	b = append(b, `,"revision":`...)
	b = strconv.AppendInt(b, v.Revision, 10)
	if v.Explanation != nil {
		b = append(b, `,"explanation":`...)
		b = appendResult(b, v.Explanation)
	}
	return append(b, "}\n"...)
}

func appendResult(b []byte, r *authz.Result) []byte {
	b = append(b, `{"decision":`...)
	b = appendJSONString(b, r.Decision.String())
	b = append(b, `,"allowed":`...)
	b = strconv.AppendBool(b, r.Allowed)
	b = append(b, `,"layer":`...)
	b = appendJSONString(b, r.Layer)
	b = append(b, `,"reason":`...)
	b = appendJSONString(b, r.Reason)
	b = append(b, `,"statements":`...)
	if r.Statements == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Statements {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendStatement(b, &r.Statements[i])
		}
		b = append(b, ']')
	}
	if len(r.Diagnostics) > 0 {
		b = append(b, `,"diagnostics":[`...)
		for i := range r.Diagnostics {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendDiagnostic(b, &r.Diagnostics[i])
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendStatement(b []byte, st *policy.StatementResult) []byte {
	b = append(b, `{"policy_id":`...)
	b = appendJSONString(b, st.PolicyID)
	b = append(b, `,"policy_name":`...)
	b = appendJSONString(b, st.PolicyName)
	if st.Via != "" {
		b = append(b, `,"via":`...)
		b = appendJSONString(b, st.Via)
	}
	b = append(b, `,"statement_index":`...)
	b = strconv.AppendInt(b, int64(st.Index), 10)
	if st.Sid != "" {
		b = append(b, `,"sid":`...)
		b = appendJSONString(b, st.Sid)
	}
	b = append(b, `,"effect":`...)
	b = appendJSONString(b, string(st.Effect))
	b = append(b, `,"applied":`...)
	b = strconv.AppendBool(b, st.Applied)
	if len(st.FailedConditions) > 0 {
		b = append(b, `,"failed_conditions":[`...)
		for i, c := range st.FailedConditions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"operator":`...)
			b = appendJSONString(b, c.Operator)
			b = append(b, `,"key":`...)
			b = appendJSONString(b, c.Key)
			b = append(b, `,"key_missing":`...)
			b = strconv.AppendBool(b, c.KeyMissing)
			b = append(b, `,"message":`...)
			b = appendJSONString(b, c.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendDiagnostic(b []byte, d *policy.Diagnostic) []byte {
	b = append(b, '{')
	for _, f := range [...]struct{ key, val string }{
		{`"policy_id":`, d.PolicyID}, {`"policy_name":`, d.PolicyName}, {`"via":`, d.Via}, {`"path":`, d.Path},
	} {
		if f.val != "" {
			b = append(b, f.key...)
			b = appendJSONString(b, f.val)
			b = append(b, ',')
		}
	}
	b = append(b, `"message":`...)
	b = appendJSONString(b, d.Message)
	return append(b, '}')
}

// appendJSONString appends s quoted as encoding/json quotes a string with
// HTML escaping on, its default: <, > and & as \u003c, \u003e, \u0026;
// control characters as \n, \r, \t, \b, \f or \u00XX; invalid UTF-8 as
// \ufffd; U+2028 and U+2029 as \u2028 and \u2029.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
