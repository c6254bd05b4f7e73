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
	var ex Explanation
	if r == nil {
		ex.Statements = []StatementResult{}
		ex.Diagnostics = []Diagnostic{{Message: "no request"}}
		return ex
	}
	ex.Action = r.Action
	if s == nil {
		ex.Statements = []StatementResult{}
		ex.Diagnostics = []Diagnostic{{Message: "no policies"}}
		return ex
	}
	ex.Diagnostics = append(ex.Diagnostics, s.diags...)
	a, ok := s.cat.lookup(r.Action)
	if !ok {
		ex.Statements = []StatementResult{}
		ex.Diagnostics = append(ex.Diagnostics, Diagnostic{Message: "unknown action " + strconv.Quote(r.Action) + ": not in the catalog, so denied"})
		return ex
	}
	for _, f := range []struct{ name, id string }{{"resource", r.Resource}, {"project", r.Project}, {"organization", r.Org}} {
		if _, ok := parseUUID(f.id); !ok && f.id != "" {
			ex.Diagnostics = append(ex.Diagnostics, Diagnostic{Message: "request " + f.name + " id " + strconv.Quote(f.id) + ` is not a UUID; only "*" resources can match it`})
		}
	}
	var ids requestIDs
	ex.Statements = []StatementResult{}
	allowed, denied := false, false
	for i, u := range s.units {
		// The statements that cover the resource, back in statement order; usually few,
		// so sorting only them beats sorting every statement of the action.
		var small [16]int32
		hits := small[:0]
		for _, e := range u.entriesFor(a) {
			if u.coversResource(&u.stmts[e], &ids, r) {
				hits = append(hits, e)
			}
		}
		slices.Sort(hits)
		in := &s.inputs[i]
		for _, e := range hits {
			st := &u.stmts[e]
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
				denied = denied || st.deny
				allowed = allowed || !st.deny
			}
			ex.Statements = append(ex.Statements, sr)
		}
	}
	switch {
	case denied:
		ex.Decision = ExplicitDeny
	case allowed:
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
		got = strconv.Quote(ctx.PrincipalTags[c.tag])
	case keySessionTag:
		got = strconv.Quote(ctx.SessionTags[c.tag])
	}
	return c.keyName + " is " + got + ", which does not satisfy " + c.opName + " [" + strings.Join(c.vals, ", ") + "]"
}
