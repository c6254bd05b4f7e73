package service

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"go.opentelemetry.io/otel/attribute"
)

// Denial is the explanation a 403 carries: which action was refused, which
// layer of the decision refused it, and the Deny statements that matched
// when the deny was explicit.
type Denial struct {
	Action     string                   `json:"action"`
	Decision   policy.Decision          `json:"decision"` // explicit_deny or implicit_deny
	Layer      string                   `json:"layer"`
	Reason     string                   `json:"reason"`
	Statements []policy.StatementResult `json:"statements"`
}

// authorize is the one place that decides whether p may perform action on
// resource (the id of the object acted on, such as a user, group, role or
// policy of p's organization, or "" when the action has no object, as for
// a Create or a List). It returns nil or a CodePermissionDenied
// *keyward.Error whose Detail is a Denial.
//
// The decision is the policy engine's, on a snapshot of p's organization at
// least as recent as the request's authentication, so a caller sees its own
// writes. The root owner may do everything, as Vultr documents, and what
// every member may do about itself is the engine's self layer
// (authz.LayerSelf), which a key's narrowing limits like any other grant.
func (s *Service) authorize(ctx context.Context, p *keyward.Principal, action, resource string) error {
	return s.authorizeIn(ctx, p, action, resource, "")
}

// authorizeIn is authorize for a request in project (the resource's
// project, or the project acted on; "" for none), so that project-scoped
// bindings and overrides decide it.
func (s *Service) authorizeIn(ctx context.Context, p *keyward.Principal, action, resource, project string) (err error) {
	ctx, span := s.startSpan(ctx, "keyward.authorize")
	if span.IsRecording() {
		span.SetAttributes(attribute.String("keyward.action", action))
	}
	defer func() { endSpan(span, err) }()
	if err := mfaGate(p, action); err != nil {
		return err
	}
	if unlimitedRoot(p) {
		return nil
	}
	snap, err := s.snapshot(ctx, p.OrgID, p.Revision)
	if err != nil {
		return err
	}
	r := s.callerRequest(snap, p)
	r.Action, r.Resource, r.Project = action, resource, project
	if d, _ := snap.Decide(&r); d.Allowed() {
		return nil
	}
	return denied(snap.Explain(&r), action)
}

// callerRequest is the part of an authz request that p's credential sets:
// the member, its role session and the narrowing it carries, the call's
// context. Every decision about p starts from it.
func (s *Service) callerRequest(snap *authz.Snapshot, p *keyward.Principal) authz.Request {
	r := authz.Request{Principal: p.UserID, Context: s.callContext(p), Own: true}
	if p.Session != nil {
		r.Session = s.sessionRequest(p)
	}
	r.Narrow = s.narrowing(snap, p)
	return r
}

// denied is the CodePermissionDenied error of res, a refusal of action.
func denied(res authz.Result, action string) error {
	denial := Denial{Action: action, Decision: res.Decision, Layer: res.Layer, Reason: res.Reason, Statements: []policy.StatementResult{}}
	for _, st := range res.Statements {
		if st.Applied && st.Effect == policy.EffectDeny {
			denial.Statements = append(denial.Statements, st)
		}
	}
	return &keyward.Error{
		Code:    keyward.CodePermissionDenied,
		Message: "You are not allowed to perform " + action + ".",
		Detail:  denial,
	}
}

// callContext is the condition context of a call to keyward's own API:
// the time, the caller's address and, for a login session, whether and
// when it verified a second factor. API keys and role sessions carry no
// MFA, as AWS's long-term keys do not: conditions on it are not met
// (missing), so that an Allow asking for MFA never admits a key.
func (s *Service) callContext(p *keyward.Principal) policy.Context {
	c := policy.Context{Time: s.now()}
	if ip, err := netip.ParseAddr(p.SourceIP); err == nil {
		c.SourceIP = ip.Unmap()
	}
	if p.LoginSession != "" {
		c.MFA = policy.FlagOf(p.MFAAt != nil)
		if p.MFAAt != nil {
			c.MFATime = *p.MFAAt
		}
	}
	return c
}

// LayerMFA is the layer of a refusal to a login session whose
// organization requires a second factor it has not verified.
const LayerMFA = "mfa"

// enrollOnlyActions are what such a session may do: set up a second
// factor, see itself, and leave.
var enrollOnlyActions = []string{"iam.user.ReadMFA", "iam.user.EnrollMFA", "iam.user.Read", "iam.user.Logout"}

// mfaGate refuses every other action to a caller marked MFAEnrollOnly,
// the root owner included: the requirement is its organization's.
func mfaGate(p *keyward.Principal, action string) error {
	if !p.MFAEnrollOnly || slices.ContainsFunc(enrollOnlyActions, func(a string) bool { return strings.EqualFold(a, action) }) {
		return nil
	}
	return refuse(action, LayerMFA, "your organization requires multi-factor authentication; enroll an authenticator (the console's Security page, or keyward mfa enroll), or log in again with its code")
}

// narrowing returns the compiled inline policy of the API key p used, or
// nil when the key has none; compiled once per key (Authorizer.Inline).
func (s *Service) narrowing(snap *authz.Snapshot, p *keyward.Principal) *policy.Set {
	if p.KeyPolicy == nil {
		return nil
	}
	return s.engine().Inline(string(p.KeyID), p.KeyPolicy, func(doc *policy.Document) *policy.Set {
		return snap.CompileNarrowing(string(p.KeyID), doc)
	})
}

// checkWhole refuses p, for action, unless its credential is its member
// whole: a role session acts as its role alone, and a narrowed key does
// less than its member, so neither may do what would carry neither limit
// (what says it, and why).
func checkWhole(p *keyward.Principal, action, what string) error {
	switch {
	case p.Session != nil:
		return refuse(action, authz.LayerSessionPolicy,
			"a role session cannot "+what+", not its role; use the credential that assumed the role")
	case p.KeyPolicy != nil:
		return refuse(action, authz.LayerToken,
			"a narrowed API key cannot "+what+", without its narrowing; use an unnarrowed key or a login session")
	}
	return nil
}

// refuse is a CodePermissionDenied error for action that no policy can
// lift: the credential itself may not do it (layer authz.LayerToken for a
// narrowed key, authz.LayerSessionPolicy for a role session), for reason.
func refuse(action, layer, reason string) error {
	return &keyward.Error{
		Code:    keyward.CodePermissionDenied,
		Message: "You are not allowed to perform " + action + ": " + reason,
		Detail:  Denial{Action: action, Decision: policy.ImplicitDeny, Layer: layer, Reason: reason, Statements: []policy.StatementResult{}},
	}
}

// Allowed reports whether the caller of ctx may perform action on resource
// (in project, "" for none) through the credential it authenticated with,
// exactly as keyward's own API decides it, without an explanation. The
// console uses it to show only the controls a member may use; tests use it
// to measure what a credential reaches.
func (s *Service) Allowed(ctx context.Context, action, resource, project string) (bool, error) {
	p, err := caller(ctx)
	if err != nil {
		return false, err
	}
	if mfaGate(p, action) != nil {
		return false, nil
	}
	if unlimitedRoot(p) {
		return true, nil
	}
	snap, err := s.snapshot(ctx, p.OrgID, p.Revision)
	if err != nil {
		return false, err
	}
	r := s.callerRequest(snap, p)
	r.Action, r.Resource, r.Project = action, resource, project
	d, _ := snap.Decide(&r)
	return d.Allowed(), nil
}

// Require is Allowed as an error: nil when the caller of ctx may perform
// action on resource (in project), else the API's refusal with the
// engine's explanation. The console checks with it a provider's action
// that it acts out through keyward (creating a resource in a project
// registers it there).
func (s *Service) Require(ctx context.Context, action, resource, project string) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.authorizeIn(ctx, p, action, resource, project)
}

// unlimitedRoot reports whether p is the root owner acting through an
// unnarrowed credential of its own: the one caller above the engine. A
// narrowed key is never broader than its owner, the root owner's
// included, and a role session acts as its role alone.
func unlimitedRoot(p *keyward.Principal) bool {
	return p.Session == nil && p.Kind == keyward.KindRootOwner && p.KeyPolicy == nil
}
