package policy

import (
	"runtime"
	"slices"
	"sync"
	"weak"
)

// Compiled is one document compiled against a catalog: its statements and an index of them by
// catalog action. Units are shared by every Set the document is in (Compile), so a document
// reaching ten thousand principals is compiled, and held, once.
type Compiled struct {
	// some has bit a%256 set for each action a that a statement mentions: most units of a
	// Set do not mention a request's action, and this rules them out from the Compiled's
	// first cache line.
	some [4]uint64
	// diags is next to some: an explanation reads both of every unit of a Set, and
	// most units of a principal's explanation go no further, so it reads one line of each.
	diags []unitDiag
	stmts []stmt
	// The statements that mention catalog action a are entries[lo:hi], Deny statements
	// first, so the first statement that matches a request decides it; lo and hi come from
	// dense (indexed by action, len Catalog.Len()+1) for a document that mentions many
	// actions, else from offs, parallel to the sorted actions acts (len(acts)+1).
	dense   []int32
	acts    []int32
	offs    []int32
	entries []int32
	res     []uuid // the statements' resource ids, each statement's in one run
}

// unitDiag is a diagnostic of a Compiled, without the identity of the policy, which each Set
// adds from its inputs.
type unitDiag struct{ path, msg string }

// unitCache maps live documents to their units. A document's entry goes when the
// document is collected, so an old version of a policy does not pin its Compiled.
type unitCache struct {
	m    sync.Map // weak.Pointer[Document] → *Compiled
	once sync.Once
	nu   *Compiled // the Compiled of a nil document
}

// CompileDocument returns doc compiled against c, compiling it on first use; a nil doc (one
// that could not be read) denies every action on every resource. The result is shared by
// every caller and kept while doc lives, so doc must not be modified afterwards.
func (c *Catalog) CompileDocument(doc *Document) *Compiled { return c.unitOf(doc) }

// unitOf returns doc compiled against c, compiling it on first use. Two callers racing on
// a new document may both compile it; the first to store wins.
func (c *Catalog) unitOf(doc *Document) *Compiled {
	if doc == nil {
		c.units.once.Do(func() { c.units.nu = c.compileUnit(nil) })
		return c.units.nu
	}
	k := weak.Make(doc)
	if u, ok := c.units.m.Load(k); ok {
		return u.(*Compiled)
	}
	u, loaded := c.units.m.LoadOrStore(k, c.compileUnit(doc))
	if !loaded {
		runtime.AddCleanup(doc, func(k weak.Pointer[Document]) { c.units.m.Delete(k) }, k)
	}
	return u.(*Compiled)
}

// compileUnit compiles one document (see Compile for how invalid statements are treated).
func (c *Catalog) compileUnit(doc *Document) *Compiled {
	u := &Compiled{}
	if doc == nil {
		// Whatever the policy said cannot be known, so it may have denied anything.
		u.diag("", "no readable document: the policy cannot be evaluated, so it denies every action")
		u.stmts = []stmt{{index: -1, deny: true, anyRes: true}}
		u.index(c, [][]int32{c.all[:len(c.all):len(c.all)]})
		return u
	}
	versionOK := doc.Version == Version
	if !versionOK {
		u.diag("Version", "unsupported version; Allow statements skipped")
	}
	u.stmts = make([]stmt, 0, len(doc.Statement))
	acts := make([][]int32, 0, len(doc.Statement)) // catalog actions of each compiled statement
	for j := range doc.Statement {
		st, a, ok := u.compileStatement(c, j, &doc.Statement[j], versionOK)
		if ok {
			u.stmts = append(u.stmts, st)
			acts = append(acts, a)
		}
	}
	u.index(c, acts)
	return u
}

// compileStatement compiles statement j of the document. ok is false if it is skipped.
func (u *Compiled) compileStatement(cat *Catalog, j int, src *Statement, versionOK bool) (st stmt, acts []int32, ok bool) {
	st = stmt{index: int32(j), sid: src.Sid, deny: src.Effect != EffectAllow}
	// valid must be false exactly when checkStatement would report an error; only then is
	// it run, for the diagnostics (TestCompile_validityAgreesWithCheck holds the two together).
	valid := src.Effect == EffectAllow || src.Effect == EffectDeny

	valid = valid && len(src.Action) > 0
	if len(src.Action) == 0 {
		acts = cat.all[:len(cat.all):len(cat.all)]
	}
	for _, p := range src.Action {
		if checkPatternSyntax(p) != "" {
			valid = false
			acts = cat.all[:len(cat.all):len(cat.all)]
			break
		}
		m := cat.match(p)
		valid = valid && len(m) > 0
		if acts == nil {
			acts = m
		} else {
			acts = append(acts, m...)
		}
	}

	valid = valid && len(src.Resource) > 0
	// The ids go straight into u.res, all statements' in one array, for locality; they are
	// taken back out if the statement turns out to cover any resource or to be skipped.
	st.anyRes = len(src.Resource) == 0
	st.resOff = int32(len(u.res))
	for _, r := range src.Resource {
		if id, ok := parseUUID(r); ok {
			u.res = append(u.res, id)
		} else {
			valid = valid && r == "*"
			st.anyRes = true
		}
	}
	if st.anyRes {
		u.res = u.res[:st.resOff]
	}
	st.resN = int32(len(u.res)) - st.resOff

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
	l.checkStatement(cat, j, src, &stmtShape{})
	if !st.deny {
		for _, e := range l.errs {
			u.diag(e.Path, e.Message+"; Allow statement skipped")
		}
		u.res = u.res[:st.resOff]
		return st, nil, false
	}
	for _, e := range l.errs {
		u.diag(e.Path, e.Message+"; Deny statement applied as widely as possible")
	}
	return st, acts, true
}

// sortedKeys returns a map's keys in order, so compiled conditions (and their explanations)

// index builds the action index from each statement's actions: a counting sort by action,
// each statement once per action. Within an action, Deny statements come first (so the
// first statement that matches decides), and in each effect the statements that match any
// resource without conditions come first (so the common cases decide soonest).
func (u *Compiled) index(cat *Catalog, acts [][]int32) {
	n := cat.Len()
	count := make([]int32, n+1) // count[a+1]: statements that mention action a
	last := make([]int32, n)    // 1 + the last statement counted for the action
	for si, as := range acts {
		for _, a := range as {
			if last[a] != int32(si)+1 {
				last[a] = int32(si) + 1
				count[a+1]++
			}
		}
	}
	var mentioned int
	for a := range n {
		if count[a+1] > 0 {
			mentioned++
			u.some[(a>>6)&3] |= 1 << (a & 63)
		}
		count[a+1] += count[a]
	}
	u.entries = make([]int32, count[n])
	next := slices.Clone(count[:n])
	clear(last)
	for rank := range 4 {
		for si, as := range acts {
			if u.stmts[si].rank() != rank {
				continue
			}
			for _, a := range as {
				if last[a] != int32(si)+1 {
					last[a] = int32(si) + 1
					u.entries[next[a]] = int32(si)
					next[a]++
				}
			}
		}
	}
	// Indexed by catalog action (4 bytes per action in the catalog) when that
	// is smaller than by binary search over the actions mentioned (8 bytes each).
	if mentioned > 32 {
		u.dense = count
		return
	}
	u.acts = make([]int32, 0, mentioned)
	u.offs = make([]int32, 0, mentioned+1)
	for a := range n {
		if count[a+1] > count[a] {
			u.acts = append(u.acts, int32(a))
			u.offs = append(u.offs, count[a])
		}
	}
	u.offs = append(u.offs, count[n])
}

// entriesFor returns the statements that mention catalog action a, Deny first.
func (u *Compiled) entriesFor(a int32) []int32 {
	if u.some[(a>>6)&3]&(1<<(a&63)) == 0 {
		return nil
	}
	if u.dense != nil {
		return u.entries[u.dense[a]:u.dense[a+1]]
	}
	lo, hi := 0, len(u.acts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if u.acts[m] < a {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(u.acts) || u.acts[lo] != a {
		return nil
	}
	return u.entries[u.offs[lo]:u.offs[lo+1]]
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

func (u *Compiled) diag(path, msg string) { u.diags = append(u.diags, unitDiag{path, msg}) }
