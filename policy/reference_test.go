package policy

import (
	"maps"
	"math"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// This file is a deliberately naive evaluator written straight from docs/policy.md. It
// shares no code with the engine beyond the Document and Request types: it matches patterns
// with regular expressions, compares strings, loops over every policy, statement and catalog
// action, and re-parses every condition value on every request. The property and fuzz tests
// require the engine to agree with it.

// refResult is the reference's answer: the decision and the statements whose action and
// resource match, in policy and statement order.
type refResult struct {
	decision   Decision
	statements []refStatement
}

type refStatement struct {
	policy, index int
	deny          bool
	applied       bool
	failed        []string // "Operator Key missing=true|false", operators then keys sorted
}

func refDecide(cat *Catalog, policies []Input, r Request) refResult {
	res := refResult{decision: ImplicitDeny}
	action := ""
	for _, a := range cat.Actions() {
		if asciiLower(a.Name) == asciiLower(r.Action) {
			action = a.Name
		}
	}
	if action == "" {
		return res // not in the catalog: denied
	}
	allowed, denied := false, false
	for pi, p := range policies {
		if p.Doc == nil {
			// A policy whose document cannot be read might have denied anything: it denies
			// everything.
			res.statements = append(res.statements, refStatement{policy: pi, index: -1, deny: true, applied: true})
			denied = true
			continue
		}
		versionOK := p.Doc.Version == "2026-03-20"
		for si, st := range p.Doc.Statement {
			deny := st.Effect != "Allow" // an unknown effect is kept as a Deny
			if !deny && (!versionOK || !refStatementValid(cat, st)) {
				continue // an invalid Allow never grants
			}
			// From here on, anything invalid is in a Deny and counts as matching.
			if !refActionMatches(st.Action, action) || !refResourceMatches(cat, st, r) {
				continue
			}
			rs := refStatement{policy: pi, index: si, deny: deny, applied: true}
			for _, op := range slices.Sorted(maps.Keys(st.Condition)) {
				for _, key := range slices.Sorted(maps.Keys(st.Condition[op])) {
					vals := st.Condition[op][key]
					if !refConditionValid(op, key, vals) {
						continue
					}
					met, missing := refConditionMet(op, key, vals, r.Context)
					if !met {
						rs.applied = false
						rs.failed = append(rs.failed, op+" "+key+" missing="+boolWord(missing))
					}
				}
			}
			if rs.applied {
				denied = denied || deny
				allowed = allowed || !deny
			}
			res.statements = append(res.statements, rs)
		}
	}
	switch {
	case denied:
		res.decision = ExplicitDeny
	case allowed:
		res.decision = Allow
	}
	return res
}

func boolWord(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// asciiLower folds only A-Z: names are ASCII, and Unicode folding (K → k) must not apply.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 32
		}
		return r
	}, s)
}

var (
	refPatternSyntax = regexp.MustCompile(`^(?:[A-Za-z0-9_-]+\*?|\*)(?:\.(?:[A-Za-z0-9_-]+\*?|\*))*$`)
	refUUIDSyntax    = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	refTypedSyntax   = regexp.MustCompile(`^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/(\*|[A-Za-z0-9_.:/@+=,-]{1,200})$`)
	refActionType    = regexp.MustCompile(`^[^.]*\.[^.]*`)
	refTagSyntax     = regexp.MustCompile(`^[A-Za-z0-9_ .:/=+@-]{1,128}$`)
	refSeconds       = regexp.MustCompile(`^[0-9]{1,10}$`)
)

func refPatternWellFormed(p string) bool { return len(p) <= 256 && refPatternSyntax.MatchString(p) }

// refGlob: '*' is any run of characters, dots included; compared ignoring ASCII case.
func refGlob(pattern, name string) bool { return refGlobRegexp(pattern).MatchString(asciiLower(name)) }

// refGlobRegexp is the regular expression of a pattern, for names in lower case.
func refGlobRegexp(pattern string) *regexp.Regexp {
	parts := strings.Split(asciiLower(pattern), "*")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return refRegexp(`^(?s:` + strings.Join(parts, ".*") + `)$`)
}

// refPatternMatchesSome reports whether some catalog action matches p. The answer depends
// only on the catalog and the pattern, so it is remembered: that is the one concession to
// speed, so that a test can afford 100,000 requests.
func refPatternMatchesSome(cat *Catalog, p string) bool {
	key := refMemoKey{cat, p}
	if v, ok := refMemo.Load(key); ok {
		return v.(bool)
	}
	re := refGlobRegexp(p)
	ok := slices.ContainsFunc(cat.Actions(), func(a Action) bool { return re.MatchString(asciiLower(a.Name)) })
	refRemember(&refMemo, key, ok)
	return ok
}

type refMemoKey struct {
	cat *Catalog
	p   string
}

var (
	refMemo, refRegexps sync.Map
	refCached           atomic.Int64
)

// refRemember stores a cache entry while the caches are small: the generators of the
// property tests draw from a few patterns, but a fuzzer's patterns never repeat.
func refRemember(m *sync.Map, key, v any) {
	if refCached.Add(1) <= 1<<15 {
		m.Store(key, v)
	}
}

// refRegexp compiles expr once.
func refRegexp(expr string) *regexp.Regexp {
	if re, ok := refRegexps.Load(expr); ok {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(expr)
	refRemember(&refRegexps, expr, re)
	return re
}

func refActionMatches(patterns []string, action string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, p := range patterns {
		if !refPatternWellFormed(p) || refGlob(p, action) {
			return true
		}
	}
	return false
}

// refResourceMatches reports whether a resource of st matches r; an invalid one (which only
// a Deny that reaches here can have) counts as "*".
func refResourceMatches(cat *Catalog, st Statement, r Request) bool {
	if len(st.Resource) == 0 {
		return true
	}
	rtype := r.Type
	if rtype == "" {
		rtype = refActionType.FindString(r.Action)
	}
	for _, res := range st.Resource {
		if res == "*" || !refResourceValid(cat, st, res) {
			return true
		}
		if refUUIDSyntax.MatchString(res) {
			for _, id := range []string{r.Resource, r.Project, r.Org} {
				if asciiLower(id) == asciiLower(res) {
					return true
				}
			}
			continue
		}
		m := refTypedSyntax.FindStringSubmatch(res)
		if asciiLower(m[1]) == asciiLower(rtype) && (m[2] == "*" || asciiLower(m[2]) == asciiLower(r.Resource)) {
			return true
		}
	}
	return false
}

// refResourceValid reports whether res is "*", a UUID, or TYPE/* or TYPE/ID of a catalog
// type that some action the statement's patterns match is of.
func refResourceValid(cat *Catalog, st Statement, res string) bool {
	if res == "*" || refUUIDSyntax.MatchString(res) {
		return true
	}
	m := refTypedSyntax.FindStringSubmatch(res)
	if m == nil {
		return false
	}
	typ := asciiLower(m[1])
	known := slices.ContainsFunc(cat.ResourceTypes(), func(t ResourceType) bool { return asciiLower(t.Name) == typ })
	// No action, or a malformed one, stands for every action, as in an invalid Deny.
	every := len(st.Action) == 0 || slices.ContainsFunc(st.Action, func(p string) bool { return !refPatternWellFormed(p) })
	agrees := false
	for _, a := range cat.Actions() {
		if asciiLower(a.Service+"."+a.Resource) != typ {
			continue
		}
		known = true
		agrees = agrees || every || slices.ContainsFunc(st.Action, func(p string) bool { return refGlob(p, a.Name) })
	}
	return known && agrees
}

func refStatementValid(cat *Catalog, st Statement) bool {
	if st.Effect != "Allow" && st.Effect != "Deny" || len(st.Action) == 0 || len(st.Resource) == 0 {
		return false
	}
	for _, p := range st.Action {
		if !refPatternWellFormed(p) || !refPatternMatchesSome(cat, p) {
			return false
		}
	}
	for _, res := range st.Resource {
		if !refResourceValid(cat, st, res) {
			return false
		}
	}
	if st.Condition != nil && len(st.Condition) == 0 {
		return false
	}
	for op, keys := range st.Condition {
		if len(keys) == 0 {
			return false
		}
		for key, vals := range keys {
			if !refConditionValid(op, key, vals) {
				return false
			}
			for other := range keys {
				if other != key && strings.EqualFold(other, key) {
					return false // one key in two spellings
				}
			}
		}
	}
	return true
}

// refKeyOps is the operator/key table of docs/policy.md.
func refKeyOps(key string) []string {
	switch {
	case key == "keyward:CurrentTime":
		return []string{"DateGreaterThan", "DateLessThan"}
	case key == "keyward:SourceIp":
		return []string{"IpAddress", "NotIpAddress"}
	case key == "keyward:MultiFactorAuthPresent":
		return []string{"Bool"}
	case key == "keyward:MultiFactorAuthAge":
		return []string{"NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"}
	case strings.HasPrefix(key, "keyward:PrincipalTag/") && refTagSyntax.MatchString(strings.TrimPrefix(key, "keyward:PrincipalTag/")),
		strings.HasPrefix(key, "keyward:SessionTag/") && refTagSyntax.MatchString(strings.TrimPrefix(key, "keyward:SessionTag/")):
		return []string{"StringEquals", "StringLike"}
	}
	return nil
}

func refConditionValid(op, key string, vals []string) bool {
	if !slices.Contains(refKeyOps(key), op) || len(vals) == 0 {
		return false
	}
	for _, v := range vals {
		switch op {
		case "DateGreaterThan", "DateLessThan":
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return false
			}
		case "IpAddress", "NotIpAddress":
			if !refIPValid(v) {
				return false
			}
		case "Bool":
			if v != "true" && v != "false" {
				return false
			}
		case "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
			if !refSeconds.MatchString(v) {
				return false
			}
		default:
			if len(v) > 256 {
				return false
			}
		}
	}
	return true
}

func refIPValid(v string) bool {
	if strings.Contains(v, "/") {
		p, err := netip.ParsePrefix(v)
		return err == nil && !p.Addr().Is4In6()
	}
	a, err := netip.ParseAddr(v)
	return err == nil && a.Zone() == "" && !a.Is4In6()
}

func refConditionMet(op, key string, vals []string, ctx Context) (met, missing bool) {
	switch op {
	case "DateGreaterThan", "DateLessThan":
		if ctx.Time.IsZero() {
			return false, true
		}
		for _, v := range vals {
			t, _ := time.Parse(time.RFC3339, v)
			if op == "DateGreaterThan" && ctx.Time.After(t) || op == "DateLessThan" && ctx.Time.Before(t) {
				return true, false
			}
		}
		return false, false
	case "IpAddress", "NotIpAddress":
		if !ctx.SourceIP.IsValid() {
			return false, true
		}
		addr := ctx.SourceIP.Unmap().WithZone("")
		in := false
		for _, v := range vals {
			if strings.Contains(v, "/") {
				p, _ := netip.ParsePrefix(v)
				in = in || p.Masked().Contains(addr)
			} else {
				a, _ := netip.ParseAddr(v)
				in = in || a == addr
			}
		}
		return in == (op == "IpAddress"), false
	case "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals":
		if ctx.MFATime.IsZero() || ctx.Time.IsZero() {
			return false, true
		}
		age := int64(math.Floor(ctx.Time.Sub(ctx.MFATime).Seconds()))
		age = max(age, 0)
		for _, v := range vals {
			n, _ := strconv.ParseInt(v, 10, 64)
			if op == "NumericLessThan" && age < n || op == "NumericLessThanEquals" && age <= n ||
				op == "NumericGreaterThan" && age > n || op == "NumericGreaterThanEquals" && age >= n {
				return true, false
			}
		}
		return false, false
	case "Bool":
		if ctx.MFA == FlagUnset {
			return false, true
		}
		for _, v := range vals {
			if v == "true" && ctx.MFA == FlagTrue || v == "false" && ctx.MFA == FlagFalse {
				return true, false
			}
		}
		return false, false
	}
	tags, name := ctx.PrincipalTags, strings.TrimPrefix(key, "keyward:PrincipalTag/")
	if strings.HasPrefix(key, "keyward:SessionTag/") {
		tags, name = ctx.SessionTags, strings.TrimPrefix(key, "keyward:SessionTag/")
	}
	// Tag names compare ignoring case (the generated contexts hold no two
	// names equal but for case, as stored tags cannot).
	got, ok := "", false
	for k, v := range tags {
		if strings.EqualFold(k, name) {
			got, ok = v, true
		}
	}
	if !ok {
		return false, true
	}
	for _, v := range vals {
		if op == "StringEquals" && got == v || op == "StringLike" && refLike(v, got) {
			return true, false
		}
	}
	return false, false
}

// refLike turns a StringLike pattern into a regular expression: '*' → .*, '?' → one character.
func refLike(pattern, s string) bool {
	var re strings.Builder
	re.WriteString(`^(?s:`)
	for _, r := range pattern {
		switch r {
		case '*':
			re.WriteString(`.*`)
		case '?':
			re.WriteString(`.`)
		default:
			re.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	re.WriteString(`)$`)
	return refRegexp(re.String()).MatchString(s)
}
