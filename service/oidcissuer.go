package service

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/claims"
)

// maxIssuers caps the OIDC issuers of one organization, as AWS caps OIDC
// providers per account.
const maxIssuers = 100

// WebIdentityVerifier verifies the tokens external OpenID Connect issuers
// mint for their workloads, as federation.Verifiers does (cmd/keyward
// hands one to New): Verify checks token's signature against issuerURL's
// keys, its issuer, one of audiences (none: not checked) and its validity
// window, answering CodeUnauthenticated for a refused token and
// CodeUnavailable for an issuer it cannot reach; Forget drops what it
// remembers of issuerURL (its keys), once the issuer is deleted.
type WebIdentityVerifier interface {
	Verify(ctx context.Context, issuerURL string, audiences []string, token string) (*claims.Identity, error)
	Forget(issuerURL string)
}

// oidc is the service's federation state: the token verifier, shared by
// every organization, and whether http issuer URLs are allowed.
type oidc struct {
	verifier  WebIdentityVerifier // nil: web identity is not configured
	allowHTTP bool
}

func newOIDC(opts Options) *oidc {
	return &oidc{verifier: opts.WebIdentity, allowHTTP: opts.OIDCAllowHTTP}
}

// OIDCIssuerInput is the body of issuer registration: Vultr's issuer
// object (source, uri and one JWK) with keyward's name and allowed
// audiences.
type OIDCIssuerInput struct {
	Name      string
	URL       string
	Audiences []string
	Source    string
	JWK       keyward.IssuerJWK
}

type issuerView struct {
	ID        keyward.OIDCIssuerID `json:"id"`
	Name      string               `json:"name"`
	URL       string               `json:"uri"`
	Audiences []string             `json:"audiences"`
}

func viewIssuer(i *keyward.OIDCIssuer) issuerView {
	return issuerView{i.ID, i.Name, i.URL, i.Audiences}
}

// clean checks in and returns it trimmed, with duplicate audiences
// dropped.
func (in OIDCIssuerInput) clean(allowHTTP bool) (OIDCIssuerInput, error) {
	var err error
	if in.Name, err = cleanName("name", in.Name, false); err != nil {
		return in, err
	}
	in.URL = strings.TrimSpace(in.URL)
	if err := claims.CheckIssuerURL("uri", in.URL, allowHTTP); err != nil {
		return in, err
	}
	switch in.Source = strings.ToLower(strings.TrimSpace(in.Source)); in.Source {
	case "", keyward.IssuerSourceExternal:
		in.Source = keyward.IssuerSourceExternal
	default:
		return in, keyward.FieldError("source", "source %q is not supported; keyward registers external issuers only (source external).", in.Source)
	}
	if in.Audiences, err = cleanStrings("audiences", in.Audiences, 20); err != nil {
		return in, err
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"kty", &in.JWK.KeyType}, {"kid", &in.JWK.KeyID}, {"n", &in.JWK.N}, {"e", &in.JWK.E}, {"alg", &in.JWK.Algorithm}, {"use", &in.JWK.Use}} {
		*f.v = strings.TrimSpace(*f.v)
		if len(*f.v) > 4096 || !utf8.ValidString(*f.v) {
			return in, keyward.FieldError(f.name, "%s must be a string of at most 4096 bytes.", f.name)
		}
	}
	return in, nil
}

// cleanStrings returns list (the field's value) with its entries trimmed
// and duplicates dropped, never nil, or a FieldError if it has more than
// limit entries or one is empty, longer than 256 bytes or not UTF-8.
func cleanStrings(field string, list []string, limit int) ([]string, error) {
	if len(list) > limit {
		return nil, keyward.FieldError(field, "%s has %d entries; the limit is %d.", field, len(list), limit)
	}
	out := []string{}
	for i, a := range list {
		a = strings.TrimSpace(a)
		if a == "" || len(a) > 256 || !utf8.ValidString(a) {
			return nil, keyward.FieldError(field, "%s[%d] must be a non-empty string of at most 256 bytes.", field, i)
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out, nil
}

// oidcIssuerOf returns issuer id of org, or CodeNotFound for a malformed,
// missing or foreign id.
func oidcIssuerOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.OIDCIssuerID) (*keyward.OIDCIssuer, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("OIDC issuer")
	}
	i, err := tx.GetOIDCIssuer(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("OIDC issuer")
	}
	return i, err
}

// CreateOIDCIssuer registers an issuer in the caller's organization. No
// network call is made: discovery runs when the first token of the issuer
// arrives, so an issuer can be registered before it is reachable.
func (s *Service) CreateOIDCIssuer(ctx context.Context, in OIDCIssuerInput) (*keyward.OIDCIssuer, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.authorize(ctx, p, "oidc.issuer.Create", ""); err != nil {
		return nil, err
	}
	if in, err = in.clean(s.oidc.allowHTTP); err != nil {
		return nil, err
	}
	var iss *keyward.OIDCIssuer
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		n, err := tx.CountOIDCIssuers(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if err := checkLimit("oidc_issuers", n, maxIssuers, "an organization may register at most %d OIDC issuers"); err != nil {
			return err
		}
		now := tx.Now()
		iss = &keyward.OIDCIssuer{
			ID: keyward.OIDCIssuerID(keyward.NewID(now)), OrgID: p.OrgID, Name: in.Name, URL: in.URL, Audiences: in.Audiences,
			Source: in.Source, JWK: in.JWK, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.CreateOIDCIssuer(ctx, iss); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "oidc.issuer.Create", TargetType: "oidc_issuer", TargetID: string(iss.ID), After: viewIssuer(iss),
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return iss, nil
}

// GetOIDCIssuer returns an issuer of the caller's organization.
func (s *Service) GetOIDCIssuer(ctx context.Context, id keyward.OIDCIssuerID) (*keyward.OIDCIssuer, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var iss *keyward.OIDCIssuer
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if iss, err = oidcIssuerOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "oidc.issuer.Read", string(id))
	})
	return iss, err
}

// ListOIDCIssuers lists the issuers of the caller's organization in
// registration order.
func (s *Service) ListOIDCIssuers(ctx context.Context, page keyward.Page) ([]*keyward.OIDCIssuer, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "oidc.issuer.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.OIDCIssuer, keyward.PageInfo, error) {
		return tx.ListOIDCIssuers(ctx, p.OrgID, page)
	})
}

// DeleteOIDCIssuer removes an issuer of the caller's organization. Trusts
// that name it stay but admit no token any more, and the sessions made
// through them end: the issuer is their trustee, as a group is a group
// trust's, and its tokens are trusted no longer.
func (s *Service) DeleteOIDCIssuer(ctx context.Context, id keyward.OIDCIssuerID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	var url string
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		iss, err := oidcIssuerOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "oidc.issuer.Delete", string(id)); err != nil {
			return err
		}
		var fx effects
		if fx.SessionsEnded, err = tx.EndIssuerRoleSessions(ctx, p.OrgID, id, tx.Now()); err != nil {
			return err
		}
		if err := tx.DeleteOIDCIssuer(ctx, p.OrgID, id); err != nil {
			return err
		}
		url = iss.URL
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "oidc.issuer.Delete", TargetType: "oidc_issuer", TargetID: string(id), Before: viewIssuer(iss), After: fx.afterDelete(),
		})
		return err
	})
	if err == nil {
		// A re-registration of the URL starts with a fresh discovery.
		if s.oidc.verifier != nil {
			s.oidc.verifier.Forget(url)
		}
	}
	return err
}
