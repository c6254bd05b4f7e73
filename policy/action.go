package policy

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxPatternLen bounds an action pattern.
const maxPatternLen = 256

// checkPatternSyntax returns why an action pattern is malformed, or "" if it is well formed:
// `*`, or dot-separated non-empty parts of letters, digits, '-' and '_', each of which may end
// with one `*`.
func checkPatternSyntax(p string) string {
	switch {
	case p == "":
		return "empty action"
	case len(p) > maxPatternLen:
		return "action pattern is " + strconv.Itoa(len(p)) + " bytes long; the limit is " + strconv.Itoa(maxPatternLen)
	case p == "*":
		return ""
	}
	start := 0 // of the current part
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			if i == start {
				return "malformed action " + strconv.Quote(p) + ": empty part (want service.resource.Operation)"
			}
			start = i + 1
			continue
		}
		switch c := p[i]; {
		case c == '*':
			if i+1 < len(p) && p[i+1] != '.' {
				return "malformed action " + strconv.Quote(p) + `: "*" may only end a part, as in "compute.*" or "compute.instance.Get*"`
			}
		case !nameByte(c):
			return "malformed action " + strconv.Quote(p) + ": invalid character " + strconv.QuoteRune(rune(c))
		}
	}
	return ""
}

// maxCachedPatterns bounds Catalog.patterns; past it, patterns are matched afresh each time.
const maxCachedPatterns = 1 << 14

// match returns the indices of the catalog actions a well-formed pattern covers, in catalog
// order. The slice is shared: callers must not modify it (its capacity is its length, so
// append copies).
func (c *Catalog) match(pattern string) []int32 {
	star := strings.IndexByte(pattern, '*')
	if star < 0 {
		if i, ok := c.lookup(pattern); ok {
			return c.all[i : i+1 : i+1]
		}
		return nil
	}
	fp := foldString(pattern)
	c.patternsMu.RLock()
	out, ok := c.patterns[fp]
	c.patternsMu.RUnlock()
	if ok {
		return out
	}
	// Only the actions sharing the pattern's literal prefix can match.
	prefix := fp[:star]
	for i := sort.SearchStrings(c.folded, prefix); i < len(c.folded) && strings.HasPrefix(c.folded[i], prefix); i++ {
		if glob(fp[star:], c.folded[i][star:]) {
			out = append(out, int32(i))
		}
	}
	out = slices.Clip(out)
	c.patternsMu.Lock()
	if len(c.patterns) < maxCachedPatterns {
		c.patterns[fp] = out
	}
	c.patternsMu.Unlock()
	return out
}

// glob reports whether name matches pattern, where '*' in pattern matches any run of bytes
// (dots included) and every other byte matches itself. Both are already case-folded.
func glob(pattern, name string) bool {
	// Greedy with one backtrack point: the classic linear-space wildcard match.
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			starP, starN = p, n
			p++
		case p < len(pattern) && pattern[p] == name[n]:
			p++
			n++
		case starP >= 0:
			starN++
			p, n = starP+1, starN
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// checkAction validates one action pattern of a statement against the catalog, returning
// the message of the problem or "".
func (l *errorList) checkAction(c *Catalog, pattern string) string {
	if msg := checkPatternSyntax(pattern); msg != "" {
		return msg
	}
	if len(c.match(pattern)) > 0 {
		return ""
	}
	if !strings.Contains(pattern, "*") {
		return "unknown action " + strconv.Quote(pattern) + l.didYouMean(pattern, c.names)
	}
	return "action pattern " + strconv.Quote(pattern) + " matches no action in the catalog" + l.didYouMean(pattern, c.wildcards)
}
