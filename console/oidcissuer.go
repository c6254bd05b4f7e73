package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// handleIssuers lists the organization's OIDC issuers.
func (c *Console) handleIssuers(w http.ResponseWriter, r *http.Request, s *session) {
	c.showIssuers(w, r, s, nil)
}

// showIssuers renders the OIDC issuers page (the organization's trusted
// workload issuers: a CI system, a cluster, whose tokens a role trust may
// accept), with the problem of an action (act), if any.
func (c *Console) showIssuers(w http.ResponseWriter, r *http.Request, s *session, act error) {
	d, err := loadList(r.Context(), c, r, "/oidc-issuers", c.svc.ListOIDCIssuers, "oidc.issuer.Create", "oidc.issuer.Delete",
		func(i *keyward.OIDCIssuer) (string, string) { return string(i.ID), "" })
	c.show(w, r, "issuers.html", view{Title: "OIDC issuers", Me: s}, d, err, act)
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
func (c *Console) issuersAction(a step) memberHandler {
	return c.act(stay("/oidc-issuers", a), c.showIssuers)
}
