package authz

import (
	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/policy"
)

// The layers of a decision: what settled it.
const (
	// LayerPrincipal: the principal is unknown in the organization, or
	// suspended. Always a deny.
	LayerPrincipal = "principal"
	// LayerRootOwner: the organization's root owner, who is above
	// policies. Always an allow.
	LayerRootOwner = "root_owner"
	// LayerPolicy: the principal's policies decided (an explicit deny, an
	// allow, or, when nothing matched, the implicit deny).
	LayerPolicy = "policy"
)

// Request asks whether Principal may perform Action on a resource of the
// snapshot's organization.
type Request struct {
	Principal keyward.UserID
	Action    string // service.resource.Operation
	Resource  string // the resource's UUID or the provider's own id; "" for actions without one, such as a List
	// Type is the resource's type, service.resource; "" for the type it
	// was registered with or else the action's (policy.Request.Type).
	Type    string
	Project string // the UUID of the resource's project, if it has one
	Context policy.Context
	// Session, when set, makes the request one of a role session: it is
	// decided as the session's role (session.go).
	Session *Session
	// Narrow, when set, is a further layer that must also allow: the
	// inline policy of the API key the request came with (narrow.go).
	Narrow *policy.Set
	// Org is the organization the resource belongs to, when the asker
	// knows it (the authorize API's organization_id): another than the
	// snapshot's is denied at LayerTenant.
	Org string
	// Own marks a check of keyward's own API, whose resources (users,
	// groups, roles, policies) never belong to a project through the
	// provider's resource registry: only Project places them.
	Own bool
}

// Result is a decision with the reasons behind it. Its JSON form is what
// the authorize API returns as the explanation.
type Result struct {
	Decision    policy.Decision          `json:"decision"`
	Allowed     bool                     `json:"allowed"`
	Layer       string                   `json:"layer"`
	Reason      string                   `json:"reason"`
	Statements  []policy.StatementResult `json:"statements"`
	Diagnostics []policy.Diagnostic      `json:"diagnostics,omitempty"`
}

// Decide answers r. For ids in lower case (the authorize API accepts no
// other) it does not allocate: a member's own policies are walked
// document by document, each compiled once and shared; only a member with
// a project binding or override in r's project is decided by a set of its
// own, compiled on its first request there and kept with the snapshot.
func (s *Snapshot) Decide(r *Request) (policy.Decision, string) {
	if f, _ := s.foreignness(r); f != inside {
		return policy.ImplicitDeny, LayerTenant
	}
	d, layer := s.decide(r)
	if r.Narrow != nil && d != policy.ExplicitDeny && layer != LayerPrincipal {
		return s.narrowDecide(r, d, layer)
	}
	return d, layer
}

func (s *Snapshot) decide(r *Request) (policy.Decision, string) {
	if r.Session != nil {
		return s.decideSession(r)
	}
	u := s.users.get(r.Principal)
	if u == nil || u.user.Status != keyward.StatusActive {
		return policy.ImplicitDeny, LayerPrincipal
	}
	if u.user.Kind() == keyward.KindRootOwner {
		return policy.Allow, LayerRootOwner
	}
	project := s.projectOf(r)
	pr := s.policyRequest(r, project)
	d, layer := policy.ImplicitDeny, LayerPolicy
	if !s.projectSpecific(u, project) {
		// The common case: u's own policies and those of its automatic
		// trusts decide, each compiled once and shared, with nothing
		// compiled for u; no override applies.
		p := s.cat.Prepare(&pr)
		d = s.trustsDecide(u, &p, u.decide(&p))
	} else {
		d = s.withTrusts(u, project, s.compiledFor(u, project), s.autoTrusts(u, r.Context, false)).set.Decide(&pr)
		layer = s.policyLayer(u, project)
	}
	if d == policy.ImplicitDeny && s.selfAllows(r) {
		return policy.Allow, LayerSelf
	}
	return d, layer
}

// Explain answers r as Decide does, with the statements that matched, the
// conditions that failed and what was wrong with the request or policies.
func (s *Snapshot) Explain(r *Request) Result {
	if why := s.foreign(r); why != "" {
		return tenantResult(why)
	}
	res := s.explain(r)
	if r.Narrow != nil && res.Decision != policy.ExplicitDeny && res.Layer != LayerPrincipal {
		return s.narrowExplain(r, res)
	}
	return res
}

func (s *Snapshot) explain(r *Request) Result {
	if r.Session != nil {
		return s.explainSession(r)
	}
	u := s.users.get(r.Principal)
	switch {
	case u == nil:
		return Result{Layer: LayerPrincipal, Reason: "the principal is not a member of this organization", Statements: []policy.StatementResult{}}
	case u.user.Status != keyward.StatusActive:
		return Result{Layer: LayerPrincipal, Reason: "the principal is suspended", Statements: []policy.StatementResult{}}
	case u.user.Kind() == keyward.KindRootOwner:
		return Result{Decision: policy.Allow, Allowed: true, Layer: LayerRootOwner,
			Reason: "the root owner may perform every action", Statements: []policy.StatementResult{}}
	}
	project := s.projectOf(r)
	pr := s.policyRequest(r, project)
	ex := s.explainPolicies(u, project, &pr)
	res := Result{
		Decision:    ex.Decision,
		Allowed:     ex.Allowed,
		Layer:       s.policyLayer(u, project),
		Statements:  ex.Statements,
		Diagnostics: ex.Diagnostics,
	}
	switch ex.Decision {
	case policy.Allow:
		res.Reason = "an Allow statement matches and no Deny statement does"
	case policy.ExplicitDeny:
		res.Reason = "a Deny statement matches; an explicit deny overrides every allow"
	default:
		res.Reason = "no statement of the principal's policies allows this action on this resource (implicit deny)"
	}
	return s.selfExplain(r, res)
}

// policyRequest is r as policies see it, with its resource in project.
func (s *Snapshot) policyRequest(r *Request, project string) policy.Request {
	return policy.Request{Action: r.Action, Resource: r.Resource, Type: s.typeOf(r), Project: project, Org: string(s.Org), Context: r.Context}
}

// explainPolicies explains pr, a request in project, by u's policies and
// those of its automatic trusts. It answers as the set of compiledFor and
// withTrusts would; in the common case, no trust and nothing specific to
// the project, that set would be compiled for this one explanation
// (compiled), so u's policies are explained as they are walked instead,
// which allocates only the explanation.
func (s *Snapshot) explainPolicies(u *userNode, project string, pr *policy.Request) policy.Explanation {
	if ts := s.autoTrusts(u, pr.Context, false); len(ts) > 0 || s.projectSpecific(u, project) {
		return s.withTrusts(u, project, s.compiledFor(u, project), ts).set.Explain(pr)
	}
	e := s.cat.Explainer(pr)
	s.eachPolicy(u, true, true, func(p *policyNode, via string) {
		in := p.input(via)
		e.Add(s.cat, &in)
	})
	return e.Done()
}

// policyLayer is the layer of a decision by u's policies in project:
// LayerOverride when an override replaced its role-derived permissions
// there, else LayerPolicy.
func (s *Snapshot) policyLayer(u *userNode, project string) string {
	if project != "" && s.override(u, lowerID(project)) != nil {
		return LayerOverride
	}
	return LayerPolicy
}

// decide answers p by the policies that reach u in the whole organization
// (u.docs), document by document: an explicit deny from any wins, then an
// allow from any. It does not allocate.
func (u *userNode) decide(p *policy.Prepared) policy.Decision {
	allowed := false
	for _, c := range u.docs {
		switch c.Decide(p) {
		case policy.ExplicitDeny:
			return policy.ExplicitDeny
		case policy.Allow:
			allowed = true
		}
	}
	if allowed {
		return policy.Allow
	}
	return policy.ImplicitDeny
}

// denies reports whether one of ps denies p explicitly, and records in
// allowed whether one allows it.
func denies(ps []*policyNode, p *policy.Prepared, allowed *bool) bool {
	for _, n := range ps {
		switch n.compiled.Decide(p) {
		case policy.ExplicitDeny:
			return true
		case policy.Allow:
			*allowed = true
		}
	}
	return false
}

// compiled returns u's policies in the whole organization as a set, for
// explanations and effective access. It is not kept: its documents are
// compiled already, so assembling it costs a few pointers per policy,
// while keeping one per member that was ever explained would hold memory
// for every member (decisions do not need it: userNode.decide).
func (s *Snapshot) compiled(u *userNode) *compiled {
	in := s.inputs(u)
	return &compiled{inputs: in, set: policy.Compile(s.cat, in)}
}
