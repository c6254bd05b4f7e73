package policy

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// The lengths of a tag's key and value, in characters: AWS IAM's.
const (
	MaxTagKeyLen   = 128
	MaxTagValueLen = 256
)

// CheckTagKey returns why key cannot be a tag key, or "": a key is 1 to
// MaxTagKeyLen characters of letters, numbers and spaces (of any script)
// and _ . : / = + - @, AWS's alphabet, so that every tag a principal can
// carry can be named by the condition key keyward:PrincipalTag/<key>.
func CheckTagKey(key string) string {
	if key == "" {
		return "a tag key cannot be empty"
	}
	return checkTag(key, "tag key", MaxTagKeyLen)
}

// CheckTagValue returns why value cannot be a tag's value, or "": 0 to
// MaxTagValueLen characters of the keys' alphabet.
func CheckTagValue(value string) string {
	return checkTag(value, "tag value", MaxTagValueLen)
}

// checkTag checks s, a what, against the tag alphabet and max characters.
func checkTag(s, what string, max int) string {
	if !utf8.ValidString(s) {
		return what + " is not valid UTF-8"
	}
	if n := utf8.RuneCountInString(s); n > max {
		return what + " is " + strconv.Itoa(n) + " characters long; the most is " + strconv.Itoa(max)
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.In(r, unicode.Z) && !isTagPunct(r) {
			return "invalid character " + strconv.QuoteRune(r) + " in " + what + "; allowed are letters, numbers, spaces and _ . : / = + - @"
		}
	}
	return ""
}

func isTagPunct(r rune) bool {
	switch r {
	case '_', '.', ':', '/', '=', '+', '-', '@':
		return true
	}
	return false
}
