package service

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// WebIdentityInput asks for a role session in exchange for an external
// OIDC token: the body of assume-with-web-identity, and what AWS STS's
// AssumeRoleWithWebIdentity carries. The caller has no keyward
// credential, so the organization is named in the request.
type WebIdentityInput struct {
	OrgID       keyward.OrgID
	RoleID      keyward.RoleID
	Token       string
	SessionName string
	Duration    int // seconds; 0: the default
	// SessionPolicy and SessionPolicies narrow the session, as
	// AssumeInput's do (AWS STS's Policy and PolicyArns).
	SessionPolicy   json.RawMessage
	SessionPolicies []PolicyRef
}

// WebIdentitySession is a session started for a web identity, with who
// the verified token says the workload is.
type WebIdentitySession struct {
	*SessionDetail
	Issuer   string
	Subject  string
	Audience []string
}

func withWebIdentity(ctx context.Context, issuer, subject string) context.Context {
	return withActor(ctx, keyward.ActorWebIdentity, []string{"oidc:" + issuer, "sub:" + subject})
}

// errNoWebIdentityTrust is the answer for a role that is missing, of
// another organization, not assumable, trusting no OIDC issuer or not the
// token's: the endpoint is public, so it does not tell which.
func errNoWebIdentityTrust(org keyward.OrgID, role keyward.RoleID) error {
	return keyward.Errorf(keyward.CodePermissionDenied,
		"Role %s of organization %s does not exist or trusts no OIDC issuer, so no web identity token can assume it.", role, org)
}

// candidate is a live OIDC trust of the role with its issuer.
type candidate struct {
	trust  *keyward.RoleTrust
	issuer *keyward.OIDCIssuer
}

// AssumeRoleWithWebIdentity starts a session of an assumable role for the
// bearer of an external OIDC token, with no keyward credential: the token
// must verify against the issuer of one of the role's live OIDC trusts
// (signature by its JWKS, iss, allowed audience, validity window within
// the clock skew) and meet that trust's claim conditions, and the trust's
// own conditions (time, days, source IP) must hold. The session's
// principal is the role itself (no member), and its audit event's actor
// is the token's issuer and subject.
//
// Every refusal is audited in the role's organization (when the role
// exists) with the reason. A token that is no JWT, or that names an
// issuer of the role's trusts and does not verify, is
// CodeUnauthenticated; a token that names none of them or verifies but
// meets no trust, or a role that does not exist or trusts no issuer, is
// CodePermissionDenied, the same answer; an issuer that cannot be
// reached is CodeUnavailable.
//
// Each request first reserves a token of its source IP's budget of
// webIdentityFailuresPerMinute, given back only when a session starts; a
// request finding it spent gets CodeRateLimited, whose Detail is the
// time.Duration to wait, before anything is checked.
func (s *Service) AssumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (*WebIdentitySession, error) {
	// Only a session started gives the token back: every refusal stays
	// charged, an unreachable issuer's (CodeUnavailable) included, as a
	// token naming one costs a discovery attempt.
	return throttleRefusals(ctx, s, "web-identity", webIdentityFailuresPerMinute, "refused web identity tokens",
		func(string) (*WebIdentitySession, error) { return s.assumeRoleWithWebIdentity(ctx, in) })
}

func (s *Service) assumeRoleWithWebIdentity(ctx context.Context, in WebIdentityInput) (*WebIdentitySession, error) {
	switch {
	case !keyward.ValidID(string(in.OrgID)):
		return nil, keyward.FieldError("organization_id", "organization_id %q is not a valid id (a UUID).", in.OrgID)
	case !keyward.ValidID(string(in.RoleID)):
		return nil, keyward.FieldError("role_id", "role_id %q is not a valid id (a UUID).", in.RoleID)
	case strings.TrimSpace(in.Token) == "":
		return nil, keyward.FieldError("web_identity_token", "web_identity_token is required: the JWT your OIDC issuer gave the workload.")
	case len(in.Token) > 16<<10:
		return nil, keyward.FieldError("web_identity_token", "web_identity_token is longer than 16 KiB.")
	case len(in.SessionName) > MaxSessionNameLen:
		return nil, keyward.FieldError("session_name", "session_name is longer than %d characters.", MaxSessionNameLen)
	}
	cands, err := s.webIdentityTrusts(ctx, in.OrgID, in.RoleID)
	if err != nil {
		return nil, err
	}
	// The endpoint is public: until the token names an issuer the role
	// trusts, the answer is the same whether the role exists or not (a
	// token that is no JWT, whatever the role; then the role's refusal),
	// and does not name the issuers it trusts (the audit trail does, for
	// the organization, when the role exists).
	iss, sub, err := claims.Peek(in.Token)
	if err != nil {
		if cands != nil {
			s.auditWebIdentityRefusal(ctx, in, "", "", false, err)
		}
		return nil, err
	}
	iss, sub = shorten(iss), shorten(sub)
	var matching []candidate
	for _, c := range cands {
		if c.issuer.URL == iss {
			matching = append(matching, c)
		}
	}
	if len(matching) == 0 {
		err := errNoWebIdentityTrust(in.OrgID, in.RoleID)
		if cands != nil {
			s.auditWebIdentityRefusal(ctx, in, iss, sub, false, err)
		}
		return nil, err
	}
	// An organization registers a URL once, so the matching trusts share
	// their issuer and the token is verified once.
	if s.oidc.verifier == nil {
		err := keyward.Errorf(keyward.CodeUnavailable, "Web identity is not configured on this server.")
		s.auditWebIdentityRefusal(ctx, in, iss, sub, false, err)
		return nil, err
	}
	id, err := s.oidc.verifier.Verify(ctx, iss, matching[0].issuer.Audiences, in.Token)
	if err != nil {
		s.auditWebIdentityRefusal(ctx, in, iss, sub, false, err)
		return nil, err
	}
	if err := s.checkOwnToken(ctx, id); err != nil {
		s.auditWebIdentityRefusal(ctx, in, id.Issuer, id.Subject, true, err)
		return nil, err
	}
	// The first trust whose claims and conditions hold wins; failing that,
	// the first whose claims hold, so that StartSession says which of its
	// conditions failed.
	_, ip := keyward.RequestFromContext(ctx)
	var trust *keyward.RoleTrust
	var why error
	for _, c := range matching {
		if err := id.Meets(claims.ClaimConditions(c.trust.ClaimConditions)); err != nil {
			why = err
			continue
		}
		if trust == nil {
			trust = c.trust
		}
		if _, err := c.trust.Conditions.Check(s.now(), parseIP(ip)); err == nil {
			trust = c.trust
			break
		}
	}
	if trust == nil {
		if len(matching) > 1 {
			why = keyward.Errorf(keyward.CodePermissionDenied, "The token meets the claim conditions of none of the role's %d trusts of %s; the last says: %s",
				len(matching), iss, keyward.ErrorMessage(why))
		}
		s.auditWebIdentityRefusal(ctx, in, id.Issuer, id.Subject, true, why)
		return nil, why
	}
	met := []string{"iss", "aud", "exp"}
	for claim := range trust.ClaimConditions {
		if !slices.Contains(met, claim) {
			met = append(met, claim)
		}
	}
	sort.Strings(met[3:])
	d, err := s.StartSession(withWebIdentity(ctx, id.Issuer, id.Subject), SessionRequest{
		Org: in.OrgID, Role: in.RoleID, Trust: trust, Name: in.SessionName, Duration: in.Duration,
		SourceIP: ip, AuthMethod: "oidc", ConditionsMet: met, Policy: in.SessionPolicy, Policies: in.SessionPolicies,
	})
	if err != nil {
		if c := keyward.ErrorCode(err); c == keyward.CodePermissionDenied || c == keyward.CodeInvalid || c == keyward.CodeConflict {
			s.auditWebIdentityRefusal(ctx, in, id.Issuer, id.Subject, true, err)
		}
		return nil, err
	}
	return &WebIdentitySession{SessionDetail: d, Issuer: id.Issuer, Subject: id.Subject, Audience: id.Audience}, nil
}

// webIdentityTrusts returns the role's live trusts that name a registered
// OIDC issuer, with their issuers. It returns nil (no error) when the
// organization or the role does not exist, is deleted or is not
// assumable, and an empty non-nil list when the role exists but has no
// such trust.
func (s *Service) webIdentityTrusts(ctx context.Context, org keyward.OrgID, role keyward.RoleID) ([]candidate, error) {
	var out []candidate
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		o, err := tx.GetOrganization(ctx, org)
		if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && o.DeletedAt != nil {
			return nil
		} else if err != nil {
			return err
		}
		r, err := tx.GetRole(ctx, org, role)
		if keyward.ErrorCode(err) == keyward.CodeNotFound || err == nil && (r.DeletedAt != nil || r.Type != keyward.RoleAssumable) {
			return nil
		} else if err != nil {
			return err
		}
		out = []candidate{}
		now := tx.Now()
		page := keyward.Page{Limit: keyward.MaxPerPage}
		for {
			trusts, info, err := tx.ListRoleTrusts(ctx, org, keyward.TrustFilter{RoleID: role, Page: page})
			if err != nil {
				return err
			}
			for _, t := range trusts {
				if t.TrustedOIDCIssuerID == "" || !t.Live(now) || !keyward.ValidID(t.TrustedOIDCIssuerID) {
					continue
				}
				iss, err := tx.GetOIDCIssuer(ctx, org, keyward.OIDCIssuerID(t.TrustedOIDCIssuerID))
				if keyward.ErrorCode(err) == keyward.CodeNotFound {
					continue // the issuer was removed: the trust admits nothing
				} else if err != nil {
					return err
				}
				out = append(out, candidate{t, iss})
			}
			if info.Next == "" {
				return nil
			}
			page.Cursor = info.Next
		}
	})
	return out, err
}

// MaxSessionNameLen bounds a web identity session's name, as AWS bounds
// RoleSessionName: an anonymous caller's text reaches the audit trail.
const MaxSessionNameLen = 64

// shorten cuts an unverified claim to a length fit for the audit trail.
func shorten(s string) string {
	if len(s) > 256 {
		return s[:256]
	}
	return s
}

// webIdentityAuditsPerMinute bounds the refusals of anonymous web identity
// callers that one organization's audit trail records per minute; past it
// they are only counted in the server's log, so that nobody fills another
// organization's trail.
const webIdentityAuditsPerMinute = 60

// webIdentityRefusal is the After of a refused assumption's audit event.
type webIdentityRefusal struct {
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	// Verified is false when the token did not verify: Issuer and Subject
	// are then what an anonymous caller claimed, nothing more.
	Verified bool   `json:"verified"`
	Issuer   string `json:"issuer,omitempty"`
	Subject  string `json:"subject,omitempty"`
	Session  string `json:"session_name,omitempty"`
}

// auditWebIdentityRefusal records a refused web identity assumption in the
// role's organization. A refusal changes nothing, so the revision is not
// bumped; an error writing the event is logged, and the caller gets the
// refusal either way. iss and sub, when the token was not verified, are
// what it claims, and the event says so.
func (s *Service) auditWebIdentityRefusal(ctx context.Context, in WebIdentityInput, iss, sub string, verified bool, why error) {
	reqID, ip := keyward.RequestFromContext(ctx)
	if try, _ := s.logins.reserveIP("web-identity audit "+string(in.OrgID), webIdentityAuditsPerMinute, s.now()); try == nil {
		s.log.WarnContext(ctx, "web identity refusal not audited: the organization's budget is spent", "org", in.OrgID, "role", in.RoleID, "ip", ip)
		return
	}
	after, err := json.Marshal(webIdentityRefusal{Outcome: "refused", Reason: shorten(keyward.ErrorMessage(why)), Verified: verified,
		Issuer: shorten(iss), Subject: shorten(sub), Session: shorten(in.SessionName)})
	if err != nil {
		return
	}
	// Only a verified token's issuer and subject make an actor chain: an
	// unverified one is an anonymous caller's claim.
	var chain []string
	if verified {
		chain = []string{"oidc:" + iss, "sub:" + sub}
	}
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		return tx.AppendAudit(ctx, &keyward.AuditEvent{
			ID: keyward.AuditEventID(keyward.NewID(tx.Now())), OrgID: in.OrgID, Time: tx.Now(),
			ActorType: keyward.ActorWebIdentity, ActorChain: chain, Action: "iam.role.AssumeRole",
			TargetType: "role", TargetID: string(in.RoleID), After: after, RequestID: reqID, SourceIP: ip,
		})
	})
	if err != nil {
		s.log.ErrorContext(ctx, "audit a refused web identity", "error", fmt.Sprint(err), "org", in.OrgID, "role", in.RoleID)
	}
}
