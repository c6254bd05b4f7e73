package policy

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Explanation says why a Set decided a Request the way it did. Its JSON form is what the
// HTTP API returns.
type Explanation struct {
	Decision Decision `json:"decision"`
	Allowed  bool     `json:"allowed"`
	Action   string   `json:"action"`
	// Statements are the statements whose action and resource match the request, in policy
	// and statement order, whether or not their conditions were met.
	Statements  []StatementResult `json:"statements"`
	Diagnostics []Diagnostic      `json:"diagnostics,omitempty"`
}

// StatementResult is one statement whose action and resource match the request. Applied
// reports whether all its conditions were met; FailedConditions lists those that were not.
type StatementResult struct {
	PolicyID         string            `json:"policy_id"`
	PolicyName       string            `json:"policy_name"`
	Via              string            `json:"via,omitempty"`
	Index            int               `json:"statement_index"` // -1: the policy has no readable document
	Sid              string            `json:"sid,omitempty"`
	Effect           Effect            `json:"effect"`
	Applied          bool              `json:"applied"`
	FailedConditions []ConditionResult `json:"failed_conditions,omitempty"`
}

// ConditionResult is a condition that was not met, because the request's value did not
// satisfy it or because the key was missing from the request.
type ConditionResult struct {
	Operator   string `json:"operator"`
	Key        string `json:"key"`
	KeyMissing bool   `json:"key_missing"`
	Message    string `json:"message"`
}

// Explain returns the decision Decide would return for r, with the statements and conditions
// behind it and any diagnostics about the request or the policies. Unlike Decide it looks at
// every statement, so it is slower and allocates.
func (s *Set) Explain(r *Request) Explanation {
	if r == nil {
		return Explanation{Statements: []StatementResult{}, Diagnostics: []Diagnostic{{Message: "no request"}}}
	}
	if s == nil {
		return Explanation{Action: r.Action, Statements: []StatementResult{}, Diagnostics: []Diagnostic{{Message: "no policies"}}}
	}
	e := s.cat.Explainer(r)
	for i := range s.inputs {
		e.add(&s.inputs[i], s.units[i])
	}
	return e.Done()
}

// Explainer assembles the Explanation of one request policy by policy: fed
// a principal's policies in order with Add, Done returns what Explain
// returns for the Set compiled from them, without compiling that Set; for
// a caller that walks the policies anyway and would keep the Set for this
// one explanation only. The request must not change until Done.
type Explainer struct {
	r        *Request
	a        int32 // r's action; known reports whether the catalog has it
	known    bool
	ids      requestIDs
	ex       Explanation
	reqDiags []Diagnostic // about r, after the policies' own (as Compile then Explain report them)
	allowed  bool
	denied   bool
}

// Explainer starts the explanation of r against c's actions.
func (c *Catalog) Explainer(r *Request) Explainer {
	e := Explainer{r: r, ex: Explanation{Action: r.Action, Statements: []StatementResult{}}}
	if e.a, e.known = c.lookup(r.Action); !e.known {
		e.reqDiags = append(e.reqDiags, Diagnostic{Message: "unknown action " + strconv.Quote(r.Action) + ": not in the catalog, so denied"})
		return e
	}
	if _, ok := parseUUID(r.Resource); !ok && r.Resource != "" && !ValidResourceID(r.Resource) {
		e.reqDiags = append(e.reqDiags, Diagnostic{Message: "request resource id " + strconv.Quote(r.Resource) + ` is neither a UUID nor a provider id; only "*" and TYPE/* resources can match it`})
	}
	for _, f := range []struct{ name, id string }{{"project", r.Project}, {"organization", r.Org}} {
		if _, ok := parseUUID(f.id); !ok && f.id != "" {
			e.reqDiags = append(e.reqDiags, Diagnostic{Message: "request " + f.name + " id " + strconv.Quote(f.id) + ` is not a UUID; no resource's UUID can match it`})
		}
	}
	if ok, _ := c.HasResourceType(r.Type); r.Type != "" && !ok {
		e.reqDiags = append(e.reqDiags, Diagnostic{Message: "request resource type " + strconv.Quote(r.Type) + ` is not in the catalog; only "*" and UUID resources can match it`})
	}
	return e
}

// Add explains the request by one more policy of the principal's, as Compile
// would take in.
func (e *Explainer) Add(cat *Catalog, in *Input) {
	u := in.Compiled
	if u == nil {
		u = cat.unitOf(in.Doc)
	}
	e.add(in, u)
}

// add explains the request by in, whose document compiled is u.
func (e *Explainer) add(in *Input, u *Compiled) {
	for _, d := range u.diags {
		e.ex.Diagnostics = append(e.ex.Diagnostics, Diagnostic{PolicyID: in.ID, PolicyName: in.Name, Via: in.Via, Path: d.path, Message: d.msg})
	}
	if !e.known {
		return
	}
	r := e.r
	// The statements that cover the resource, back in statement order; usually few,
	// so sorting only them beats sorting every statement of the action.
	var small [16]int32
	hits := small[:0]
	for _, x := range u.entriesFor(e.a) {
		if u.coversResource(&u.stmts[x], &e.ids, r) {
			hits = append(hits, x)
		}
	}
	slices.Sort(hits)
	for _, x := range hits {
		st := &u.stmts[x]
		sr := StatementResult{
			PolicyID: in.ID, PolicyName: in.Name, Via: in.Via,
			Index: int(st.index), Sid: st.sid,
			Effect: EffectAllow, Applied: true,
		}
		if st.deny {
			sr.Effect = EffectDeny
		}
		for i := range st.conds {
			c := &st.conds[i]
			if met, missing := c.met(&r.Context); !met {
				sr.Applied = false
				sr.FailedConditions = append(sr.FailedConditions, ConditionResult{
					Operator: c.opName, Key: c.keyName, KeyMissing: missing, Message: c.explain(&r.Context, missing),
				})
			}
		}
		if sr.Applied {
			e.denied = e.denied || st.deny
			e.allowed = e.allowed || !st.deny
		}
		e.ex.Statements = append(e.ex.Statements, sr)
	}
}

// Done returns the explanation of the policies added.
func (e *Explainer) Done() Explanation {
	ex := e.ex
	ex.Diagnostics = append(ex.Diagnostics, e.reqDiags...)
	switch {
	case e.denied:
		ex.Decision = ExplicitDeny
	case e.allowed:
		ex.Decision = Allow
	}
	ex.Allowed = ex.Decision.Allowed()
	return ex
}

// explain says in words why c was not met.
func (c *cond) explain(ctx *Context, missing bool) string {
	if missing {
		return c.keyName + " is missing from the request"
	}
	var got string
	switch c.key {
	case keyCurrentTime:
		got = ctx.Time.Format(time.RFC3339Nano)
	case keySourceIP:
		got = ctx.SourceIP.String()
	case keyMFA:
		got = ctx.MFA.String()
	case keyMFAAge:
		age, _ := ctx.mfaAge()
		got = strconv.FormatInt(age, 10)
	case keyPrincipalTag:
		v, _ := lookupTag(ctx.PrincipalTags, c.tag)
		got = strconv.Quote(v)
	case keySessionTag:
		v, _ := lookupTag(ctx.SessionTags, c.tag)
		got = strconv.Quote(v)
	}
	return c.keyName + " is " + got + ", which does not satisfy " + c.opName + " [" + strings.Join(c.vals, ", ") + "]"
}
