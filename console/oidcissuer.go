package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// issuersPage is the OIDC issuers page's data: the organization's
// trusted workload issuers (a CI system, a cluster), whose tokens a role
// trust may accept, and the controls the member may use.
type issuersPage struct {
	Issuers []issuerRow
	Pager   pager
	Create  bool
}

// issuerRow is an issuer and whether the member may delete it.
type issuerRow struct {
	*keyward.OIDCIssuer
	Delete bool
}

// handleIssuers lists the organization's OIDC issuers.
func (c *Console) handleIssuers(w http.ResponseWriter, r *http.Request, s *session) {
	c.showIssuers(w, r, s, nil)
}

// showIssuers renders the OIDC issuers page, with the problem of an
// action (act), if any.
func (c *Console) showIssuers(w http.ResponseWriter, r *http.Request, s *session, act error) {
	ctx := r.Context()
	v := view{Title: "OIDC issuers", Me: s}
	is, info, err := c.svc.ListOIDCIssuers(ctx, pageOf(r))
	if err != nil {
		c.render(w, r, "issuers.html", v, err)
		return
	}
	d := &issuersPage{Pager: pagerOf("/oidc-issuers", info)}
	if d.Create, err = c.svc.Allowed(ctx, "oidc.issuer.Create", "", ""); err != nil {
		c.render(w, r, "issuers.html", v, err)
		return
	}
	for _, i := range is {
		del, err := c.svc.Allowed(ctx, "oidc.issuer.Delete", string(i.ID), "")
		if err != nil {
			c.render(w, r, "issuers.html", v, err)
			return
		}
		d.Issuers = append(d.Issuers, issuerRow{i, del})
	}
	v.Data = d
	c.render(w, r, "issuers.html", v, act)
}

// createIssuer registers the form's issuer: its name, URL and the
// audiences it accepts (one a line or comma-separated).
func (c *Console) createIssuer(ctx context.Context, r *http.Request, s *session) error {
	auds := strings.FieldsFunc(r.PostFormValue("audiences"), func(r rune) bool { return r == ',' || r == '\n' || r == '\r' })
	for i := range auds {
		auds[i] = strings.TrimSpace(auds[i])
	}
	_, err := c.svc.CreateOIDCIssuer(ctx, service.OIDCIssuerInput{Name: r.PostFormValue("name"), URL: r.PostFormValue("uri"), Audiences: auds})
	return err
}

// deleteIssuer deletes the path's issuer.
func (c *Console) deleteIssuer(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteOIDCIssuer(ctx, keyward.OIDCIssuerID(r.PathValue("issuer_id")))
}

// issuersAction runs a and shows the OIDC issuers page again.
func (c *Console) issuersAction(a act) memberHandler {
	return c.action(a, at("/oidc-issuers"), c.showIssuers)
}
