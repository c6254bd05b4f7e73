package policy

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Validate checks a document against the language rules and the catalog (nil means
// DefaultCatalog) and returns ValidationErrors listing every problem, or nil. Parse runs the
// same checks, so a parsed document is always valid.
func (d *Document) Validate(cat *Catalog) error {
	if cat == nil {
		cat = DefaultCatalog()
	}
	l := newErrorList()
	l.checkDocument(cat, d, &docShape{})
	return l.err()
}

// docShape records what the JSON decoder already reported or how it found things written,
// so that the checks below neither repeat an error nor misname a path. A zero docShape
// describes a document built in Go.
type docShape struct {
	skipVersion, skipStatement bool
	stmts                      []stmtShape
}

type stmtShape struct {
	skipEffect, skipAction, skipResource, skipCondition bool
	bare                                                map[string]bool // list paths written as a single value
	skip                                                map[string]bool // element paths already reported
}

func (l *errorList) checkDocument(cat *Catalog, d *Document, sh *docShape) {
	if !sh.skipVersion {
		switch {
		case d.Version == "":
			l.add("Version", "Version", "missing")
		case d.Version != Version:
			l.add("Version", "Version", "unsupported version "+strconv.Quote(d.Version)+" (supported: "+quoteList(SupportedVersions())+")")
		}
	}
	if !sh.skipStatement {
		switch n := len(d.Statement); {
		case n == 0:
			l.add("Statement", "Statement", "must contain at least one statement")
		case n > MaxStatements:
			l.add("Statement", "Statement", "too many statements: "+strconv.Itoa(n)+" (the limit is "+strconv.Itoa(MaxStatements)+")")
		}
	}
	sids := map[string]int{}
	for i := range d.Statement {
		st := &d.Statement[i]
		var ss stmtShape
		if i < len(sh.stmts) {
			ss = sh.stmts[i]
		}
		if st.Sid != "" {
			p := stmtPath(i) + ".Sid"
			if len(st.Sid) > maxSidLen {
				l.add(p, "Sid", "longer than "+strconv.Itoa(maxSidLen)+" bytes")
			}
			if j, dup := sids[st.Sid]; dup {
				l.add(p, "Sid", "duplicate Sid "+strconv.Quote(st.Sid)+" (also "+stmtPath(j)+")")
			} else {
				sids[st.Sid] = i
			}
		}
		l.checkStatement(cat, i, st, &ss)
	}
}

// checkStatement checks everything of a statement that affects evaluation (all but Sid).
// Compile treats a statement as invalid exactly when this reports an error.
func (l *errorList) checkStatement(cat *Catalog, i int, st *Statement, sh *stmtShape) {
	p := stmtPath(i)
	if !sh.skipEffect {
		switch {
		case st.Effect == "":
			l.add(p+".Effect", "Effect", "missing")
		case st.Effect != EffectAllow && st.Effect != EffectDeny:
			l.add(p+".Effect", "Effect", "invalid effect "+strconv.Quote(string(st.Effect))+` (want "Allow" or "Deny")`)
		}
	}
	if !sh.skipAction {
		l.checkList(p, "Action", "action", st.Action, sh, func(a string) string { return l.checkAction(cat, a) })
	}
	if !sh.skipResource {
		acts, _ := cat.statementActions(st.Action)
		l.checkList(p, "Resource", "resource", st.Resource, sh, func(r string) string {
			if msg := l.checkResource(cat, r); msg != "" {
				return msg
			}
			if ref, _, _ := parseRef(r); ref.typ != "" && !cat.typeAgrees(acts, ref.typ) {
				return "no action of the statement is of type " + strconv.Quote(ref.typ) + ", so " + strconv.Quote(r) + " could match none of its requests (a typed resource covers requests about resources of its type only)"
			}
			return ""
		})
	}
	if !sh.skipCondition && st.Condition != nil {
		l.checkCondition(p+".Condition", st.Condition, sh)
	}
}

// checkList checks the list field (Action or Resource) of the statement
// at p: it must not be empty, and check gives the error of each element
// ("" for none), but of the elements the document's shape already
// reported.
func (l *errorList) checkList(p, field, noun string, list []string, sh *stmtShape, check func(string) string) {
	fp := p + "." + field
	if len(list) == 0 {
		l.add(fp, field, "must list at least one "+noun)
	}
	for j, v := range list {
		ep := elemPath(fp, j, sh.bare[fp])
		if sh.skip[ep] {
			continue
		}
		if msg := check(v); msg != "" {
			l.add(ep, field, msg)
		}
	}
}

func (l *errorList) checkCondition(p string, c Condition, sh *stmtShape) {
	if len(c) == 0 {
		l.add(p, "Condition", "empty condition block (omit Condition instead)")
		return
	}
	for _, op := range slices.Sorted(maps.Keys(c)) {
		keys, opPath := c[op], p+"."+op
		if sh.skip[opPath] {
			continue
		}
		if _, ok := operators[op]; !ok {
			if twin := caseTwin(op, operatorNames); twin != "" {
				l.add(opPath, "Condition", "unknown condition operator: operators are case-sensitive (did you mean "+strconv.Quote(twin)+"?)")
			} else {
				l.add(opPath, "Condition", "unknown condition operator"+l.didYouMean(op, operatorNames))
			}
			continue
		}
		if len(keys) == 0 {
			l.add(opPath, "Condition", "no condition keys")
			continue
		}
		names := slices.Sorted(maps.Keys(keys))
		for i, key := range names {
			keyPath := opPath + "." + key
			if sh.skip[keyPath] {
				continue
			}
			if twin := caseTwin(key, names[:i]); twin != "" {
				l.add(keyPath, "Condition", "condition key differs from "+strconv.Quote(twin)+" only in case: tag names are case-sensitive, but one operator may name a key only once, in one spelling")
				continue
			}
			bare := sh.bare[keyPath]
			_, msg, _ := compileCond(op, key, keys[key], func(j int, msg string) {
				if ep := elemPath(keyPath, j, bare); !sh.skip[ep] {
					l.add(ep, "Condition", msg)
				}
			})
			switch {
			case msg == "unknown condition key" && caseTwin(key, keySuggestions(key)) != "":
				l.add(keyPath, "Condition", msg+": keys are case-sensitive (did you mean "+strconv.Quote(caseTwin(key, keySuggestions(key)))+"?)")
			case msg == "unknown condition key":
				l.add(keyPath, "Condition", msg+l.didYouMean(key, keySuggestions(key)))
			case msg != "":
				l.add(keyPath, "Condition", msg)
			}
		}
	}
}

func stmtPath(i int) string { return "Statement[" + strconv.Itoa(i) + "]" }

// elemPath is the path of element j of a list, or of the list itself when the document wrote
// a single value instead of a list.
func elemPath(p string, j int, bare bool) string {
	if bare {
		return p
	}
	return p + "[" + strconv.Itoa(j) + "]"
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
