package policy

import (
	"bytes"
	"encoding/json"
)

// member is one name/value pair of a JSON object, in document order. Keeping the pairs
// (rather than decoding into a map or struct) is what lets Parse see duplicate fields and
// match names case-sensitively.
type member struct {
	key string
	val json.RawMessage
}

// objectMembers splits a valid JSON value into its members, or reports false if it is not
// an object.
func objectMembers(raw json.RawMessage) ([]member, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var ms []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		ms = append(ms, member{k, v})
	}
	return ms, true
}

// jsonString decodes a JSON string value; ok is false for any other type.
func jsonString(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// decodeCondition decodes a condition block: an object of operators, each an object of keys,
// each a value or a non-empty list of values. Values are strings; under Bool, JSON true and
// false are accepted too and kept as "true" and "false". Operators, keys and values are
// checked later, by checkCondition; here only the shape is. skip is true when the block as a
// whole was unusable.
func (l *errorList) decodeCondition(p string, raw json.RawMessage, sh *stmtShape) (Condition, bool) {
	ops, ok := objectMembers(raw)
	if !ok {
		l.add(p, "Condition", `must be an object, like {"IpAddress": {"keyward:SourceIp": "10.0.0.0/8"}}`)
		return nil, true
	}
	c := make(Condition, len(ops))
	for _, op := range ops {
		opPath := p + "." + op.key
		if _, dup := c[op.key]; dup {
			l.add(opPath, "Condition", "duplicate condition operator")
			continue
		}
		keys, ok := objectMembers(op.val)
		if !ok {
			l.add(opPath, "Condition", "must be an object mapping condition keys to values")
			sh.skip[opPath] = true
			c[op.key] = map[string][]string{}
			continue
		}
		block := make(map[string][]string, len(keys))
		c[op.key] = block
		for _, k := range keys {
			keyPath := opPath + "." + k.key
			if _, dup := block[k.key]; dup {
				l.add(keyPath, "Condition", "duplicate condition key")
				continue
			}
			block[k.key] = l.decodeValues(keyPath, k.val, op.key == OpBool, sh)
		}
	}
	return c, false
}

// decodeValues decodes the values of one condition key.
func (l *errorList) decodeValues(p string, raw json.RawMessage, bools bool, sh *stmtShape) []string {
	want := "a string or a list of strings"
	if bools {
		want = "true, false or a list of them"
	}
	if v, ok := conditionValue(raw, bools); ok {
		sh.bare[p] = true
		return []string{v}
	}
	var items []json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &items) != nil {
		l.add(p, "Condition", "must be "+want)
		sh.skip[p] = true
		return nil
	}
	if len(items) == 0 {
		l.add(p, "Condition", "must list at least one value")
		sh.skip[p] = true
		return nil
	}
	out := make([]string, len(items))
	for j, item := range items {
		v, ok := conditionValue(item, bools)
		if !ok {
			ep := elemPath(p, j, false)
			msg := "must be a string"
			if bools {
				msg = "must be true or false"
			}
			l.add(ep, "Condition", msg)
			sh.skip[ep] = true
		}
		out[j] = v
	}
	return out
}

// conditionValue decodes a single value: a string, or (when bools) a JSON boolean.
func conditionValue(raw json.RawMessage, bools bool) (string, bool) {
	if s, ok := jsonString(raw); ok {
		return s, true
	}
	if bools {
		switch string(bytes.TrimSpace(raw)) {
		case "true":
			return "true", true
		case "false":
			return "false", true
		}
	}
	return "", false
}
