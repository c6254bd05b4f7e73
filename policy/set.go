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
}

// Set is a compiled set of policies: everything one principal is granted and denied. It is
// immutable and safe for concurrent use.
type Set struct {
	cat    *Catalog
	inputs []Input
	stmts  []stmt
	// The statements that mention catalog action a are entries[offsets[a]:offsets[a+1]],
	// Deny statements first, so the first statement that matches a request decides it.
	offsets []int32
	entries []int32
	res     []uuid // the statements' resource ids, each statement's in one run
	diags   []Diagnostic
}

// stmt is a compiled statement.
type stmt struct {
	input  int32 // index into Set.inputs
	index  int32 // statement index in the document; -1 for a policy without one
	sid    string
	deny   bool
	anyRes bool  // a "*" resource
	resOff int32 // resource, project or organization ids: Set.res[resOff:resOff+resN]
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
func Compile(cat *Catalog, policies []Input) *Set {
	if cat == nil {
		cat = DefaultCatalog()
	}
	s := &Set{cat: cat, inputs: slices.Clone(policies)}
	n := 0
	for _, in := range policies {
		if in.Doc != nil {
			n += len(in.Doc.Statement)
		}
	}
	s.stmts = make([]stmt, 0, n)
	acts := make([][]int32, 0, n) // catalog actions of each compiled statement
	for i, in := range s.inputs {
		if in.Doc == nil {
			// Whatever the policy said cannot be known, so it may have denied anything.
			s.diag(i, "", "no readable document: the policy cannot be evaluated, so it denies every action")
			s.stmts = append(s.stmts, stmt{input: int32(i), index: -1, deny: true, anyRes: true})
			acts = append(acts, s.cat.all[:len(s.cat.all):len(s.cat.all)])
			continue
		}
		versionOK := in.Doc.Version == Version
		if !versionOK {
			s.diag(i, "Version", "unsupported version; Allow statements skipped")
		}
		for j := range in.Doc.Statement {
			st, a, ok := s.compileStatement(i, j, &in.Doc.Statement[j], versionOK)
			if ok {
				s.stmts = append(s.stmts, st)
				acts = append(acts, a)
			}
		}
	}
	s.index(acts)
	return s
}

// compileStatement compiles statement j of input i. ok is false if it is skipped.
func (s *Set) compileStatement(i, j int, src *Statement, versionOK bool) (st stmt, acts []int32, ok bool) {
	st = stmt{input: int32(i), index: int32(j), sid: src.Sid, deny: src.Effect != EffectAllow}
	// valid must be false exactly when checkStatement would report an error; only then is
	// it run, for the diagnostics (TestCompile_validityAgreesWithCheck holds the two together).
	valid := src.Effect == EffectAllow || src.Effect == EffectDeny

	valid = valid && len(src.Action) > 0
	if len(src.Action) == 0 {
		acts = s.cat.all[:len(s.cat.all):len(s.cat.all)]
	}
	for _, p := range src.Action {
		if checkPatternSyntax(p) != "" {
			valid = false
			acts = s.cat.all[:len(s.cat.all):len(s.cat.all)]
			break
		}
		m := s.cat.match(p)
		valid = valid && len(m) > 0
		if acts == nil {
			acts = m
		} else {
			acts = append(acts, m...)
		}
	}

	valid = valid && len(src.Resource) > 0
	// The ids go straight into s.res, all statements' in one array, for locality; they are
	// taken back out if the statement turns out to cover any resource or to be skipped.
	st.anyRes = len(src.Resource) == 0
	st.resOff = int32(len(s.res))
	for _, r := range src.Resource {
		if u, ok := parseUUID(r); ok {
			s.res = append(s.res, u)
		} else {
			valid = valid && r == "*"
			st.anyRes = true
		}
	}
	if st.anyRes {
		s.res = s.res[:st.resOff]
	}
	st.resN = int32(len(s.res)) - st.resOff

	valid = valid && (src.Condition == nil || len(src.Condition) > 0)
	for _, op := range sortedKeys(src.Condition) {
		keys := src.Condition[op]
		_, known := operators[op]
		valid = valid && known && len(keys) > 0
		if !known {
			continue
		}
		names := sortedKeys(keys)
		for i, key := range names {
			// A key in two spellings makes the statement invalid, but each
			// spelling is a condition of a Deny applied as widely as possible.
			valid = valid && caseTwin(key, names[:i]) == ""
			c, _, ok := compileCond(op, key, keys[key], func(int, string) {})
			valid = valid && ok
			if ok {
				st.conds = append(st.conds, c)
			}
		}
	}

	if valid && versionOK {
		return st, acts, true
	}
	l := &errorList{} // no suggestions: diagnostics need no "did you mean"
	l.checkStatement(s.cat, j, src, &stmtShape{})
	if !st.deny {
		for _, e := range l.errs {
			s.diag(i, e.Path, e.Message+"; Allow statement skipped")
		}
		s.res = s.res[:st.resOff]
		return st, nil, false
	}
	for _, e := range l.errs {
		s.diag(i, e.Path, e.Message+"; Deny statement applied as widely as possible")
	}
	return st, acts, true
}

// sortedKeys returns a map's keys in order, so compiled conditions (and their explanations)
// come out the same every time.
func sortedKeys[V any](m map[string]V) []string {
	if len(m) == 0 {
		return nil
	}
	return slices.Sorted(maps.Keys(m))
}

// index builds offsets and entries from each statement's actions: a counting sort by
// action, each statement once per action. Within an action, Deny statements come first (so
// the first statement that matches decides), and in each effect the statements that match
// any resource without conditions come first (so the common cases decide soonest).
func (s *Set) index(acts [][]int32) {
	n := s.cat.Len()
	s.offsets = make([]int32, n+1)
	last := make([]int32, n) // 1 + the last statement counted for the action
	for si, as := range acts {
		for _, a := range as {
			if last[a] != int32(si)+1 {
				last[a] = int32(si) + 1
				s.offsets[a+1]++
			}
		}
	}
	for a := range n {
		s.offsets[a+1] += s.offsets[a]
	}
	s.entries = make([]int32, s.offsets[n])
	next := slices.Clone(s.offsets[:n])
	clear(last)
	for rank := range 4 {
		for si, as := range acts {
			if s.stmts[si].rank() != rank {
				continue
			}
			for _, a := range as {
				if last[a] != int32(si)+1 {
					last[a] = int32(si) + 1
					s.entries[next[a]] = int32(si)
					next[a]++
				}
			}
		}
	}
}

// rank orders a statement within an action's list: unconditional Deny on any resource,
// other Deny, unconditional Allow on any resource, other Allow.
func (st *stmt) rank() int {
	r := 0
	if !st.deny {
		r = 2
	}
	if !st.anyRes || len(st.conds) > 0 {
		r++
	}
	return r
}

func (s *Set) diag(i int, path, msg string) {
	in := &s.inputs[i]
	s.diags = append(s.diags, Diagnostic{PolicyID: in.ID, PolicyName: in.Name, Via: in.Via, Path: path, Message: msg})
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
