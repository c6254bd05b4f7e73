package policy

import (
	"fmt"
)

// Decide answers r: ExplicitDeny if a Deny statement matches, else Allow if an Allow statement
// matches, else ImplicitDeny. A statement matches when one of its action patterns covers
// r.Action, one of its resources covers r's (resourceRef.covers), and all its conditions
// are met. An action that is not in the catalog, a nil Set and a nil Request
// are denied. Decide does not allocate.
func (s *Set) Decide(r *Request) Decision {
	if s == nil || r == nil {
		return ImplicitDeny
	}
	p := s.cat.Prepare(r)
	if !p.known {
		return ImplicitDeny
	}
	allowed := false
	for i := range s.some {
		if s.some[i][p.w]&p.bit == 0 {
			continue
		}
		switch s.distinct[i].decide(&p) {
		case ExplicitDeny:
			return ExplicitDeny
		case Allow:
			allowed = true
		}
	}
	if allowed {
		return Allow
	}
	return ImplicitDeny
}

// Prepared is a request made ready to be decided against many compiled documents one by
// one (Compiled.Decide): its action looked up once, its ids parsed once. It refers to the
// request, which must not change while it is in use.
type Prepared struct {
	r     *Request
	a     int32
	known bool // the action is in the catalog
	w     int  // the word and bit of a in a Compiled's mask
	bit   uint64
	ids   requestIDs
}

// Request returns the request p was prepared from.
func (p *Prepared) Request() *Request { return p.r }

// Prepare prepares r (not nil) for deciding against documents compiled with c. It does not
// allocate.
func (c *Catalog) Prepare(r *Request) Prepared {
	a, ok := c.lookup(r.Action)
	return Prepared{r: r, a: a, known: ok, w: int(a>>6) & 3, bit: uint64(1) << (a & 63)}
}

// Decide answers p by doc alone, as a Set of this one document would: the caller combines
// the answers of a principal's documents, an ExplicitDeny from any winning, then an Allow
// from any. p must come from the catalog doc was compiled with. It does not allocate.
func (doc *Compiled) Decide(p *Prepared) Decision {
	if !p.known || doc.some[p.w]&p.bit == 0 {
		return ImplicitDeny
	}
	return doc.decide(p)
}

func (doc *Compiled) decide(p *Prepared) Decision {
	for _, e := range doc.entriesFor(p.a) {
		st := &doc.stmts[e]
		if !doc.coversResource(st, &p.ids, p.r) || !st.condsMet(&p.r.Context) {
			continue
		}
		// Deny statements come first, so an Allow reached here means none of this
		// document's matched; another document's still may.
		if st.deny {
			return ExplicitDeny
		}
		return Allow
	}
	return ImplicitDeny
}

// requestIDs holds what resource references compare a request with, worked out on first
// use (resourceRef.covers): the valid ones of its resource, project and organization UUIDs,
// and the type of its resource.
type requestIDs struct {
	parsed  bool
	resUUID bool // the resource id is a UUID, id[0]
	n       int
	id      [3]uuid
	typ     string // the request's Type, or else its action's
}

func (ids *requestIDs) parse(r *Request) {
	ids.parsed = true
	for i, s := range [3]string{r.Resource, r.Project, r.Org} {
		if u, ok := parseUUID(s); ok {
			ids.resUUID = ids.resUUID || i == 0
			ids.id[ids.n] = u
			ids.n++
		}
	}
	ids.typ = r.Type
	if ids.typ == "" {
		ids.typ = actionType(r.Action)
	}
}

// coversResource reports whether one of st's resources covers the request.
func (u *Compiled) coversResource(st *stmt, ids *requestIDs, r *Request) bool {
	if st.anyRes {
		return true
	}
	for i := range u.res[st.resOff : st.resOff+st.resN] {
		if u.res[int(st.resOff)+i].covers(ids, r) {
			return true
		}
	}
	return false
}

func (st *stmt) condsMet(ctx *Context) bool {
	for i := range st.conds {
		if met, _ := st.conds[i].met(ctx); !met {
			return false
		}
	}
	return true
}

// Decision is the answer to a Request. The zero value is ImplicitDeny, so a Decision that was
// never set denies.
type Decision uint8

// The three answers.
const (
	ImplicitDeny Decision = iota // no statement matched
	ExplicitDeny                 // a Deny statement matched
	Allow                        // an Allow statement matched and no Deny statement did
)

// Allowed reports whether d is Allow.
func (d Decision) Allowed() bool { return d == Allow }

// String returns "allow", "explicit_deny" or "implicit_deny".
func (d Decision) String() string {
	switch d {
	case Allow:
		return "allow"
	case ExplicitDeny:
		return "explicit_deny"
	case ImplicitDeny:
		return "implicit_deny"
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// MarshalText encodes d as String does.
func (d Decision) MarshalText() ([]byte, error) {
	if d > Allow {
		return nil, fmt.Errorf("policy: invalid decision %d", uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes the form MarshalText produces.
func (d *Decision) UnmarshalText(b []byte) error {
	for _, v := range []Decision{ImplicitDeny, ExplicitDeny, Allow} {
		if string(b) == v.String() {
			*d = v
			return nil
		}
	}
	return fmt.Errorf("policy: invalid decision %q", b)
}
