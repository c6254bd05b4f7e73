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

// narrowDecide combines d, the decision of pr by the principal's layers
// (an allow or an implicit deny, taken by layer), with narrow, an API
// key's inline policy, by policy.Combine, the rule of every narrowing:
// allowed only if both allow, and an explicit Deny of the key's policy is
// an explicit deny even where the principal's policies were silent. The
// layer is LayerToken when the key's policy decided. When ex is not nil,
// it holds the explanation by the principal's layers, and the key's
// statements are added after its own, whichever layer decided, so that
// the caller sees everything that applies (as policy.ExplainLayers does).
func narrowDecide(narrow *policy.Set, pr *policy.Request, d policy.Decision, layer string, ex *Result) (policy.Decision, string) {
	if ex == nil {
		d, at := policy.Combine(d, narrow.Decide(pr))
		if at == 1 {
			return d, LayerToken
		}
		return d, layer
	}
	q := *pr // an explanation keeps its request: see policiesDecide
	e := narrow.Explain(&q)
	ex.explained(e)
	d, at := policy.Combine(d, e.Decision)
	switch {
	case at == 0 && d == policy.Allow:
		return ex.settle(d, layer, ex.Reason+"; the API key's inline policy allows it too")
	case at == 0:
		// The principal's layers refused; the key cannot widen them.
		return ex.settle(d, layer, ex.Reason)
	case d == policy.ExplicitDeny:
		return ex.settle(d, LayerToken, "the API key's inline policy denies this; an explicit deny overrides every allow")
	default:
		return ex.settle(d, LayerToken, "the principal may do this, but the API key's inline policy does not allow it")
	}
}
