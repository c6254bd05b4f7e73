package policy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// cond is one compiled operator/key pair of a condition block: it is met when the request's
// value for the key matches any of the values.
type cond struct {
	op       opKind
	key      keyKind
	opName   string
	keyName  string
	tag      string
	times    []time.Time
	prefixes []netip.Prefix
	bools    [2]bool // bools[1]: "true" is listed; bools[0]: "false" is listed
	nums     []int64
	strs     []string
	vals     []string // the values as written, for explanations
}

// compileCond checks and compiles an operator/key pair. For each value that is invalid it
// calls bad with the value's index and a message; it returns ok=false if there was any
// problem, and then bad or the returned message says what.
func compileCond(op, key string, values []string, bad func(i int, msg string)) (c cond, keyMsg string, ok bool) {
	c = cond{op: operators[op], opName: op, keyName: key, vals: values}
	kind, tag, msg := parseKey(key)
	if msg != "" {
		return c, msg, false
	}
	if !slices.Contains(opKeys[c.op], kind) {
		return c, "operator " + op + " does not apply to " + key + " (use " + operatorsFor[kind] + ")", false
	}
	c.key, c.tag = kind, tag
	if len(values) == 0 {
		return c, "no values", false
	}
	ok = true
	for i, v := range values {
		if msg := c.addValue(v); msg != "" {
			bad(i, msg)
			ok = false
		}
	}
	return c, "", ok
}

// addValue parses one value for c's operator and appends it.
func (c *cond) addValue(v string) string {
	switch c.op {
	case opDateGreaterThan, opDateLessThan:
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return "invalid date " + strconv.Quote(v) + " (want RFC 3339, like 2026-03-20T15:04:05Z)"
		}
		c.times = append(c.times, t)
	case opIpAddress, opNotIpAddress:
		p, msg := parseIPValue(v)
		if msg != "" {
			return msg
		}
		c.prefixes = append(c.prefixes, p)
	case opBool:
		switch v {
		case "true":
			c.bools[1] = true
		case "false":
			c.bools[0] = true
		default:
			return "invalid boolean " + strconv.Quote(v) + ` (want true or false)`
		}
	case opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
		n, ok := parseSeconds(v)
		if !ok {
			return "invalid number " + strconv.Quote(v) + " (want whole seconds: 1 to " + strconv.Itoa(maxSecondsLen) + " digits, like \"3600\")"
		}
		c.nums = append(c.nums, n)
	default:
		if len(v) > maxValueLen {
			return "value is longer than " + strconv.Itoa(maxValueLen) + " bytes"
		}
		c.strs = append(c.strs, v)
	}
	return ""
}

// parseSeconds parses a numeric condition value: 1 to maxSecondsLen ASCII
// digits, nothing else (no sign, no fraction, no exponent).
func parseSeconds(v string) (int64, bool) {
	if v == "" || len(v) > maxSecondsLen {
		return 0, false
	}
	var n int64
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
		n = n*10 + int64(v[i]-'0')
	}
	return n, true
}

// mfaAge is keyward:MultiFactorAuthAge: the whole seconds from the second
// factor's verification to the request (0 if the clocks put it after),
// and false when either time is missing.
func (ctx *Context) mfaAge() (int64, bool) {
	if ctx.MFATime.IsZero() || ctx.Time.IsZero() {
		return 0, false
	}
	return max(0, int64(ctx.Time.Sub(ctx.MFATime)/time.Second)), true
}

// compare reports whether got satisfies the numeric operator op against want.
func compare(op opKind, got, want int64) bool {
	switch op {
	case opNumericLessThan:
		return got < want
	case opNumericLessThanEquals:
		return got <= want
	case opNumericGreaterThan:
		return got > want
	case opNumericGreaterThanEquals:
		return got >= want
	}
	return false
}

// parseIPValue parses a CIDR or a single address (a /32 or /128) without a zone. IPv4 must
// be written as IPv4: IPv4-mapped IPv6 forms are rejected.
func parseIPValue(v string) (netip.Prefix, string) {
	bad := "invalid IP address or CIDR " + strconv.Quote(v)
	var p netip.Prefix
	if strings.Contains(v, "/") {
		var err error
		if p, err = netip.ParsePrefix(v); err != nil {
			return p, bad
		}
	} else {
		a, err := netip.ParseAddr(v)
		if err != nil || a.Zone() != "" {
			return p, bad
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	if p.Addr().Is4In6() {
		return p, bad + " (write IPv4 addresses in IPv4 form)"
	}
	return p.Masked(), ""
}

// met reports whether the request satisfies c, and whether the key was missing (in which
// case met is false). It does not allocate.
func (c *cond) met(ctx *Context) (met, missing bool) {
	switch c.key {
	case keyCurrentTime:
		if ctx.Time.IsZero() {
			return false, true
		}
		for _, t := range c.times {
			if c.op == opDateGreaterThan && ctx.Time.After(t) || c.op == opDateLessThan && ctx.Time.Before(t) {
				return true, false
			}
		}
		return false, false
	case keySourceIP:
		if !ctx.SourceIP.IsValid() {
			return false, true
		}
		a := ctx.SourceIP.Unmap().WithZone("")
		in := false
		for _, p := range c.prefixes {
			if p.Contains(a) {
				in = true
				break
			}
		}
		return in == (c.op == opIpAddress), false
	case keyMFA:
		switch ctx.MFA {
		case FlagTrue:
			return c.bools[1], false
		case FlagFalse:
			return c.bools[0], false
		}
		return false, true
	case keyMFAAge:
		age, ok := ctx.mfaAge()
		if !ok {
			return false, true
		}
		for _, n := range c.nums {
			if compare(c.op, age, n) {
				return true, false
			}
		}
		return false, false
	case keyPrincipalTag, keySessionTag:
		tags := ctx.PrincipalTags
		if c.key == keySessionTag {
			tags = ctx.SessionTags
		}
		v, ok := tags[c.tag]
		if !ok {
			return false, true
		}
		for _, want := range c.strs {
			if c.op == opStringEquals && v == want || c.op == opStringLike && like(want, v) {
				return true, false
			}
		}
		return false, false
	}
	return false, false
}

// like reports whether s matches the StringLike pattern: '*' matches any run of characters
// (none included), '?' exactly one character, anything else itself. Characters are UTF-8
// sequences (an invalid byte counts as one character). It does not allocate.
func like(pattern, s string) bool {
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(s) {
		if p < len(pattern) {
			pc, pw := utf8.DecodeRuneInString(pattern[p:])
			_, sw := utf8.DecodeRuneInString(s[n:])
			switch {
			case pc == '*':
				starP, starN = p, n
				p += pw
				continue
			case pc == '?' || pattern[p:p+pw] == s[n:n+sw]:
				p += pw
				n += sw
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starN:])
		starN += sw
		p, n = starP+1, starN
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
