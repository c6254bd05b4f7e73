package service

import (
	"context"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// checkTrustedIssuer checks the OIDC issuer trustee of t, a trust being
// created or updated in org: the issuer must be registered in org, and a
// trust of a well-known CI or Kubernetes issuer must pin sub and aud
// unless acknowledged (the caller's acknowledge_unpinned_claims flag):
// see claims.CheckTrustConditions.
func (s *Service) checkTrustedIssuer(ctx context.Context, tx keyward.Tx, org keyward.OrgID, t *keyward.RoleTrust, acknowledged bool) error {
	iss, err := tx.GetOIDCIssuer(ctx, org, keyward.OIDCIssuerID(t.TrustedOIDCIssuerID))
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return keyward.FieldError("trusted_oidc_issuer_id", "No OIDC issuer %s in this organization.", t.TrustedOIDCIssuerID)
	} else if err != nil {
		return err
	}
	// A well-known CI or cluster issuer mints tokens for all its tenants:
	// the trust must pin sub and aud, or say it means to trust them all.
	return claims.CheckTrustConditions(iss.URL, claims.ClaimConditions(t.ClaimConditions), acknowledged)
}
