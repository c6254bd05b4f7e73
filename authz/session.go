package authz

import (
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// LayerSessionPolicy names the layer of a session's inline policy in the
// explanation of a request made through a session.
const LayerSessionPolicy = "session_policy"

// LayerCarried starts the name of a narrowing layer a session carries
// from the credential that assumed it: see CarriedLayer.
const LayerCarried = "carried"

// CarriedLayer is the name, in explanations, of the narrowing a session
// carries from source (keyward.NarrowingLayer.Source), such as
// "carried:api_key:<key id>".
func CarriedLayer(source string) string { return LayerCarried + ":" + source }

// Session is the role session a request is made through. The request is
// then decided as the role, not as Request.Principal: the role's policies
// intersected with the session policy and with each narrowing the session
// carries (docs/policy.md, "Narrowing"). Request.Principal is the member
// who assumed the role, whose suspension or removal denies everything; it
// is empty for a federated session, whose principal is the role itself.
type Session struct {
	Role   keyward.RoleID
	Policy *policy.Set // the compiled session policy; nil when there is none
	// Carried are the narrowing layers the session carries from the
	// credential that assumed it, each named CarriedLayer(source).
	Carried []policy.Layer
}

// CompileSessionPolicy compiles a session's inline policy document.
func (s *Snapshot) CompileSessionPolicy(doc *policy.Document) *policy.Set {
	return policy.Compile(s.cat, []policy.Input{{ID: "session", Name: "session policy", Via: LayerSessionPolicy, Doc: doc}})
}

func (s *Snapshot) roleCompiled(id keyward.RoleID) *compiled {
	r := s.roles[id]
	if r == nil {
		return nil
	}
	if c, ok := s.assume.roleSets.Load(id); ok {
		return c.(*compiled)
	}
	in := roleInputs(r, "role:"+r.role.Name)
	c, _ := s.assume.roleSets.LoadOrStore(id, &compiled{inputs: in, set: policy.Compile(s.cat, in)})
	return c.(*compiled)
}

// roleInputs returns r's policies, each through via.
func roleInputs(r *roleNode, via string) []policy.Input {
	in := make([]policy.Input, 0, len(r.policies))
	for _, p := range r.policies {
		in = append(in, policy.Input{ID: string(p.id), Name: p.name, Via: via, Doc: p.doc})
	}
	return in
}

// sessionLayers returns the layers that decide a request made through
// r's session, appended to buf, or why the session may do nothing.
func (s *Snapshot) sessionLayers(r *Request, buf []policy.Layer) ([]policy.Layer, string) {
	c := s.roleCompiled(r.Session.Role)
	if c == nil {
		return nil, "the session's role has been deleted"
	}
	layers := append(buf, policy.Layer{Name: s.roles[r.Session.Role].via, Set: c.set})
	if r.Session.Policy != nil {
		layers = append(layers, policy.Layer{Name: LayerSessionPolicy, Set: r.Session.Policy})
	}
	return append(layers, r.Session.Carried...), ""
}

// sessionDecide decides pr, a request made through r's session, by the
// session's layers (policy.DecideLayers), and explains it in ex when ex is
// not nil: the statements of every layer, each naming its layer in Via
// when it is the session policy or a carried narrowing, and a reason that
// names the layer that decided.
func (s *Snapshot) sessionDecide(r *Request, pr *policy.Request, layers []policy.Layer, ex *Result) (policy.Decision, string) {
	if ex == nil {
		d, _ := policy.DecideLayers(pr, layers...)
		return d, LayerPolicy
	}
	q := *pr // an explanation keeps its request: see policiesDecide
	e := policy.ExplainLayers(&q, layers...)
	for _, l := range e.Layers {
		ex.explained(l.Explanation)
	}
	carried, isCarried := strings.CutPrefix(e.Layer, LayerCarried+":")
	var reason string
	switch {
	case e.Decision == policy.Allow:
		reason = "the session's role allows this and its session policy lets it stand"
		if len(r.Session.Carried) > 0 {
			reason += ", as does every narrowing it carries"
		}
	case e.Layer == LayerSessionPolicy:
		reason = "the session policy does not allow this; it can only narrow the role's policies (layer " + LayerSessionPolicy + ")"
	case isCarried:
		reason = "the session carries the narrowing of " + carried + ", which does not allow this: " +
			"a session is never broader than the credential that assumed it (layer " + e.Layer + ")"
	case e.Decision == policy.ExplicitDeny:
		reason = "a Deny statement of the session's role matches"
	default:
		reason = "no statement of the session's role allows this action on this resource (implicit deny)"
	}
	return ex.settle(e.Decision, LayerPolicy, reason)
}
