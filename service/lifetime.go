package service

import (
	"time"

	"github.com/keyward-iam/keyward"
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
