package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// applicationsPage is the Applications page's data: the organization's
// OIDC provider applications (keyward as their OpenID provider), each with
// its issuer, and a client secret just made, shown once.
type applicationsPage struct {
	*listPage[*keyward.OIDCProvider]
	Issuers   map[keyward.OIDCProviderID]string
	NewSecret *newKey
	// Scopes are the scopes an application may be given.
	Scopes []string
}

// applicationRoutes are the Applications page's.
func (c *Console) applicationRoutes() {
	c.member("GET /applications", c.handleApplications)
	c.member("POST /applications", c.handleCreateApplication)
	c.member("POST /applications/{provider_id}/delete", c.act(stay("/applications", c.deleteApplication), func(w http.ResponseWriter, r *http.Request, s *session, err error) {
		c.showApplications(w, r, s, nil, err)
	}))
}

// handleApplications lists the organization's applications.
func (c *Console) handleApplications(w http.ResponseWriter, r *http.Request, s *session) {
	c.showApplications(w, r, s, nil, nil)
}

// showApplications renders the Applications page, with a secret just
// made (secret) and the problem of an action (act), if any.
func (c *Console) showApplications(w http.ResponseWriter, r *http.Request, s *session, secret *newKey, act error) {
	ctx := r.Context()
	l, err := loadList(ctx, c, r, "/applications", c.svc.ListOIDCProviders, "oidc.provider.Create", "oidc.provider.Delete",
		func(p *keyward.OIDCProvider) (string, string) { return string(p.ID), "" })
	var d *applicationsPage
	if err == nil {
		d = &applicationsPage{listPage: l, Issuers: map[keyward.OIDCProviderID]string{}, NewSecret: secret, Scopes: service.ProviderScopes}
		for _, it := range l.Items {
			d.Issuers[it.Item.ID] = c.svc.IssuerURL(it.Item.ID)
		}
	}
	c.show(w, r, "applications.html", view{Title: "Applications", Me: s}, d, err, act)
}

// handleCreateApplication registers the form's application and shows
// its client secret this once, in the answer to the POST.
func (c *Console) handleCreateApplication(w http.ResponseWriter, r *http.Request, s *session) {
	lines := func(name string) []string {
		return strings.FieldsFunc(r.PostFormValue(name), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' })
	}
	_ = r.ParseForm()
	p, secret, err := c.svc.CreateOIDCProvider(r.Context(), service.OIDCProviderInput{Name: r.PostFormValue("name"),
		RedirectURIs: lines("redirect_uris"), Scopes: r.PostForm["scopes"], Audiences: lines("audiences"), Pairwise: r.PostFormValue("pairwise") == "on"})
	if err != nil {
		c.showApplications(w, r, s, nil, err)
		return
	}
	w.Header().Set("HX-Replace-Url", "/applications")
	c.showApplications(w, r, s, &newKey{Owner: p.Name, Secret: secret}, nil)
}

// deleteApplication deletes the path's application.
func (c *Console) deleteApplication(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteOIDCProvider(ctx, keyward.OIDCProviderID(r.PathValue("provider_id")))
}
