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
// session, appended to buf, or a reason why the session may do nothing.
func (s *Snapshot) sessionLayers(r *Request, buf []policy.Layer) ([]policy.Layer, string) {
	if r.Principal != "" {
		u := s.users.get(r.Principal)
		switch {
		case u == nil:
			return nil, "the member who assumed the role is no longer in this organization"
		case u.user.Status != keyward.StatusActive:
			return nil, "the member who assumed the role is suspended"
		}
	}
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

// decideSession is Decide for a request made through a session.
func (s *Snapshot) decideSession(r *Request) (policy.Decision, string) {
	var buf [4]policy.Layer
	layers, _ := s.sessionLayers(r, buf[:0])
	if layers == nil {
		return policy.ImplicitDeny, LayerPrincipal
	}
	pr := s.policyRequest(r, s.projectOf(r))
	d, _ := policy.DecideLayers(&pr, layers...)
	return d, LayerPolicy
}

// explainSession is Explain for a request made through a session: the
// statements of every layer, each naming its layer in Via when it is the
// session policy or a carried narrowing, and a reason that names the
// layer that decided.
func (s *Snapshot) explainSession(r *Request) Result {
	layers, why := s.sessionLayers(r, nil)
	if layers == nil {
		return Result{Layer: LayerPrincipal, Reason: why, Statements: []policy.StatementResult{}}
	}
	pr := s.policyRequest(r, s.projectOf(r))
	ex := policy.ExplainLayers(&pr, layers...)
	res := Result{Decision: ex.Decision, Allowed: ex.Allowed, Layer: LayerPolicy, Statements: []policy.StatementResult{}}
	for _, l := range ex.Layers {
		res.Statements = append(res.Statements, l.Statements...)
		res.Diagnostics = append(res.Diagnostics, l.Diagnostics...)
	}
	carried, isCarried := strings.CutPrefix(ex.Layer, LayerCarried+":")
	switch {
	case ex.Decision == policy.Allow:
		res.Reason = "the session's role allows this and its session policy lets it stand"
		if len(r.Session.Carried) > 0 {
			res.Reason += ", as does every narrowing it carries"
		}
	case ex.Layer == LayerSessionPolicy:
		res.Reason = "the session policy does not allow this; it can only narrow the role's policies (layer " + LayerSessionPolicy + ")"
	case isCarried:
		res.Reason = "the session carries the narrowing of " + carried + ", which does not allow this: " +
			"a session is never broader than the credential that assumed it (layer " + ex.Layer + ")"
	case ex.Decision == policy.ExplicitDeny:
		res.Reason = "a Deny statement of the session's role matches"
	default:
		res.Reason = "no statement of the session's role allows this action on this resource (implicit deny)"
	}
	return res
}
