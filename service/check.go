package service

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/policy"
	"go.opentelemetry.io/otel/attribute"
)

// MaxBatchChecks is the most checks one AuthorizeBatch call takes.
const MaxBatchChecks = 100

// Check is one authorization question of the authorize API. Principal
// empty means the caller itself. Time, SourceIP and MFA are the condition
// context of the request being checked; Time defaults to now, and a missing
// SourceIP or MFA makes conditions on them fail.
type Check struct {
	Principal keyward.UserID
	Action    string
	Resource  string // a lowercase UUID or the provider's own id (policy.ValidResourceID)
	// Type is the resource's type, service.resource, from the catalog.
	// Empty: the type the resource is registered with, or else the
	// action's. A registered resource's own type may be repeated, not
	// contradicted.
	Type    string
	Project string
	// Org is the organization the resource belongs to, as the asking
	// service knows it; another than the principal's is denied (layer
	// tenant). Empty: not said.
	Org      string
	SourceIP string
	Time     *time.Time
	MFA      *bool
	// Brief asks for the decision and its layer only: the Verdict's
	// Explanation then has no reason, statements or diagnostics. It is
	// the cheap form for a caller that acts on the verdict alone.
	Brief bool
}

// Verdict is the answer to a Check.
type Verdict struct {
	Principal   keyward.UserID
	Allowed     bool
	Revision    int64
	Brief       bool // the check was Brief
	Explanation authz.Result
}

// Authorize answers one check; see AuthorizeBatch.
func (s *Service) Authorize(ctx context.Context, c Check, minRevision int64) (*Verdict, error) {
	vs, err := s.authorizeChecks(ctx, []Check{c}, minRevision, "")
	if err != nil {
		return nil, err
	}
	return &vs[0], nil
}

// AuthorizeBatch answers up to MaxBatchChecks checks on one snapshot of the
// caller's organization, at revision minRevision or later. A caller may
// always check itself; checking another principal needs
// iam.authorization.Authorize. A principal that is not a member of the
// organization is denied (layer "principal"), never reported as missing.
//
// Returns CodeInvalid naming the field (checks[i].action, ...) for a bad
// check, CodeUnavailable if this server cannot reach minRevision in time.
func (s *Service) AuthorizeBatch(ctx context.Context, cs []Check, minRevision int64) ([]Verdict, error) {
	if len(cs) == 0 || len(cs) > MaxBatchChecks {
		return nil, keyward.FieldError("checks", "checks must hold 1 to %d checks; it holds %d.", MaxBatchChecks, len(cs))
	}
	return s.authorizeChecks(ctx, cs, minRevision, "checks")
}

func (s *Service) authorizeChecks(ctx context.Context, cs []Check, minRevision int64, prefix string) (_ []Verdict, err error) {
	ctx, span := s.startSpan(ctx, "keyward.check")
	if span.IsRecording() {
		span.SetAttributes(attribute.Int("keyward.checks", len(cs)))
	}
	defer func() { endSpan(span, err) }()
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	reqs := make([]authz.Request, len(cs))
	others := false
	field := func(i int) func(string) string {
		return func(name string) string {
			if prefix == "" {
				return name
			}
			return fmt.Sprintf("%s[%d].%s", prefix, i, name)
		}
	}
	for i, c := range cs {
		if reqs[i], err = s.checkRequest(c, field(i)); err != nil {
			return nil, err
		}
		if reqs[i].Principal == "" {
			reqs[i].Principal = p.UserID
		}
		others = others || reqs[i].Principal != p.UserID
	}
	if others {
		if err := s.authorize(ctx, p, "iam.authorization.Authorize", ""); err != nil {
			return nil, err
		}
	}
	snap, err := s.snapshot(ctx, p.OrgID, max(minRevision, p.Revision))
	if err != nil {
		return nil, err
	}
	// A caller asking about itself is answered as its credential may act:
	// through a narrowed key as the key, through a role session as the
	// session (whose member is the caller's UserID, or none).
	narrow := s.narrowing(snap, p)
	var self *authz.Session
	if p.Session != nil {
		self = s.sessionRequest(p)
	}
	for i := range reqs {
		if err := checkRegisteredType(snap, &reqs[i], field(i)); err != nil {
			return nil, err
		}
		if err := s.placeResource(ctx, p.OrgID, &reqs[i]); err != nil {
			return nil, err
		}
	}
	out := make([]Verdict, len(reqs))
	for i := range reqs {
		if reqs[i].Principal == p.UserID {
			reqs[i].Narrow, reqs[i].Session = narrow, self
		}
		var res authz.Result
		if cs[i].Brief {
			d, layer := snap.Decide(&reqs[i])
			res = authz.Result{Decision: d, Allowed: d.Allowed(), Layer: layer}
		} else {
			res = snap.Explain(&reqs[i])
		}
		out[i] = Verdict{Principal: reqs[i].Principal, Allowed: res.Allowed, Revision: snap.Revision, Brief: cs[i].Brief, Explanation: res}
	}
	return out, nil
}

// checkRequest validates c into an engine request.
func (s *Service) checkRequest(c Check, field func(string) string) (authz.Request, error) {
	r := authz.Request{Principal: c.Principal, Action: c.Action, Resource: c.Resource, Type: c.Type, Project: c.Project, Org: c.Org}
	if c.Principal != "" && !keyward.ValidID(string(c.Principal)) {
		return r, keyward.FieldError(field("principal_id"), "principal_id %q is not a UUID.", c.Principal)
	}
	if c.Action == "" {
		return r, keyward.FieldError(field("action"), "action is required.")
	}
	if _, ok := s.catalog().Lookup(c.Action); !ok {
		msg := fmt.Sprintf("%q is not an action of the catalog.", c.Action)
		if near, ok := s.catalog().Suggest(c.Action); ok {
			msg += fmt.Sprintf(" Did you mean %q?", near)
		}
		return r, keyward.FieldError(field("action"), "%s", msg)
	}
	if policy.IsFleetAction(c.Action) {
		// An organization's snapshot would answer from its policies,
		// which decide no fleet action (authorizeFleet).
		return r, keyward.FieldError(field("action"), "%q is a fleet action: fleet roles decide it, not an organization's policies.", c.Action)
	}
	if err := checkResourceID(field("resource.id"), c.Resource, false); err != nil {
		return r, err
	}
	if c.Type != "" {
		if err := s.checkResourceType(field("resource.type"), c.Type); err != nil {
			return r, err
		}
	}
	if c.Org != "" && !keyward.ValidID(c.Org) {
		return r, keyward.FieldError(field("resource.organization_id"), "resource.organization_id %q is not a lowercase UUID.", c.Org)
	}
	if c.Project != "" && !keyward.ValidID(c.Project) {
		return r, keyward.FieldError(field("resource.project_id"), "resource.project_id %q is not a lowercase UUID.", c.Project)
	}
	r.Context.Time = s.now()
	if c.Time != nil {
		r.Context.Time = *c.Time
	}
	if c.SourceIP != "" {
		ip, err := netip.ParseAddr(c.SourceIP)
		if err != nil {
			return r, keyward.FieldError(field("context.source_ip"), "context.source_ip %q is not an IP address.", c.SourceIP)
		}
		r.Context.SourceIP = ip.Unmap()
	}
	if c.MFA != nil {
		r.Context.MFA = policy.FlagOf(*c.MFA)
	}
	return r, nil
}

// EffectiveAccess returns the effective access of a user of the caller's
// organization (the caller itself when id is empty), on a snapshot at
// revision minRevision or later. A user of another organization is
// CodeNotFound.
func (s *Service) EffectiveAccess(ctx context.Context, id keyward.UserID, minRevision int64) (*authz.Access, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = p.UserID
	}
	if err := s.authorize(ctx, p, "iam.user.ReadEffectiveAccess", string(id)); err != nil {
		return nil, err
	}
	snap, err := s.snapshot(ctx, p.OrgID, max(minRevision, p.Revision))
	if err != nil {
		return nil, err
	}
	return snap.EffectiveAccess(id)
}

// WhoCan lists the members of the caller's organization that may perform
// c's action on c's resource (c.Principal is ignored), with the paths that
// grant it. It needs iam.authorization.WhoCan.
func (s *Service) WhoCan(ctx context.Context, c Check, minRevision int64) ([]authz.Grantee, int64, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, 0, err
	}
	if err := s.authorize(ctx, p, "iam.authorization.WhoCan", ""); err != nil {
		return nil, 0, err
	}
	c.Principal = ""
	r, err := s.checkRequest(c, func(name string) string { return name })
	if err != nil {
		return nil, 0, err
	}
	if err := s.placeResource(ctx, p.OrgID, &r); err != nil {
		return nil, 0, err
	}
	snap, err := s.snapshot(ctx, p.OrgID, max(minRevision, p.Revision))
	if err != nil {
		return nil, 0, err
	}
	if err := checkRegisteredType(snap, &r, func(name string) string { return name }); err != nil {
		return nil, 0, err
	}
	return snap.WhoCan(r), snap.Revision, nil
}
