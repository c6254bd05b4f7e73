package policytest

import (
	"bytes"
	"encoding/json"
	"strings"
)

// RepeatedKey reports whether an object in the first JSON value of b has
// two keys that encoding/json would take for one field: equal under
// strings.EqualFold, after unescaping. It is the reference of the strict
// readers that refuse such keys (policy's parser, the API's request
// bodies), written another way than they are: recursive, through
// encoding/json's tokens, comparing each key with every earlier one, so
// it takes time quadratic in the value's depth. Invalid JSON has none.
func RepeatedKey(b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') && tok != json.Delim('[') {
		return false
	}
	var keys []string
	for dec.More() {
		if tok == json.Delim('{') {
			k, err := dec.Token()
			if err != nil {
				return false
			}
			for _, prev := range keys {
				if strings.EqualFold(prev, k.(string)) {
					return true
				}
			}
			keys = append(keys, k.(string))
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return false
		}
		if RepeatedKey(v) {
			return true
		}
	}
	return false
}
