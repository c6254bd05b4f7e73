package httpapi

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyward-iam/keyward"
)

// checkKeys refuses a JSON value in which an object, at any depth (policy
// documents included), has a key twice or has two keys that differ only in
// case, as {"action": ..., "Action": ...}: a CodeInvalid error whose field
// is the path of the second key and whose message names both. value must
// be one valid JSON value, as the decoder has already read it.
//
// Readers disagree on such a body: encoding/json matches struct fields
// case-insensitively and keeps the last duplicate, while a proxy or an
// audit pipeline in front of keyward may keep the first, or match case
// exactly. Refusing it means every reader sees the one request keyward
// acts on. Case is compared as encoding/json compares it (bytes.EqualFold:
// Unicode simple folding, so the Kelvin sign is a "k" and the long s an
// "s"), and escapes are read first ("\u0061ction" is "action").
//
// It reads value in one pass of its own rather than through encoding/json's
// tokens, which cost more than the decoding itself (the batch authorize
// body is read on a busy path); only a key with an escape or a non-ASCII
// byte goes through encoding/json, to be read exactly as the decoder reads
// it.
func checkKeys(value []byte) error {
	var frameBuf [8]keyFrame
	var keyBuf [32][]byte
	k := keyChecker{stack: frameBuf[:0], keys: keyBuf[:0]}
	for i := 0; i < len(value); i++ {
		switch value[i] {
		case '"':
			end, plain := stringEnd(value, i)
			if f := k.top(); f != nil && f.object && f.wantKey {
				key := value[i+1 : end]
				if !plain {
					var s string
					_ = json.Unmarshal(value[i:end+1], &s) // valid JSON: cannot fail
					key = []byte(s)
				}
				if err := k.add(key); err != nil {
					return err
				}
			}
			i = end
		case '{':
			k.stack = append(k.stack, keyFrame{object: true, wantKey: true, start: len(k.keys)})
		case '[':
			k.stack = append(k.stack, keyFrame{})
		case '}', ']':
			f := k.stack[len(k.stack)-1]
			k.stack = k.stack[:len(k.stack)-1]
			if f.object {
				k.keys = k.keys[:f.start]
			}
		case ',':
			if f := k.top(); f.object {
				f.wantKey = true
			} else {
				f.index++
			}
		}
	}
	return nil
}

// stringEnd returns the index of the quote that ends the string starting
// at b[i], and whether the string is plain: ASCII without escapes, so that
// its bytes are its value.
func stringEnd(b []byte, i int) (end int, plain bool) {
	plain = true
	for j := i + 1; ; j++ {
		switch c := b[j]; {
		case c == '"':
			return j, plain
		case c == '\\':
			j++
			plain = false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
}

// keyChecker is checkKeys' state: the objects and arrays it is inside of,
// and the keys of each open object so far.
type keyChecker struct {
	stack []keyFrame
	keys  [][]byte // the keys of the open objects, outermost first
}

// keyFrame is an object or array checkKeys is inside of.
type keyFrame struct {
	object  bool
	wantKey bool           // in an object: the next string is a key
	start   int            // in an object: where its keys begin in keyChecker.keys
	key     []byte         // in an object: its current key
	folded  map[string]int // in a large object: its keys by foldKey
	index   int            // in an array: its current element
}

func (k *keyChecker) top() *keyFrame {
	if len(k.stack) == 0 {
		return nil
	}
	return &k.stack[len(k.stack)-1]
}

// smallObject is how many keys an object may have before its keys are
// looked up in a map rather than compared one by one, which would take
// quadratic time on a body of many keys.
const smallObject = 32

// add records key, the next key of the innermost object, or refuses it if
// the object has it already in some spelling.
func (k *keyChecker) add(key []byte) error {
	f := k.top()
	f.key, f.wantKey = key, false
	own := k.keys[f.start:]
	first := -1
	if f.folded != nil {
		if j, ok := f.folded[foldKey(key)]; ok {
			first = j
		}
	} else {
		for j, prev := range own {
			if bytes.EqualFold(prev, key) {
				first = j
				break
			}
		}
	}
	if first >= 0 {
		return repeatedKeyError(keyPath(k.stack), string(own[first]), string(key))
	}
	k.keys = append(k.keys, key)
	switch n := len(own) + 1; {
	case f.folded != nil:
		f.folded[foldKey(key)] = n - 1
	case n > smallObject:
		f.folded = make(map[string]int, 2*n)
		for j, prev := range k.keys[f.start:] {
			f.folded[foldKey(prev)] = j
		}
	}
	return nil
}

func repeatedKeyError(path, first, key string) error {
	if first == key {
		return keyward.FieldError(path, "The key %q appears twice in one object of the request body; give each key once.", key)
	}
	return keyward.FieldError(path, "The keys %q and %q of one object of the request body differ only in case; give each key once, spelled as documented.", first, key)
}

// keyPath names the current position of stack the way error fields do:
// policy_document.Statement[0].Effect.
func keyPath(stack []keyFrame) string {
	var b strings.Builder
	for _, f := range stack {
		if !f.object {
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.Write(f.key)
	}
	return b.String()
}

// foldKey returns the one spelling that key shares with every key
// bytes.EqualFold matches it with.
func foldKey(key []byte) string {
	b := make([]byte, 0, len(key))
	for _, r := range string(key) {
		b = utf8.AppendRune(b, foldRune(r))
	}
	return string(b)
}

// foldRune returns the smallest rune of r's Unicode simple folding orbit
// ('K' for 'k' and for the Kelvin sign), as encoding/json folds names.
func foldRune(r rune) rune {
	for {
		next := unicode.SimpleFold(r)
		if next <= r {
			return next
		}
		r = next
	}
}
