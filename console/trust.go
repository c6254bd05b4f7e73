package console

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// trustsPart is the trusts section of an assumable role's page: who may
// assume the role, until when and how, with the controls the engine
// lets the member use.
type trustsPart struct {
	RoleID keyward.RoleID
	Trusts []row[*service.TrustDetail]
	// Create is whether the member may create a trust on the role; the
	// form then picks a user, group or OIDC issuer and offers Expiries and
	// the conditions' Weekdays.
	Create   bool
	Expiries []expiry
	Weekdays []time.Weekday
}

// expiry is a choice of seed 002's trust expiration: a time from now, a
// custom date, or never.
type expiry struct {
	Value, Label string
	// after returns the expiry for a trust created at now; nil for the
	// choices that take no time from now (custom, never).
	after func(now time.Time) time.Time
}

// Relative reports whether the choice is a time from now.
func (e expiry) Relative() bool { return e.after != nil }

// expiries are the create form's expiry choices, seed 002's (1 month to
// 2 years, custom, never) with shorter ones for trying a role out.
var expiries = []expiry{
	{"1m", "1 minute", func(t time.Time) time.Time { return t.Add(time.Minute) }},
	{"1h", "1 hour", func(t time.Time) time.Time { return t.Add(time.Hour) }},
	{"1d", "1 day", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
	{"1w", "1 week", func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }},
	{"1mo", "1 month", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
	{"3mo", "3 months", func(t time.Time) time.Time { return t.AddDate(0, 3, 0) }},
	{"6mo", "6 months", func(t time.Time) time.Time { return t.AddDate(0, 6, 0) }},
	{"1y", "1 year", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
	{"2y", "2 years", func(t time.Time) time.Time { return t.AddDate(2, 0, 0) }},
	{"custom", "Custom date", nil},
	{"never", "Never", nil},
}

// validUntil is the trust's valid_until for the form's expiry choice: ""
// for never, the custom date as given (the service checks it).
func validUntil(choice, custom string, now time.Time) (string, error) {
	for _, e := range expiries {
		switch {
		case e.Value != choice:
		case e.after != nil:
			return e.after(now).UTC().Format(time.RFC3339), nil
		case choice == "custom":
			if strings.TrimSpace(custom) == "" {
				return "", keyward.FieldError("valid_until", "Choose the custom date the trust expires on.")
			}
			return custom, nil
		default:
			return "", nil
		}
	}
	return "", keyward.FieldError("expires", "expires %q is not one of the expiry choices.", choice)
}

// loadTrusts reads the trusts section of role, for an assumable role the
// member may list the trusts of; nil otherwise.
func (c *Console) loadTrusts(ctx context.Context, role *service.RoleDetail) (*trustsPart, error) {
	id := string(role.ID)
	if role.Type != keyward.RoleAssumable {
		return nil, nil
	}
	if ok, err := c.svc.Allowed(ctx, "iam.roletrust.List", id, ""); err != nil || !ok {
		return nil, err
	}
	ts, _, err := c.svc.ListRoleTrusts(ctx, keyward.TrustFilter{RoleID: role.ID, Page: keyward.Page{Limit: keyward.MaxPerPage}})
	if err != nil {
		return nil, err
	}
	d := &trustsPart{RoleID: role.ID}
	if d.Trusts, err = rowsOf(ctx, c, ts, "iam.roletrust.Delete", func(t *service.TrustDetail) (string, string) { return string(t.ID), "" }); err != nil {
		return nil, err
	}
	if d.Create, err = c.svc.Allowed(ctx, "iam.roletrust.Create", id, ""); err != nil || !d.Create {
		return d, err
	}
	d.Expiries, d.Weekdays = expiries, weekdays
	return d, nil
}

// issuerPrefix starts the trustee value of an OIDC issuer, beside
// identity's "user:" and "group:".
const issuerPrefix = "issuer:"

// createTrust creates a trust on the path's role for the picked user,
// group or OIDC issuer, with the chosen mode, expiry and conditions. A
// user's or group's trust is the API's TemporaryAssumption; an issuer's
// is a FederatedAssumption with its claim conditions. The mode goes to
// the service as chosen, "" for its default: an issuer's trust is
// automatic, and the service refuses manual for it, naming the field.
func (c *Console) createTrust(ctx context.Context, r *http.Request, s *session) error {
	mode := keyward.AssumptionMode(r.PostFormValue("assumption_mode"))
	in := service.TrustInput{RoleID: keyward.RoleID(r.PathValue("role_id")), Mode: &mode}
	trustee, err := c.picked(ctx, r, "trustee", "trustees")
	if err != nil {
		return err
	}
	if issuer, ok := strings.CutPrefix(trustee, issuerPrefix); ok {
		typ := keyward.TrustFederated
		in.Type, in.TrustedOIDCIssuerID = &typ, &issuer
	} else {
		typ := keyward.TrustTemporary
		in.Type = &typ
		kind, id, err := identityOf(trustee, "trustee")
		if err != nil {
			return err
		}
		if kind == keyward.PrincipalUser {
			u := keyward.UserID(id)
			in.TrustedUserID = &u
		} else {
			g := keyward.GroupID(id)
			in.TrustedGroupID = &g
		}
	}
	// Claims are an issuer's: on a user's trust the service refuses them,
	// naming the field.
	if in.ClaimConditions, err = claimConditions(r); err != nil {
		return err
	}
	if in.Conditions, err = trustConditions(r); err != nil {
		return err
	}
	until, err := validUntil(r.PostFormValue("expires"), r.PostFormValue("valid_until"), c.svc.Now())
	if err != nil {
		return err
	}
	in.ValidUntil = &until
	_, err = c.svc.CreateRoleTrust(ctx, in)
	return err
}

// deleteTrust deletes a trust of the path's role (softly, as the API
// does: its sessions end).
func (c *Console) deleteTrust(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DeleteRoleTrust(ctx, keyward.RoleTrustID(r.PathValue("trust_id")))
}
