package service

import (
	"context"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
	"github.com/keyward-iam/keyward/claims"
)

// A credential is never broader than the credential that created it, in
// time as in reach (DESIGN.md, "Security rules"): whatever a caller
// derives from the credential it authenticated with (a role session it
// assumes, a workload token, an API key) stops working no later than that
// credential does by itself. This file is the one place that caps a
// derived credential's end; what ends a credential early (revocation, the
// member's suspension or removal, its role or trust going) is checked
// where the credential is authenticated.

// capExpiry returns the end of a credential that p derives, asked to end
// at want (nil: never): want, or the end of p's own credential when that
// comes first. A derived credential is cut short silently, as a chained
// role session is, and says when it ends in its answer.
func capExpiry(p *keyward.Principal, want *time.Time) *time.Time {
	if p == nil || p.ExpiresAt == nil || want != nil && !want.After(*p.ExpiresAt) {
		return want
	}
	end := *p.ExpiresAt
	return &end
}

// checkLasting refuses p, for action, a credential that keyward cannot
// end with p's (a SCIM token, which never ends; an application's refresh
// token) when p's own credential ends by itself: a role session, or an
// API key with an expiry, whose limit it would shed. A login session may,
// as it may mint a key that never expires (see issueKey): its end is a
// sign-in timeout, not a limit.
func checkLasting(p *keyward.Principal, action string) error {
	switch {
	case p.Session != nil:
		return refuse(action, authz.LayerSessionPolicy,
			"a role session cannot make a credential that would outlive it; use the credential that assumed the role")
	case p.ExpiresAt != nil && p.LoginSession == "":
		return refuse(action, authz.LayerToken,
			"an API key that expires cannot make a credential that would outlive it; use a key without an expiry or a login session")
	}
	return nil
}

// checkOwnToken refuses, at the web identity exchange, a token of
// keyward's own provider (its issuer is this server's) whose holder no
// longer holds what it was issued for, so that taking a credential away
// takes away the tokens keyward issued to it: a workload token's subject
// must still work (user:<id> an active member of an open organization,
// key:<id> a usable key of one, session:<id> a live role session), and an
// ID token's member (its sub, unless the application is pairwise) must
// still be one. Any other issuer's token is not keyward's to call back.
func (s *Service) checkOwnToken(ctx context.Context, id *claims.Identity) error {
	base := s.PublicURL() + "/v2/oidc/"
	if s.PublicURL() == "" || !strings.HasPrefix(id.Issuer, base) {
		return nil
	}
	gone := keyward.Errorf(keyward.CodeUnauthenticated,
		"Web identity token refused: the credential keyward issued it to no longer works.")
	org, _ := id.Claims["org"].(string)
	if !keyward.ValidID(org) {
		return gone
	}
	return s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		kind, ref, _ := strings.Cut(id.Subject, ":")
		var err error
		switch {
		case kind == "user" && keyward.ValidID(ref):
			_, err = grantMember(ctx, tx, keyward.OrgID(org), keyward.UserID(ref))
		case kind == "key" && keyward.ValidID(ref):
			var k *keyward.APIKey
			if k, err = tx.GetAPIKey(ctx, keyward.APIKeyID(ref)); err == nil && (k.OrgID != keyward.OrgID(org) || !k.Usable(s.now())) {
				return gone
			} else if err == nil {
				_, err = grantMember(ctx, tx, k.OrgID, k.UserID)
			}
		case kind == "session" && keyward.ValidID(ref):
			var sess *keyward.RoleSession
			if sess, err = tx.GetRoleSession(ctx, keyward.RoleSessionID(ref)); err == nil {
				why, _, err := sessionEnded(ctx, tx, sess, s.now(), 0)
				if err != nil {
					return err
				}
				if why != "" || sess.OrgID != keyward.OrgID(org) {
					return gone
				}
			}
		case keyward.ValidID(id.Subject):
			_, err = grantMember(ctx, tx, keyward.OrgID(org), keyward.UserID(id.Subject))
		}
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return gone
		}
		return err
	})
}
