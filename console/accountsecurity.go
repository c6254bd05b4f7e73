package console

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// securityPage is the Security page's data: the member's second factor,
// and what an action just made that is shown this once: a new
// authenticator's secret, or the recovery codes of a confirmed one.
type securityPage struct {
	MFA        *service.MFAStatus
	Enrollment *service.TOTPEnrollment
	// AppLink is the enrolment's otpauth:// URI, which html/template
	// would otherwise refuse as a link: an authenticator app's own scheme.
	AppLink  template.URL
	Recovery []string
	// Keys are the member's own API keys; NewKey one just created.
	Keys   keyList
	NewKey *newKey
	// Password is set when the member signs in with a password (an
	// account of an identity provider has none to change) and may
	// change it now.
	Password bool
}

// securityRoutes are the Security page's: the member's own sign-in
// (second factor and password), which every member may manage, an
// organization that requires MFA included before its first code, and
// the member's own API keys, as the engine allows.
func (c *Console) securityRoutes() {
	c.mux.Handle("GET /security", c.signedIn(c.handleSecurity))
	c.mux.Handle("POST /security/mfa/enroll", c.signedIn(c.handleEnrollMFA))
	c.mux.Handle("POST /security/mfa/confirm", c.signedIn(c.handleConfirmMFA))
	c.mux.Handle("POST /security/mfa/disable", c.signedIn(c.securityAction(c.disableMFA)))
	c.mux.Handle("POST /security/password", c.signedIn(c.securityAction(c.changePassword)))
	c.mux.Handle("POST /security/keys", c.signedIn(c.handleCreateOwnKey))
	c.mux.Handle("POST /security/keys/{key_id}/revoke", c.signedIn(c.securityAction(func(ctx context.Context, r *http.Request, s *session) error {
		return c.revokeKey(ctx, r, s.Principal.UserID)
	})))
}

// handleSecurity shows the member's second factor and password forms.
func (c *Console) handleSecurity(w http.ResponseWriter, r *http.Request, s *session) {
	c.showSecurity(w, r, s, &securityPage{}, nil)
}

// showSecurity renders the Security page with d's one-time secrets, if
// any, and the problem of an action (act).
func (c *Console) showSecurity(w http.ResponseWriter, r *http.Request, s *session, d *securityPage, act error) {
	st, err := c.svc.GetMFA(r.Context())
	// A session that may only enroll (its organization requires MFA)
	// may not change the password yet.
	d.MFA, d.Password = st, s.User.PasswordHash != "" && !s.Principal.MFAEnrollOnly
	if err == nil && !s.Principal.MFAEnrollOnly {
		d.Keys, err = c.loadKeys(r.Context(), s.Principal.UserID, "/security")
	}
	c.show(w, r, "security.html", view{Title: "Security", Me: s}, d, err, act)
}

// showOnce answers a POST that made a secret with the Security page that
// shows it: no redirect, which would need the secret in a URL or kept on
// the server; the address bar goes back to the page's.
func (c *Console) showOnce(w http.ResponseWriter, r *http.Request, s *session, d *securityPage, err error) {
	if err == nil {
		w.Header().Set("HX-Replace-Url", "/security")
	}
	c.showSecurity(w, r, s, d, err)
}

// handleEnrollMFA starts an authenticator's enrolment and shows its
// secret, to be typed or opened in an authenticator app, and the form
// that confirms it with a first code.
func (c *Console) handleEnrollMFA(w http.ResponseWriter, r *http.Request, s *session) {
	e, err := c.svc.EnrollTOTP(r.Context())
	d := &securityPage{Enrollment: e}
	if err == nil && strings.HasPrefix(e.URI, "otpauth://") {
		d.AppLink = template.URL(e.URI)
	}
	c.showOnce(w, r, s, d, err)
}

// handleConfirmMFA activates the pending authenticator with one of its
// codes and shows the recovery codes, this once.
func (c *Console) handleConfirmMFA(w http.ResponseWriter, r *http.Request, s *session) {
	codes, err := c.svc.ConfirmTOTP(r.Context(), r.PostFormValue("totp_code"))
	c.showOnce(w, r, s, &securityPage{Recovery: codes}, err)
}

// handleCreateOwnKey creates an API key of the member's own and shows its
// secret this once.
func (c *Console) handleCreateOwnKey(w http.ResponseWriter, r *http.Request, s *session) {
	secret, err := c.createKey(r.Context(), r, s.Principal.UserID)
	d := &securityPage{}
	if err == nil {
		d.NewKey = &newKey{Owner: s.User.Account.Name, Secret: secret}
	}
	c.showOnce(w, r, s, d, err)
}

// disableMFA removes the member's authenticator, given a current code or
// a recovery code.
func (c *Console) disableMFA(ctx context.Context, r *http.Request, s *session) error {
	return c.svc.DisableTOTP(ctx, service.SecondFactor{TOTPCode: r.PostFormValue("totp_code"), RecoveryCode: r.PostFormValue("recovery_code")})
}

// changePassword changes the member's password, given the current one;
// the service ends the account's other sessions, not this one.
func (c *Console) changePassword(ctx context.Context, r *http.Request, s *session) error {
	if r.PostFormValue("new_password") != r.PostFormValue("repeat_password") {
		return keyward.FieldError("repeat_password", "The two new passwords differ.")
	}
	ck, err := r.Cookie(keyward.SessionCookie)
	if err != nil {
		return err
	}
	return c.svc.ChangePassword(ctx, ck.Value, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
}

// securityAction runs a and shows the Security page again.
func (c *Console) securityAction(a step) memberHandler {
	return c.act(stay("/security", a), func(w http.ResponseWriter, r *http.Request, s *session, err error) {
		c.showSecurity(w, r, s, &securityPage{}, err)
	})
}
