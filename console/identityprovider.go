package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// signInPage is the Sign-in page's data: the organization's identity
// provider and its SCIM tokens, with the forms the engine lets the member
// use, and a SCIM token just created, shown once.
type signInPage struct {
	IdP                *service.IdentityProviderDetail // nil: none
	Update, Delete     bool
	Tokens             []*keyward.SCIMToken
	TokenPager         pager
	ListTokens         bool
	CreateToken        bool
	DeleteToken        bool
	NewToken           *newKey
	SAMLKind, OIDCKind string
}

// identityProviderRoutes are the Sign-in page's: the organization's
// identity provider (OpenID Connect or SAML) and its SCIM tokens.
func (c *Console) identityProviderRoutes() {
	c.member("GET /identity-provider", c.handleSignIn)
	c.member("POST /identity-provider", c.signInAction(c.putIdentityProvider))
	c.member("POST /identity-provider/delete", c.signInAction(func(ctx context.Context, r *http.Request, s *session) error {
		return c.svc.DeleteIdentityProvider(ctx)
	}))
	c.member("POST /identity-provider/scim-tokens", c.handleCreateSCIMToken)
	c.member("POST /identity-provider/scim-tokens/{token_id}/delete", c.signInAction(func(ctx context.Context, r *http.Request, s *session) error {
		return c.svc.DeleteSCIMToken(ctx, keyward.SCIMTokenID(r.PathValue("token_id")))
	}))
}

// handleSignIn shows the organization's identity provider and SCIM tokens.
func (c *Console) handleSignIn(w http.ResponseWriter, r *http.Request, s *session) {
	c.showSignIn(w, r, s, nil, nil)
}

// showSignIn renders the Sign-in page, with a SCIM token just created
// (token) and the problem of an action (act), if any.
func (c *Console) showSignIn(w http.ResponseWriter, r *http.Request, s *session, token *newKey, act error) {
	d, err := c.loadSignIn(r, token)
	c.show(w, r, "identityprovider.html", view{Title: "Sign-in", Me: s}, d, err, act)
}

// loadSignIn reads the Sign-in page through the service, as the member.
func (c *Console) loadSignIn(r *http.Request, token *newKey) (*signInPage, error) {
	ctx := r.Context()
	d := &signInPage{NewToken: token, SAMLKind: keyward.IdPKindSAML, OIDCKind: keyward.IdPKindOIDC,
		Update: c.allowed(ctx, "iam.identityprovider.Update", ""), Delete: c.allowed(ctx, "iam.identityprovider.Delete", ""),
		ListTokens: c.allowed(ctx, "iam.scimtoken.List", ""), CreateToken: c.allowed(ctx, "iam.scimtoken.Create", ""),
		DeleteToken: c.allowed(ctx, "iam.scimtoken.Delete", "")}
	idp, err := c.svc.GetIdentityProvider(ctx)
	switch {
	case err == nil:
		d.IdP = idp
	case keyward.ErrorCode(err) != keyward.CodeNotFound:
		return nil, err
	}
	if d.ListTokens {
		var info keyward.PageInfo
		if d.Tokens, info, err = c.svc.ListSCIMTokens(ctx, pageOf(r)); err != nil {
			return nil, err
		}
		d.TokenPager = pagerOf("/identity-provider", info)
	}
	return d, nil
}

// putIdentityProvider sets the organization's identity provider from the
// form of its kind: OpenID Connect (issuer, client, secret, scopes,
// claims, domains) or SAML (metadata by URL or as XML). An empty secret
// keeps the stored one.
func (c *Console) putIdentityProvider(ctx context.Context, r *http.Request, s *session) error {
	list := func(name string) []string {
		return strings.FieldsFunc(r.PostFormValue(name), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' })
	}
	in := service.IdentityProviderInput{Kind: r.PostFormValue("type")}
	if in.Kind == keyward.IdPKindSAML {
		in.SAMLMetadataURL, in.SAMLMetadata = r.PostFormValue("metadata_url"), r.PostFormValue("metadata")
		in.AllowIdPInitiated = r.PostFormValue("allow_idp_initiated") == "on"
	} else {
		in.Issuer, in.ClientID, in.ClientSecret = r.PostFormValue("issuer"), r.PostFormValue("client_id"), r.PostFormValue("client_secret")
		in.Scopes, in.AllowedDomains = list("scopes"), list("allowed_domains")
		in.GroupsClaim, in.EmailClaim, in.NameClaim = r.PostFormValue("groups_claim"), r.PostFormValue("email_claim"), r.PostFormValue("name_claim")
	}
	_, err := c.svc.PutIdentityProvider(ctx, in)
	return err
}

// handleCreateSCIMToken creates a SCIM token and shows it this once, in
// the answer to the POST (no URL carries it).
func (c *Console) handleCreateSCIMToken(w http.ResponseWriter, r *http.Request, s *session) {
	t, secret, err := c.svc.CreateSCIMToken(r.Context(), r.PostFormValue("name"))
	if err != nil {
		c.showSignIn(w, r, s, nil, err)
		return
	}
	w.Header().Set("HX-Replace-Url", "/identity-provider")
	c.showSignIn(w, r, s, &newKey{Owner: t.Name, Secret: secret}, nil)
}

// signInAction runs a and shows the Sign-in page again.
func (c *Console) signInAction(a step) memberHandler {
	return c.act(stay("/identity-provider", a), func(w http.ResponseWriter, r *http.Request, s *session, err error) {
		c.showSignIn(w, r, s, nil, err)
	})
}
