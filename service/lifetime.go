package service

import (
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/authz"
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
