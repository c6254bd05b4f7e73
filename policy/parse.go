package policy

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse reads a policy document strictly and checks it against the catalog (nil means
// DefaultCatalog). It rejects unknown or duplicate fields at any level (a field name in
// another case is unknown), condition keys of one operator that differ only in case, wrong
// JSON types, null Action or Resource, empty lists, unknown versions, effects, actions,
// operators and keys, bad UUIDs, CIDRs and dates, and documents over MaxDocumentSize bytes
// or MaxStatements statements. The error is then a ValidationErrors naming every problem by
// path. Parse never panics.
func Parse(cat *Catalog, data []byte) (*Document, error) {
	if len(data) > MaxDocumentSize {
		return nil, sizeError(len(data), "")
	}
	d, err := decode(cat, data)
	if err == nil {
		err = checkSize(d, data)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// decode reads and checks a document. The document is nil when the JSON does not have the
// shape of one; otherwise it is returned as written, with any problems the checks found.
func decode(cat *Catalog, data []byte) (*Document, error) {
	if cat == nil {
		cat = DefaultCatalog()
	}
	if !utf8.Valid(data) {
		return nil, ValidationErrors{{Message: "document is not valid UTF-8"}}
	}
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		msg := "invalid JSON: " + err.Error()
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			msg += " (near byte " + strconv.FormatInt(se.Offset, 10) + ")"
		}
		return nil, ValidationErrors{{Message: msg}}
	}
	l := newErrorList()
	d, sh := l.decodeDocument(raw)
	if d == nil {
		return nil, l.err()
	}
	shaped := len(l.errs) == 0
	l.checkDocument(cat, d, sh) // even when misshapen, so that every problem is reported at once
	if len(l.errs) > 0 {
		slices.SortStableFunc(l.errs, func(a, b *FieldError) int { return statementIndex(a.Path) - statementIndex(b.Path) })
		if !shaped {
			d = nil
		}
		return d, l.errs
	}
	return d, nil
}

// checkSize checks the size limit for d as given and in canonical form (which can be longer:
// "x" becomes ["x"]), so that every accepted document can be stored canonically and parsed
// again.
func checkSize(d *Document, data []byte) error {
	if len(data) > MaxDocumentSize {
		return sizeError(len(data), "")
	}
	if b, err := d.MarshalJSON(); err != nil || len(b) > MaxDocumentSize {
		return sizeError(len(b), " in canonical form")
	}
	return nil
}

func sizeError(n int, form string) error {
	return ValidationErrors{{Message: "document is " + strconv.Itoa(n) + " bytes" + form + "; the limit is " + strconv.Itoa(MaxDocumentSize)}}
}

// statementIndex returns the statement a path is in, or -1 for the document level.
func statementIndex(path string) int {
	rest, ok := strings.CutPrefix(path, "Statement[")
	if !ok {
		return -1
	}
	n := 0
	for _, c := range []byte(rest) {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func (l *errorList) decodeDocument(raw json.RawMessage) (*Document, *docShape) {
	members, ok := objectMembers(raw)
	if !ok {
		l.add("", "", "a policy document must be a JSON object")
		return nil, nil
	}
	d, sh := &Document{}, &docShape{}
	fields := l.fields("", members, []string{"Version", "Statement"})
	if v, ok := fields["Version"]; !ok {
		l.add("Version", "Version", "missing")
		sh.skipVersion = true
	} else if s, ok := jsonString(v); ok {
		d.Version = s
	} else {
		l.add("Version", "Version", "must be a string (supported: "+quoteList(SupportedVersions())+")")
		sh.skipVersion = true
	}
	v, ok := fields["Statement"]
	if !ok {
		l.add("Statement", "Statement", "missing")
		sh.skipStatement = true
		return d, sh
	}
	var items []json.RawMessage
	if isNull(v) || json.Unmarshal(v, &items) != nil {
		l.add("Statement", "Statement", "must be a list of statements")
		sh.skipStatement = true
		return d, sh
	}
	d.Statement = make([]Statement, len(items))
	sh.stmts = make([]stmtShape, len(items))
	for i, item := range items {
		l.decodeStatement(stmtPath(i), item, &d.Statement[i], &sh.stmts[i])
	}
	return d, sh
}

func (l *errorList) decodeStatement(p string, raw json.RawMessage, st *Statement, sh *stmtShape) {
	sh.bare, sh.skip = map[string]bool{}, map[string]bool{}
	members, ok := objectMembers(raw)
	if !ok {
		l.add(p, "", "must be an object")
		sh.skipEffect, sh.skipAction, sh.skipResource, sh.skipCondition = true, true, true, true
		return
	}
	fields := l.fields(p, members, []string{"Sid", "Effect", "Action", "Resource", "Condition"})
	if v, ok := fields["Sid"]; ok && !isNull(v) {
		if s, ok := jsonString(v); ok {
			st.Sid = s
		} else {
			l.add(p+".Sid", "Sid", "must be a string")
		}
	}
	if v, ok := fields["Effect"]; !ok {
		l.add(p+".Effect", "Effect", "missing")
		sh.skipEffect = true
	} else if s, ok := jsonString(v); ok {
		st.Effect = Effect(s)
	} else {
		l.add(p+".Effect", "Effect", `must be "Allow" or "Deny"`)
		sh.skipEffect = true
	}
	st.Action, sh.skipAction = l.decodeList(p+".Action", "Action", "action", fields, sh)
	st.Resource, sh.skipResource = l.decodeList(p+".Resource", "Resource", "resource", fields, sh)
	if v, ok := fields["Condition"]; ok && !isNull(v) {
		st.Condition, sh.skipCondition = l.decodeCondition(p+".Condition", v, sh)
	}
}

// decodeList decodes Action or Resource: a string or a non-empty list of strings. It
// returns skip=true when it reported a problem with the field as a whole.
func (l *errorList) decodeList(p, field, noun string, fields map[string]json.RawMessage, sh *stmtShape) ([]string, bool) {
	v, ok := fields[field]
	switch {
	case !ok:
		l.add(p, field, "missing (want "+withArticle(noun)+" or a list of "+noun+"s)")
		return nil, true
	case isNull(v):
		l.add(p, field, "must not be null (want "+withArticle(noun)+" or a list of "+noun+"s)")
		return nil, true
	}
	if s, ok := jsonString(v); ok {
		sh.bare[p] = true
		return []string{s}, false
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		l.add(p, field, "must be "+withArticle(noun)+" or a list of "+noun+"s")
		return nil, true
	}
	if len(items) == 0 {
		l.add(p, field, "must list at least one "+noun)
		return nil, true
	}
	out := make([]string, len(items))
	for j, item := range items {
		s, ok := jsonString(item)
		if !ok {
			ep := elemPath(p, j, false)
			l.add(ep, field, "must be a string")
			sh.skip[ep] = true
		}
		out[j] = s
	}
	return out, false
}

func withArticle(noun string) string {
	if noun == "action" {
		return "an action"
	}
	return "a " + noun
}

// awsOnlyFields are AWS policy fields keyward does not have. They get no "did you mean":
// NotAction is not a typo of Action.
var awsOnlyFields = []string{"Id", "NotAction", "NotResource", "Principal", "NotPrincipal"}

// fields indexes an object's members by name, reporting unknown and duplicate ones.
func (l *errorList) fields(p string, members []member, known []string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(members))
	for _, m := range members {
		mp := m.key
		if p != "" {
			mp = p + "." + m.key
		}
		switch {
		case slices.Contains(awsOnlyFields, m.key):
			l.add(mp, m.key, "unknown field: keyward policies do not support "+m.key+" (allowed: "+joinNames(known)+")")
		case caseTwin(m.key, known) != "":
			// Names are matched exactly, as AWS and Vultr do; a reader that folds
			// case (encoding/json's structs) would take this for the field.
			l.add(mp, m.key, "unknown field: field names are case-sensitive (did you mean "+strconv.Quote(caseTwin(m.key, known))+"?)")
		case !slices.Contains(known, m.key):
			hint := l.didYouMean(m.key, known)
			if hint == "" {
				hint = " (allowed: " + joinNames(known) + ")"
			}
			l.add(mp, m.key, "unknown field"+hint)
		case out[m.key] != nil:
			l.add(mp, m.key, "duplicate field")
		default:
			out[m.key] = m.val
		}
	}
	return out
}

func joinNames(ns []string) string { return strings.Join(ns, ", ") }

// caseTwin returns the name among names that differs from s only in case
// (by Unicode simple folding, as encoding/json matches names), or "".
func caseTwin(s string, names []string) string {
	for _, n := range names {
		if n != s && strings.EqualFold(n, s) {
			return n
		}
	}
	return ""
}
