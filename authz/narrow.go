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
	return s.policyRequest(r, s.projectOf(r))
}

// narrowDecide combines d, the decision of r by its principal's layers
// (an allow or an implicit deny, taken by layer), with the key's inline
// policy by policy.Combine, the rule of every narrowing: allowed only if
// both allow, and an explicit Deny of the key's policy is an explicit
// deny even where the principal's policies were silent. The layer is
// LayerToken when the key's policy decided.
func (s *Snapshot) narrowDecide(r *Request, d policy.Decision, layer string) (policy.Decision, string) {
	pr := s.narrowRequest(r)
	d, at := policy.Combine(d, r.Narrow.Decide(&pr))
	if at == 1 {
		return d, LayerToken
	}
	return d, layer
}

// narrowExplain explains r as narrowDecide decides it, res being the
// explanation by its principal's layers: the key's statements follow
// res's, whichever layer decided, so that the caller sees everything that
// applies (as policy.ExplainLayers does).
func (s *Snapshot) narrowExplain(r *Request, res Result) Result {
	pr := s.narrowRequest(r)
	ex := r.Narrow.Explain(&pr)
	d, at := policy.Combine(res.Decision, ex.Decision)
	res.Statements = append(res.Statements, ex.Statements...)
	res.Diagnostics = append(res.Diagnostics, ex.Diagnostics...)
	res.Decision, res.Allowed = d, d.Allowed()
	switch {
	case at == 0 && d == policy.Allow:
		res.Reason += "; the API key's inline policy allows it too"
	case at == 0:
		// The principal's layers refused; the key cannot widen them.
	case d == policy.ExplicitDeny:
		res.Layer = LayerToken
		res.Reason = "the API key's inline policy denies this; an explicit deny overrides every allow"
	default:
		res.Layer = LayerToken
		res.Reason = "the principal may do this, but the API key's inline policy does not allow it"
	}
	return res
}
