package policy

// Decide answers r: ExplicitDeny if a Deny statement matches, else Allow if an Allow statement
// matches, else ImplicitDeny. A statement matches when one of its action patterns covers
// r.Action, one of its resources is "*" or equals r.Resource, r.Project or r.Org, and all
// its conditions are met. An action that is not in the catalog, a nil Set and a nil Request
// are denied. Decide does not allocate.
func (s *Set) Decide(r *Request) Decision {
	if s == nil || r == nil {
		return ImplicitDeny
	}
	a, ok := s.cat.lookup(r.Action)
	if !ok {
		return ImplicitDeny
	}
	var ids requestIDs
	allowed := false
	w, bit := (a>>6)&3, uint64(1)<<(a&63)
	for i := range s.some {
		if s.some[i][w]&bit == 0 {
			continue
		}
		u := s.distinct[i]
		for _, e := range u.entriesFor(a) {
			st := &u.stmts[e]
			if !u.coversResource(st, &ids, r) || !st.condsMet(&r.Context) {
				continue
			}
			if st.deny {
				return ExplicitDeny
			}
			// Deny statements come first, so an Allow reached here means none of
			// this unit's matched; another unit's still may.
			allowed = true
			break
		}
	}
	if allowed {
		return Allow
	}
	return ImplicitDeny
}

// requestIDs holds the valid ones of a request's resource, project and organization ids,
// parsed on first use.
type requestIDs struct {
	parsed bool
	n      int
	id     [3]uuid
}

func (ids *requestIDs) parse(r *Request) {
	ids.parsed = true
	for _, s := range [3]string{r.Resource, r.Project, r.Org} {
		if u, ok := parseUUID(s); ok {
			ids.id[ids.n] = u
			ids.n++
		}
	}
}

func (u *unit) coversResource(st *stmt, ids *requestIDs, r *Request) bool {
	if st.anyRes {
		return true
	}
	if !ids.parsed {
		ids.parse(r)
	}
	for _, res := range u.res[st.resOff : st.resOff+st.resN] {
		for _, id := range ids.id[:ids.n] {
			if id == res {
				return true
			}
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
