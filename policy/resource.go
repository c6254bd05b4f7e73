package policy

import (
	"slices"
	"strconv"
	"strings"
)

// uuid is a parsed UUID. Resource references are compared in this form, so case and the
// cost of string comparison do not matter.
type uuid [16]byte

// parseUUID parses the canonical 8-4-4-4-12 hexadecimal form of a UUID, in any case. It does
// not allocate.
func parseUUID(s string) (uuid, bool) {
	var u uuid
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return u, false
	}
	j := 0
	for i := 0; i < 36; i += 2 {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			i++
		}
		hi, lo := hexValue[s[i]], hexValue[s[i+1]]
		if hi|lo > 0xf {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
	}
	return u, true
}

// hexValue maps a hexadecimal digit to its value and every other byte to 0xff.
var hexValue = func() (t [256]byte) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = byte(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = byte(c - 'a' + 10)
		case 'A' <= c && c <= 'F':
			t[c] = byte(c - 'A' + 10)
		default:
			t[c] = 0xff
		}
	}
	return t
}()

// String formats u in lower-case canonical form.
func (u uuid) String() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 36)
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	return string(b)
}

// MaxResourceIDLen bounds a provider's own resource id, in bytes.
const MaxResourceIDLen = 200

// ValidResourceID reports whether s may be a provider's own resource id: 1 to
// MaxResourceIDLen ASCII letters, digits and - _ . : / @ + = , (so ARNs and most names
// fit; "*" never does, as it would read as a wildcard). A UUID is one too.
func ValidResourceID(s string) bool {
	if s == "" || len(s) > MaxResourceIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !idByte(s[i]) {
			return false
		}
	}
	return true
}

func idByte(c byte) bool {
	return nameByte(c) || strings.IndexByte(".:/@+=,", c) >= 0
}

// actionType returns the resource type of an action name, its first two parts ("" without
// them). It slices name, so it does not allocate.
func actionType(name string) string {
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(name[i+1:], '.')
	if j < 0 {
		return ""
	}
	return name[:i+1+j]
}

// validType reports whether s has the syntax of a resource type: service.resource.
func validType(s string) bool {
	svc, res, ok := strings.Cut(s, ".")
	return ok && validPart(svc) && validPart(res)
}

// refKind is what a statement resource other than "*" refers to.
type refKind uint8

const (
	refUUID    refKind = iota // a resource, project or organization UUID
	refTypeAll                // TYPE/*: every resource of a type
	refTypedID                // TYPE/ID: one resource of a type
)

// resourceRef is a statement resource other than "*", parsed: the one form in which the
// engine, its explanations and CoversResource match requests (covers).
type resourceRef struct {
	kind   refKind
	isUUID bool   // a refTypedID whose id is a UUID, compared as one
	id     uuid   // the UUID of a refUUID, or of a refTypedID with isUUID
	typ    string // the type of a refTypeAll or refTypedID, as written
	pid    string // the id of a refTypedID, as written
}

// parseRef parses a statement resource. any reports "*"; msg says why r is malformed, or
// is "". Whether its type is in the catalog is not checked here (checkResource).
func parseRef(r string) (ref resourceRef, star bool, msg string) {
	const want = ` (want "*", a resource, project or organization UUID, TYPE/* or TYPE/ID)`
	if r == "*" {
		return ref, true, ""
	}
	if u, ok := parseUUID(r); ok {
		return resourceRef{kind: refUUID, id: u}, false, ""
	}
	typ, id, typed := strings.Cut(r, "/")
	switch {
	case r == "":
		return ref, false, "empty resource" + want
	case !typed && ValidResourceID(r):
		return ref, false, "invalid resource " + strconv.Quote(r) + ": a provider's own id needs its resource type, as in " + strconv.Quote("service.resource/"+r)
	case !typed || !validType(typ):
		return ref, false, "invalid resource " + strconv.Quote(r) + want
	case id == "*":
		return resourceRef{kind: refTypeAll, typ: typ}, false, ""
	case strings.Contains(id, "*"):
		return ref, false, "invalid resource " + strconv.Quote(r) + ": an id cannot hold a wildcard; " + strconv.Quote(typ+"/*") + " covers every resource of the type"
	case !ValidResourceID(id):
		return ref, false, "invalid resource " + strconv.Quote(r) + ": the id after the type must be 1 to " + strconv.Itoa(MaxResourceIDLen) + " letters, digits and - _ . : / @ + = ,"
	}
	ref = resourceRef{kind: refTypedID, typ: typ, pid: id}
	ref.id, ref.isUUID = parseUUID(id)
	return ref, false, ""
}

// covers reports whether ref covers the request r, whose ids are parsed into ids: a UUID
// covers a request whose resource, project or organization id it is; a type covers only
// requests about a resource of that type (the request's Type, or else its action's), TYPE/*
// every one of them and TYPE/ID the one whose resource id is ID. Types and ids compare
// ignoring ASCII case. It does not allocate.
func (ref *resourceRef) covers(ids *requestIDs, r *Request) bool {
	if !ids.parsed {
		ids.parse(r)
	}
	if ref.kind == refUUID {
		for _, id := range ids.id[:ids.n] {
			if id == ref.id {
				return true
			}
		}
		return false
	}
	if !strings.EqualFold(ref.typ, ids.typ) {
		return false
	}
	switch {
	case ref.kind == refTypeAll:
		return true
	case ref.isUUID:
		return ids.resUUID && ids.id[0] == ref.id
	}
	return strings.EqualFold(ref.pid, r.Resource)
}

// CoversResource reports whether the statement resource ref covers r's resource, by the
// rule Decide and Explain match resources with (docs/policy.md §3); "*" covers every
// request and a malformed ref none. It is for evaluators built outside this package, which
// match statement by statement; it parses ref on every call.
func CoversResource(ref string, r *Request) bool {
	p, star, msg := parseRef(ref)
	if msg != "" {
		return false
	}
	var ids requestIDs
	return star || p.covers(&ids, r)
}

// checkResource returns why a statement resource is invalid against cat, or "".
func (l *errorList) checkResource(cat *Catalog, r string) string {
	ref, _, msg := parseRef(r)
	if msg != "" || ref.kind == refUUID {
		return msg
	}
	if ok, _ := cat.HasResourceType(ref.typ); !ok {
		return "unknown resource type " + strconv.Quote(ref.typ) + " in " + strconv.Quote(r) + l.didYouMean(ref.typ, cat.typeNames())
	}
	return ""
}

// typeAgrees reports whether one of the catalog actions acts (indexes) is of resource type
// typ: a typed resource of a statement must be the type of one of its actions, else it
// could match none of the statement's requests but those naming another type than their
// action's, which is far likelier a mistake than meant.
func (c *Catalog) typeAgrees(acts []int32, typ string) bool {
	for _, a := range acts {
		if strings.EqualFold(actionType(c.actions[a].Name), typ) {
			return true
		}
	}
	return false
}

// typeNames returns the catalog's resource types, implied and declared: did-you-mean
// candidates for a type.
func (c *Catalog) typeNames() []string {
	out := slices.Clone(c.resources)
	for _, t := range c.types {
		out = append(out, t.Name)
	}
	return out
}

// knownTypeAgrees reports whether typ is a resource type of c and one of the catalog actions
// acts is of it: what a typed resource of a statement with those actions must meet.
func (c *Catalog) knownTypeAgrees(acts []int32, typ string) bool {
	ok, _ := c.HasResourceType(typ)
	return ok && c.typeAgrees(acts, typ)
}

// statementActions returns the catalog actions a statement's action patterns cover, each
// pattern's in turn (so an action may repeat): every action for no pattern or a malformed
// one, as an invalid Deny is applied. ok reports that there are patterns, all well-formed,
// each covering some action.
func (c *Catalog) statementActions(patterns []string) (acts []int32, ok bool) {
	ok = len(patterns) > 0
	if !ok {
		return c.all[:len(c.all):len(c.all)], false
	}
	for _, p := range patterns {
		if checkPatternSyntax(p) != "" {
			return c.all[:len(c.all):len(c.all)], false
		}
		m := c.match(p)
		ok = ok && len(m) > 0
		if acts == nil {
			acts = m
		} else {
			acts = append(acts, m...)
		}
	}
	return acts, ok
}

// SplitResource takes a statement resource apart: TYPE/ID into typ and id, TYPE/* into typ
// and "*", a UUID into "" and the UUID, "*" into "" and "*". ok is false for a malformed
// one, which names nothing.
func SplitResource(ref string) (typ, id string, ok bool) {
	p, star, msg := parseRef(ref)
	switch {
	case msg != "":
		return "", "", false
	case star:
		return "", "*", true
	case p.kind == refUUID:
		return "", ref, true
	case p.kind == refTypeAll:
		return p.typ, "*", true
	}
	return p.typ, p.pid, true
}
