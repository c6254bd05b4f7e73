package service

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
)

// Workload token lifetimes: what a caller gets by default, and the most
// it may ask for (MaxTokenTTL).
const defaultWorkloadTTL = 15 * time.Minute

// WorkloadTokenInput asks for a workload token of a provider application
// of the caller's organization.
type WorkloadTokenInput struct {
	ProviderID keyward.OIDCProviderID
	// Audience is the token's aud: the provider's id (the default) or one
	// of its allowed audiences.
	Audience string
	// Duration is the token's lifetime; 0: 15 minutes. At most 1 h, and
	// never past the end of the caller's credential (capExpiry).
	Duration time.Duration
}

// WorkloadGrant is what the protocol adapter needs to sign a workload
// token: its record, issuer, extra claims and the key to sign with.
type WorkloadGrant struct {
	Token  *keyward.WorkloadToken
	Issuer string
	// Claims are keyward's claims beside the registered ones: org, and for
	// a role session its role (role_id) and who began the session's chain
	// (act, RFC 8693).
	Claims map[string]any
	Key    *SigningKey
}

// workloadSubject is the sub of a principal's workload tokens, naming
// the credential exactly so that a trust of the member is never a trust
// of less: "user:<id>" for a member or service user acting as itself,
// "session:<id>" for a role session, which acts as its role, not as the
// member who assumed it, and "key:<id>" for a narrowed API key, which
// can do less than its member.
func workloadSubject(p *keyward.Principal) string {
	switch {
	case p.Session != nil:
		return "session:" + string(p.Session.ID)
	case p.KeyPolicy != nil:
		return "key:" + string(p.KeyID)
	}
	return "user:" + string(p.UserID)
}

// IssueWorkloadToken authorizes and records a workload token for the
// caller (oidc.token.Create on the provider) and returns what signs it.
// The engine decides as for any call, so a narrowed key or a role
// session gets a token only where its narrowing or role allows
// oidc.token.Create, and the token names the caller as it is: the
// session, never the member behind it. The record and its audit event
// commit together; the token itself is never stored.
func (s *Service) IssueWorkloadToken(ctx context.Context, in WorkloadTokenInput) (*WorkloadGrant, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !keyward.ValidID(string(in.ProviderID)) {
		return nil, keyward.FieldError("client_id", "client_id must be the id of an OIDC provider of this organization.")
	}
	ttl := in.Duration
	switch {
	case ttl == 0:
		ttl = defaultWorkloadTTL
	case ttl < time.Minute || ttl > MaxTokenTTL:
		return nil, keyward.FieldError("expires_in", "expires_in must be between 60 and %d seconds.", int(MaxTokenTTL/time.Second))
	}
	key, err := s.ActiveSigningKey(ctx)
	if err != nil {
		return nil, err
	}
	var w *keyward.WorkloadToken
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		// Authorized before the lookup, so that only who may ask learns
		// whether the provider exists.
		if err := s.authorize(ctx, p, "oidc.token.Create", string(in.ProviderID)); err != nil {
			return err
		}
		prov, err := providerOf(ctx, tx, p.OrgID, in.ProviderID)
		if keyward.ErrorCode(err) == keyward.CodeNotFound {
			return keyward.FieldError("client_id", "client_id names no OIDC provider of this organization.")
		}
		if err != nil {
			return err
		}
		aud := strings.TrimSpace(in.Audience)
		if aud == "" {
			aud = string(prov.ID)
		}
		if aud != string(prov.ID) && !slices.Contains(prov.Audiences, aud) {
			return keyward.FieldError("audience", "audience %q is not among the provider's allowed audiences.", aud)
		}
		now := tx.Now().Truncate(time.Second)
		exp := now.Add(ttl)
		exp = capExpiry(p, &exp).Truncate(time.Second)
		w = &keyward.WorkloadToken{
			ID: keyward.NewID(now), OrgID: p.OrgID, ProviderID: prov.ID, Subject: workloadSubject(p), Audience: aud,
			IssuedTo: p.UserID, CreatedAt: now, ExpiresAt: exp,
		}
		if err := tx.CreateWorkloadToken(ctx, w); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "oidc.token.Create", TargetType: "oidc_token", TargetID: w.ID,
			After: map[string]any{"provider_id": w.ProviderID, "sub": w.Subject, "aud": w.Audience, "exp": w.ExpiresAt},
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	claims := map[string]any{"org": string(p.OrgID)}
	if p.Session != nil {
		claims["role_id"] = string(p.Session.RoleID)
		if len(p.Session.Chain) > 0 {
			claims["act"] = map[string]any{"sub": p.Session.Chain[0]}
		}
	}
	return &WorkloadGrant{Token: w, Issuer: s.IssuerURL(w.ProviderID), Claims: claims, Key: key}, nil
}

// GetWorkloadToken returns the record of a workload token of the caller's
// organization (oidc.token.Read on its provider).
func (s *Service) GetWorkloadToken(ctx context.Context, id string) (*keyward.WorkloadToken, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var w *keyward.WorkloadToken
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if !keyward.ValidID(id) {
			return notFound("OIDC token")
		}
		if w, err = tx.GetWorkloadToken(ctx, p.OrgID, id); err != nil {
			if keyward.ErrorCode(err) == keyward.CodeNotFound {
				return notFound("OIDC token")
			}
			return err
		}
		return s.authorize(ctx, p, "oidc.token.Read", string(w.ProviderID))
	})
	return w, err
}
