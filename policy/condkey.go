package policy

import (
	"strconv"
	"strings"
)

// Condition operators.
const (
	OpDateGreaterThan = "DateGreaterThan"
	OpDateLessThan    = "DateLessThan"
	OpIpAddress       = "IpAddress"
	OpNotIpAddress    = "NotIpAddress"
	OpBool            = "Bool"
	OpStringEquals    = "StringEquals"
	OpStringLike      = "StringLike"

	OpNumericLessThan          = "NumericLessThan"
	OpNumericLessThanEquals    = "NumericLessThanEquals"
	OpNumericGreaterThan       = "NumericGreaterThan"
	OpNumericGreaterThanEquals = "NumericGreaterThanEquals"
)

// Condition keys. Tag keys are a prefix followed by the tag name.
const (
	KeyCurrentTime            = "keyward:CurrentTime"
	KeySourceIp               = "keyward:SourceIp"
	KeyMultiFactorAuthPresent = "keyward:MultiFactorAuthPresent"
	KeyMultiFactorAuthAge     = "keyward:MultiFactorAuthAge"
	KeyPrincipalTagPrefix     = "keyward:PrincipalTag/"
	KeySessionTagPrefix       = "keyward:SessionTag/"
)

type opKind uint8

const (
	opDateGreaterThan opKind = iota + 1
	opDateLessThan
	opIpAddress
	opNotIpAddress
	opBool
	opStringEquals
	opStringLike
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
)

type keyKind uint8

const (
	keyCurrentTime keyKind = iota + 1
	keySourceIP
	keyMFA
	keyMFAAge
	keyPrincipalTag
	keySessionTag
)

var operators = map[string]opKind{
	OpDateGreaterThan: opDateGreaterThan,
	OpDateLessThan:    opDateLessThan,
	OpIpAddress:       opIpAddress,
	OpNotIpAddress:    opNotIpAddress,
	OpBool:            opBool,
	OpStringEquals:    opStringEquals,
	OpStringLike:      opStringLike,

	OpNumericLessThan:          opNumericLessThan,
	OpNumericLessThanEquals:    opNumericLessThanEquals,
	OpNumericGreaterThan:       opNumericGreaterThan,
	OpNumericGreaterThanEquals: opNumericGreaterThanEquals,
}

var operatorNames = []string{OpBool, OpDateGreaterThan, OpDateLessThan, OpIpAddress, OpNotIpAddress,
	OpNumericGreaterThan, OpNumericGreaterThanEquals, OpNumericLessThan, OpNumericLessThanEquals, OpStringEquals, OpStringLike}

// opKeys says which key kinds each operator applies to.
var opKeys = map[opKind][]keyKind{
	opDateGreaterThan: {keyCurrentTime},
	opDateLessThan:    {keyCurrentTime},
	opIpAddress:       {keySourceIP},
	opNotIpAddress:    {keySourceIP},
	opBool:            {keyMFA},
	opStringEquals:    {keyPrincipalTag, keySessionTag},
	opStringLike:      {keyPrincipalTag, keySessionTag},

	opNumericLessThan:          {keyMFAAge},
	opNumericLessThanEquals:    {keyMFAAge},
	opNumericGreaterThan:       {keyMFAAge},
	opNumericGreaterThanEquals: {keyMFAAge},
}

// operatorsFor names the operators that apply to a key kind, for error messages.
var operatorsFor = map[keyKind]string{
	keyCurrentTime:  "DateGreaterThan or DateLessThan",
	keySourceIP:     "IpAddress or NotIpAddress",
	keyMFA:          "Bool",
	keyMFAAge:       "NumericLessThan, NumericLessThanEquals, NumericGreaterThan or NumericGreaterThanEquals",
	keyPrincipalTag: "StringEquals or StringLike",
	keySessionTag:   "StringEquals or StringLike",
}

const (
	maxTagLen   = 128
	maxValueLen = 256
	// maxSecondsLen bounds a numeric value to 10 digits: over 300 years
	// of seconds, and never an overflow.
	maxSecondsLen = 10
)

// parseKey splits a condition key into its kind and, for tag keys, the tag name. It returns
// a message when the key is unknown or its tag name is invalid.
func parseKey(key string) (keyKind, string, string) {
	switch key {
	case KeyCurrentTime:
		return keyCurrentTime, "", ""
	case KeySourceIp:
		return keySourceIP, "", ""
	case KeyMultiFactorAuthPresent:
		return keyMFA, "", ""
	case KeyMultiFactorAuthAge:
		return keyMFAAge, "", ""
	}
	kind, tag := keyKind(0), ""
	if t, ok := strings.CutPrefix(key, KeyPrincipalTagPrefix); ok {
		kind, tag = keyPrincipalTag, t
	} else if t, ok := strings.CutPrefix(key, KeySessionTagPrefix); ok {
		kind, tag = keySessionTag, t
	} else {
		return 0, "", "unknown condition key"
	}
	if msg := checkTagName(tag); msg != "" {
		return 0, "", msg
	}
	return kind, tag, ""
}

// keySuggestions are the did-you-mean candidates for an unknown key.
func keySuggestions(key string) []string {
	c := []string{KeyCurrentTime, KeySourceIp, KeyMultiFactorAuthPresent, KeyMultiFactorAuthAge}
	if _, tag, ok := strings.Cut(key, "/"); ok && tag != "" {
		c = append(c, KeyPrincipalTagPrefix+tag, KeySessionTagPrefix+tag)
	}
	return c
}

// checkTagName allows 1 to 128 bytes of letters, digits, spaces and _ . : / = + - @ (the
// AWS tag key alphabet).
func checkTagName(tag string) string {
	if tag == "" {
		return "empty tag name"
	}
	if len(tag) > maxTagLen {
		return "tag name is longer than " + strconv.Itoa(maxTagLen) + " bytes"
	}
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; !nameByte(c) && !strings.ContainsRune(" .:/=+@", rune(c)) {
			return "invalid character " + strconv.QuoteRune(rune(c)) + " in tag name"
		}
	}
	return ""
}
