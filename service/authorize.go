package service

import (
	"context"
	"net/netip"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
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

// selfActions are the actions every member may perform on their own user
// without any grant: see themselves, their own keys and their own access.
var selfActions = map[string]bool{
	"iam.user.Read":                true,
	"iam.user.ListGroups":          true,
	"iam.user.ListRoles":           true,
	"iam.user.ListPolicies":        true,
	"iam.user.ReadEffectiveAccess": true,
	"iam.apikey.List":              true,
	"iam.apikey.Read":              true,
}

// openActions are the actions every member may perform, whatever its
// policies: reading the action catalog, which Vultr publishes anyway.
var openActions = map[string]bool{
	"iam.catalog.List": true,
}

// authorize is the one place that decides whether p may perform action on
// resource (the id of the object acted on, such as a user, group, role or
// policy of p's organization, or "" when the action has no object, as for
// a Create or a List). It returns nil or a CodePermissionDenied
// *keyward.Error whose Detail is a Denial.
//
// The decision is the policy engine's, on a snapshot of p's organization at
// least as recent as the request's authentication, so a caller sees its own
// writes. The root owner may do everything, as Vultr documents, every
// member may read itself (selfActions), and the catalog is open to all
// (openActions).
func (s *Service) authorize(ctx context.Context, p *keyward.Principal, action, resource string) error {
	// A narrowed key is never broader than its owner, the root owner's
	// included, so only an unnarrowed root owner skips the engine.
	if openActions[action] || p.Session == nil && p.Kind == keyward.KindRootOwner && p.KeyPolicy == nil {
		return nil
	}
	// A role session acts as its role only, even on its member's own user.
	if p.Session == nil && resource != "" && resource == string(p.UserID) && selfActions[action] {
		return nil
	}
	snap, err := s.authz.Snapshot(ctx, p.OrgID, p.Revision)
	if err != nil {
		return err
	}
	r := authz.Request{Principal: p.UserID, Action: action, Resource: resource, Context: s.callContext(p)}
	if p.Session != nil {
		r.Session = s.sessionRequest(p)
	}
	r.Narrow = s.narrowing(snap, p)
	if d, _ := snap.Decide(&r); d.Allowed() {
		return nil
	}
	res := snap.Explain(&r)
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
// the time and the caller's address. Multi-factor authentication is
// unknown for API keys, so conditions on it are not met.
func (s *Service) callContext(p *keyward.Principal) policy.Context {
	c := policy.Context{Time: s.now()}
	if ip, err := netip.ParseAddr(p.SourceIP); err == nil {
		c.SourceIP = ip.Unmap()
	}
	return c
}

// narrowing returns the compiled inline policy of the API key p used, or
// nil when the key has none; compiled once per key (Authorizer.Inline).
func (s *Service) narrowing(snap *authz.Snapshot, p *keyward.Principal) *policy.Set {
	if p.KeyPolicy == nil {
		return nil
	}
	return s.authz.Inline(string(p.KeyID), p.KeyPolicy, func(doc *policy.Document) *policy.Set {
		return snap.CompileNarrowing(string(p.KeyID), doc)
	})
}
