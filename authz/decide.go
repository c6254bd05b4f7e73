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
	return s.judge(r, nil)
}

// Explain answers r as Decide does, with the statements that matched, the
// conditions that failed and what was wrong with the request or policies.
func (s *Snapshot) Explain(r *Request) Result {
	res := Result{Statements: []policy.StatementResult{}}
	s.judge(r, &res)
	return res
}

// judge is the pipeline of every decision: r passes the layers below in
// this order, and Decide and Explain both run it. ex, when not nil,
// receives the explanation of what each layer found, and is then the
// answer; without it judge only decides, and does not allocate for ids in
// lower case.
//
//  1. Tenant (tenant.go): a request about another organization, or that
//     names a project its resource is not in, is denied.
//  2. Principal: an unknown or suspended member is denied, and so is a
//     role session whose member or role is gone.
//  3. Policies, one of: the root owner, allowed; a role session, its
//     role's policies narrowed by its session policy and by what it
//     carries (session.go); a member, its policies in the request's
//     project (its own, its groups', its roles', a project's bindings or
//     override: project.go, scope.go) and its automatic trusts' (trust.go).
//  4. Self (self.go): what every member may do about itself, where its
//     policies were silent.
//  5. Narrowing (narrow.go): an API key's inline policy, which may only
//     take away.
//
// Layers are combined by policy.Combine (narrowing) and policy.DecideLayers
// (a session's): explicit deny wins, then every layer must allow.
func (s *Snapshot) judge(r *Request, ex *Result) (policy.Decision, string) {
	if f, reg := s.foreignness(r); f != inside {
		if ex != nil {
			ex.settle(policy.ImplicitDeny, LayerTenant, foreignReason(f, reg))
		}
		return policy.ImplicitDeny, LayerTenant
	}
	u, why := s.principal(r)
	if why != "" {
		return ex.settle(policy.ImplicitDeny, LayerPrincipal, why)
	}
	project := s.projectOf(r)
	pr := s.policyRequest(r, u, project)
	var d policy.Decision
	var layer string
	switch {
	case r.Session != nil:
		var buf [4]policy.Layer
		layers, why := s.sessionLayers(r, buf[:0])
		if why != "" {
			return ex.settle(policy.ImplicitDeny, LayerPrincipal, why)
		}
		d, layer = s.sessionDecide(r, &pr, layers, ex)
	case u.user.Kind() == keyward.KindRootOwner:
		d, layer = ex.settle(policy.Allow, LayerRootOwner, "the root owner may perform every action")
	default:
		d, layer = s.policiesDecide(u, project, &pr, ex)
		if d == policy.ImplicitDeny && s.selfAllows(r) {
			d, layer = ex.settle(policy.Allow, LayerSelf, selfReason)
		}
	}
	if r.Narrow != nil && d != policy.ExplicitDeny {
		d, layer = narrowDecide(r.Narrow, &pr, d, layer, ex)
	}
	return d, layer
}

// settle records in res, an explanation being built (nil: none), that
// layer decided d for reason; it returns d and layer.
func (res *Result) settle(d policy.Decision, layer, reason string) (policy.Decision, string) {
	if res != nil {
		res.Decision, res.Allowed, res.Layer, res.Reason = d, d.Allowed(), layer, reason
	}
	return d, layer
}

// explained records in res the statements and diagnostics of ex.
func (res *Result) explained(ex policy.Explanation) {
	res.Statements = append(res.Statements, ex.Statements...)
	res.Diagnostics = append(res.Diagnostics, ex.Diagnostics...)
}

// principal returns the member r is made by (nil for a federated role
// session, which has none), or why it may do nothing: unknown in the
// organization or suspended.
func (s *Snapshot) principal(r *Request) (*userNode, string) {
	if r.Session != nil && r.Principal == "" {
		return nil, ""
	}
	u := s.users.get(r.Principal)
	switch {
	case u == nil && r.Session != nil:
		return nil, "the member who assumed the role is no longer in this organization"
	case u == nil:
		return nil, "the principal is not a member of this organization"
	case u.user.Status != keyward.StatusActive && r.Session != nil:
		return nil, "the member who assumed the role is suspended"
	case u.user.Status != keyward.StatusActive:
		return nil, "the principal is suspended"
	}
	return u, ""
}

// policiesDecide decides pr, a request in project, by u's policies and
// those of its automatic trusts, and explains it in ex when ex is not nil.
func (s *Snapshot) policiesDecide(u *userNode, project string, pr *policy.Request, ex *Result) (policy.Decision, string) {
	if ex != nil {
		q := *pr // an explanation keeps its request: a copy, so that a decision's stays on the stack
		e := s.explainPolicies(u, project, &q)
		ex.explained(e)
		reason := "no statement of the principal's policies allows this action on this resource (implicit deny)"
		switch e.Decision {
		case policy.Allow:
			reason = "an Allow statement matches and no Deny statement does"
		case policy.ExplicitDeny:
			reason = "a Deny statement matches; an explicit deny overrides every allow"
		}
		return ex.settle(e.Decision, s.policyLayer(u, project), reason)
	}
	if !s.projectSpecific(u, project) {
		// The common case: u's own policies and those of its automatic
		// trusts decide, each compiled once and shared, with nothing
		// compiled for u; no override applies.
		p := s.cat.Prepare(pr)
		return s.trustsDecide(u, &p, u.decide(&p)), LayerPolicy
	}
	c := s.withTrusts(u, project, s.compiledFor(u, project), s.autoTrusts(u, pr.Context, false))
	return c.set.Decide(pr), s.policyLayer(u, project)
}

// policyRequest is r as policies see it, with its resource in project and
// the tags of u, r's principal (nil: none), as its principal tags: the
// snapshot's, whatever r's context says, so that no caller of the engine
// can claim tags its principal does not have. A role session's principal
// is the member who assumed the role (none for a federated one), whose
// tags it carries.
func (s *Snapshot) policyRequest(r *Request, u *userNode, project string) policy.Request {
	pr := policy.Request{Action: r.Action, Resource: r.Resource, Type: s.typeOf(r), Project: project, Org: string(s.Org), Context: r.Context}
	pr.Context.PrincipalTags = nil
	if u != nil {
		pr.Context.PrincipalTags = u.tags
	}
	return pr
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
