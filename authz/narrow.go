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
	return s.policyRequest(r, nil, s.projectOf(r))
}

// narrowDecide combines d, the decision of r by its principal's layers
// (an allow or an implicit deny), with the key's inline policy, as
// policy.DecideLayers combines layers: allowed only if both allow, and an
// explicit Deny of the key's policy is an explicit deny even where the
// principal's policies were silent.
func (s *Snapshot) narrowDecide(r *Request, d policy.Decision, layer string) (policy.Decision, string) {
	pr := s.narrowRequest(r)
	nd := r.Narrow.Decide(&pr)
	switch {
	case nd == policy.ExplicitDeny:
		return nd, LayerToken
	case !d.Allowed():
		return d, layer
	case !nd.Allowed():
		return nd, LayerToken
	}
	return policy.Allow, LayerToken
}

// narrowExplain explains r as narrowDecide decides it, res being the
// explanation by its principal's layers: the key's statements follow
// res's.
func (s *Snapshot) narrowExplain(r *Request, res Result) Result {
	pr := s.narrowRequest(r)
	ex := r.Narrow.Explain(&pr)
	if !res.Allowed && ex.Decision != policy.ExplicitDeny {
		return res
	}
	res.Statements = append(res.Statements, ex.Statements...)
	res.Diagnostics = append(res.Diagnostics, ex.Diagnostics...)
	res.Layer = LayerToken
	switch {
	case ex.Decision == policy.ExplicitDeny:
		res.Decision, res.Allowed = ex.Decision, false
		res.Reason = "the API key's inline policy denies this; an explicit deny overrides every allow"
	case ex.Allowed:
		res.Reason += "; the API key's inline policy allows it too"
	default:
		res.Decision, res.Allowed = ex.Decision, false
		res.Reason = "the principal may do this, but the API key's inline policy does not allow it"
	}
	return res
}
