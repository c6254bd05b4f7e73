package policy

import (
	"maps"
	"slices"
)

// Input is one policy of a principal's set. ID and Name identify it in explanations; Via is
// the path it came through (e.g. "group:ops → role:deployer"), carried through unread.
type Input struct {
	ID   string
	Name string
	Via  string
	Doc  *Document
	// Compiled is Doc compiled against the catalog of the Set
	// (Catalog.CompileDocument), when the caller holds it: Compile then
	// does not look it up. Nil: Compile finds or compiles it.
	Compiled *Compiled
}

// Set is a compiled set of policies: everything one principal is granted and denied. It is
// immutable and safe for concurrent use.
//
// A Set holds no statements of its own: each document is compiled once per catalog (a
// Compiled, see units.go) and shared by every Set it reaches, so a Set costs a few pointers per
// policy, and compiling one is cheap once its documents have been compiled.
type Set struct {
	cat    *Catalog
	inputs []Input
	units  []*Compiled // units[i] is inputs[i]'s document, compiled
	// distinct holds each Compiled once, in order: a policy reaching a principal by two paths
	// decides once.
	distinct []*Compiled
	// some[i] is distinct[i].some, side by side, so that ruling out the units that do not
	// mention a request's action reads a few consecutive cache lines.
	some  [][4]uint64
	diags []Diagnostic
}

// stmt is a compiled statement.
type stmt struct {
	index  int32 // statement index in the document; -1 for a policy without one
	sid    string
	deny   bool
	anyRes bool  // a "*" resource
	resOff int32 // the other resources: Compiled.res[resOff:resOff+resN]
	resN   int32
	conds  []cond // all must be met
}

// Diagnostic reports something wrong with a policy (found by Compile) or with a request
// (found by Explain). Compile's diagnostics say how an invalid statement was treated.
type Diagnostic struct {
	PolicyID   string `json:"policy_id,omitempty"`
	PolicyName string `json:"policy_name,omitempty"`
	Via        string `json:"via,omitempty"`
	Path       string `json:"path,omitempty"`
	Message    string `json:"message"`
}

// Compile compiles a principal's policies against a catalog (nil means DefaultCatalog).
//
// It never fails: a policy that cannot be evaluated as written can only lose access. A
// statement that Validate would reject (or any statement of a document with an unsupported
// Version) is skipped if it allows; if it denies, or its Effect is not "Allow", it is kept as
// a Deny and applied as widely as its errors allow: a malformed action pattern or a missing
// action list counts as "*", an invalid or missing resource as "*", an invalid condition
// entry as met. A policy whose document is nil (one Decode could not read) denies every
// action on every resource, as a statement with index -1. Each such case is reported in
// Diagnostics.
//
// Each document is compiled on its first Compile and the result is kept as long as the
// document lives, so a document must not be modified once compiled. The Set keeps policies
// itself, not a copy (a principal's set is mostly its inputs): the caller must not modify
// the slice afterwards.
func Compile(cat *Catalog, policies []Input) *Set {
	if cat == nil {
		cat = DefaultCatalog()
	}
	s := &Set{cat: cat, inputs: policies[:len(policies):len(policies)], units: make([]*Compiled, len(policies))}
	for i, in := range s.inputs {
		u := in.Compiled
		if u == nil {
			u = cat.unitOf(in.Doc)
		}
		s.units[i] = u
		if !slices.Contains(s.distinct, u) {
			s.distinct = append(s.distinct, u)
			s.some = append(s.some, u.some)
		}
		for _, d := range u.diags {
			s.diags = append(s.diags, Diagnostic{PolicyID: in.ID, PolicyName: in.Name, Via: in.Via, Path: d.path, Message: d.msg})
		}
	}
	return s
}

// sortedKeys returns a map's keys in order, so compiled conditions (and their explanations)
// come out the same every time.
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// Diagnostics returns what Compile found wrong with the policies.
func (s *Set) Diagnostics() []Diagnostic {
	if s == nil {
		return nil
	}
	return slices.Clone(s.diags)
}

// Inputs returns the policies s was compiled from, in order. The documents are shared: do
// not modify them.
func (s *Set) Inputs() []Input { return slices.Clone(s.inputs) }
