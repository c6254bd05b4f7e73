package service

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/url"
	"slices"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/credential"
)

// maxProviders caps the OIDC provider applications of one organization.
const maxProviders = 100

// ProviderScopes are the scopes an application may be allowed; the
// default is all of them.
var ProviderScopes = []string{"openid", "email", "profile", "groups", "offline_access"}

// OIDCProviderInput is the body of provider registration: Vultr's name,
// with keyward's redirect URIs, allowed scopes, workload audiences and
// pairwise subjects.
type OIDCProviderInput struct {
	Name         string
	RedirectURIs []string
	Scopes       []string
	Audiences    []string
	Pairwise     bool
}

type providerView struct {
	ID           keyward.OIDCProviderID `json:"id"`
	Name         string                 `json:"name"`
	RedirectURIs []string               `json:"redirect_uris"`
	Scopes       []string               `json:"scopes"`
	Audiences    []string               `json:"audiences"`
	Pairwise     bool                   `json:"pairwise"`
}

func viewProvider(p *keyward.OIDCProvider) providerView {
	return providerView{p.ID, p.Name, p.RedirectURIs, p.Scopes, p.Audiences, p.Pairwise}
}

// clean checks in and returns it trimmed, with duplicates dropped and the
// default scopes if it names none.
func (in OIDCProviderInput) clean(allowHTTP bool) (OIDCProviderInput, error) {
	var err error
	if in.Name, err = cleanName("name", in.Name, true); err != nil {
		return in, err
	}
	if len(in.RedirectURIs) > 20 {
		return in, keyward.FieldError("redirect_uris", "redirect_uris has %d entries; the limit is 20.", len(in.RedirectURIs))
	}
	uris := []string{}
	for i, u := range in.RedirectURIs {
		u = strings.TrimSpace(u)
		if err := checkRedirectURI(u, allowHTTP); err != nil {
			return in, keyward.FieldError("redirect_uris", "redirect_uris[%d]: %s", i, err.Error())
		}
		if !slices.Contains(uris, u) {
			uris = append(uris, u)
		}
	}
	in.RedirectURIs = uris
	scopes := []string{}
	for i, sc := range in.Scopes {
		sc = strings.TrimSpace(sc)
		if !slices.Contains(ProviderScopes, sc) {
			return in, keyward.FieldError("scopes", "scopes[%d] %q is not one of %s.", i, sc, strings.Join(ProviderScopes, ", "))
		}
		if !slices.Contains(scopes, sc) {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		scopes = slices.Clone(ProviderScopes)
	}
	in.Scopes = scopes
	in.Audiences, err = cleanStrings("audiences", in.Audiences, 20)
	return in, err
}

// checkRedirectURI accepts an absolute https URI without a fragment, or
// http on a loopback host (a native app's, RFC 8252), or any http URI when
// allowHTTP is set for development.
func checkRedirectURI(s string, allowHTTP bool) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Fragment != "" || len(s) > 2048 {
		return keyward.Errorf(keyward.CodeInvalid, "must be an absolute URI of at most 2048 bytes without a fragment")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && (allowHTTP || u.Hostname() == "localhost" || u.Hostname() == "127.0.0.1" || u.Hostname() == "::1"):
	default:
		return keyward.Errorf(keyward.CodeInvalid, "must use https (http only on a loopback host)")
	}
	return nil
}

// providerOf returns provider id of org, or CodeNotFound for a malformed,
// missing or foreign id.
func providerOf(ctx context.Context, tx keyward.Tx, org keyward.OrgID, id keyward.OIDCProviderID) (*keyward.OIDCProvider, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("OIDC provider")
	}
	p, err := tx.GetOIDCProvider(ctx, org, id)
	if keyward.ErrorCode(err) == keyward.CodeNotFound {
		return nil, notFound("OIDC provider")
	}
	return p, err
}

// CheckClientSecret reports, in constant time, whether secret is the
// client secret of p.
func CheckClientSecret(p *keyward.OIDCProvider, secret string) bool {
	sum := sha256.Sum256([]byte(secret))
	return subtle.ConstantTimeCompare(sum[:], p.SecretHash) == 1
}

// CreateOIDCProvider registers an application in the caller's
// organization and returns it with its client secret, which is shown this
// once.
func (s *Service) CreateOIDCProvider(ctx context.Context, in OIDCProviderInput) (*keyward.OIDCProvider, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	if err := s.authorize(ctx, p, "oidc.provider.Create", ""); err != nil {
		return nil, "", err
	}
	if in, err = in.clean(s.oidc.allowHTTP); err != nil {
		return nil, "", err
	}
	secret, hash := credential.NewSecret()
	var prov *keyward.OIDCProvider
	err = s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		n, err := tx.CountOIDCProviders(ctx, p.OrgID)
		if err != nil {
			return err
		}
		if err := checkLimit("oidc_providers", n, maxProviders, "an organization may register at most %d OIDC providers"); err != nil {
			return err
		}
		now := tx.Now()
		prov = &keyward.OIDCProvider{
			ID: keyward.OIDCProviderID(keyward.NewID(now)), OrgID: p.OrgID, Name: in.Name, SecretHash: hash,
			RedirectURIs: in.RedirectURIs, Scopes: in.Scopes, Audiences: in.Audiences, Pairwise: in.Pairwise,
			CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now,
		}
		if err := tx.CreateOIDCProvider(ctx, prov); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "oidc.provider.Create", TargetType: "oidc_provider", TargetID: string(prov.ID), After: viewProvider(prov),
		})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return prov, secret, nil
}

// GetOIDCProvider returns an application of the caller's organization.
func (s *Service) GetOIDCProvider(ctx context.Context, id keyward.OIDCProviderID) (*keyward.OIDCProvider, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	var prov *keyward.OIDCProvider
	err = s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		if prov, err = providerOf(ctx, tx, p.OrgID, id); err != nil {
			return err
		}
		return s.authorize(ctx, p, "oidc.provider.Read", string(id))
	})
	return prov, err
}

// ListOIDCProviders lists the applications of the caller's organization in
// registration order.
func (s *Service) ListOIDCProviders(ctx context.Context, page keyward.Page) ([]*keyward.OIDCProvider, keyward.PageInfo, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, keyward.PageInfo{}, err
	}
	if err := s.authorize(ctx, p, "oidc.provider.List", ""); err != nil {
		return nil, keyward.PageInfo{}, err
	}
	return readPage(ctx, s, func(ctx context.Context, tx keyward.Tx) ([]*keyward.OIDCProvider, keyward.PageInfo, error) {
		return tx.ListOIDCProviders(ctx, p.OrgID, page)
	})
}

// DeleteOIDCProvider removes an application of the caller's organization.
// Its codes and refresh tokens stop working at once; ID and workload
// tokens it signed stay valid until they expire, as JWTs do.
func (s *Service) DeleteOIDCProvider(ctx context.Context, id keyward.OIDCProviderID) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx keyward.Tx) error {
		prov, err := providerOf(ctx, tx, p.OrgID, id)
		if err != nil {
			return err
		}
		if err := s.authorize(ctx, p, "oidc.provider.Delete", string(id)); err != nil {
			return err
		}
		if err := tx.DeleteOIDCProvider(ctx, p.OrgID, id); err != nil {
			return err
		}
		_, err = s.commit(ctx, tx, p, p.OrgID, change{
			Action: "oidc.provider.Delete", TargetType: "oidc_provider", TargetID: string(id), Before: viewProvider(prov),
		})
		return err
	})
}

// PublicURL is the server's address as clients reach it.
func (s *Service) PublicURL() string { return s.invites.publicURL }

// IssuerURL is the issuer of provider id's tokens: the server's public
// URL, then /v2/oidc/<id>, below which its discovery document lives.
func (s *Service) IssuerURL(id keyward.OIDCProviderID) string {
	return s.PublicURL() + "/v2/oidc/" + string(id)
}

// FindOIDCProvider returns the application whose client id is id, in any
// organization, for the protocol endpoints, which have no caller: the
// client id, and for a confidential step the client secret, are their
// credential.
func (s *Service) FindOIDCProvider(ctx context.Context, id keyward.OIDCProviderID) (*keyward.OIDCProvider, error) {
	if !keyward.ValidID(string(id)) {
		return nil, notFound("OIDC provider")
	}
	var prov *keyward.OIDCProvider
	err := s.read(ctx, func(ctx context.Context, tx keyward.Tx) error {
		var err error
		if prov, err = tx.FindOIDCProvider(ctx, id); keyward.ErrorCode(err) == keyward.CodeNotFound {
			return notFound("OIDC provider")
		}
		return err
	})
	return prov, err
}
