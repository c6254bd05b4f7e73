package authz

import (
	"github.com/keyward-iam/keyward/policy"
)

// LayerToken: the API key's inline policy refused what its owner may do. A
// narrowed key is never broader than its owner, the root owner included.
const LayerToken = "token"

// NarrowVia is the path of an API key's inline policy in explanations.
const NarrowVia = "api key"

// CompileNarrowing compiles an API key's inline policy document (nil: one
// that could not be read, which allows nothing).
func (s *Snapshot) CompileNarrowing(keyID string, doc *policy.Document) *policy.Set {
	return policy.Compile(s.cat, []policy.Input{{ID: keyID, Name: "inline policy of API key " + keyID, Via: NarrowVia, Doc: doc}})
}

// narrowRequest is r as the narrowing layer sees it.
func (s *Snapshot) narrowRequest(r *Request) policy.Request {
	return policy.Request{Action: r.Action, Resource: r.Resource, Project: s.projectOf(r), Org: string(s.Org), Context: r.Context}
}

// narrowDecide decides r, which its principal's policies allow, by the
// key's inline policy.
func (s *Snapshot) narrowDecide(r *Request) (policy.Decision, string) {
	pr := s.narrowRequest(r)
	if d := r.Narrow.Decide(&pr); !d.Allowed() {
		return d, LayerToken
	}
	return policy.Allow, LayerToken
}

// narrowExplain explains r, which res allowed, with the key's inline policy
// as a further layer: its statements follow res's.
func (s *Snapshot) narrowExplain(r *Request, res Result) Result {
	pr := s.narrowRequest(r)
	ex := r.Narrow.Explain(&pr)
	res.Statements = append(res.Statements, ex.Statements...)
	res.Diagnostics = append(res.Diagnostics, ex.Diagnostics...)
	res.Layer = LayerToken
	if ex.Allowed {
		res.Reason += "; the API key's inline policy allows it too"
		return res
	}
	res.Decision, res.Allowed = ex.Decision, false
	res.Reason = "the principal may do this, but the API key's inline policy does not allow it"
	if ex.Decision == policy.ExplicitDeny {
		res.Reason = "the principal may do this, but the API key's inline policy denies it"
	}
	return res
}
