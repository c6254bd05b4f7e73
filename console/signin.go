package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// loginForm is the sign-in page's data. The second step, for an account
// with an authenticator, carries the email and password it checked in
// hidden fields of the page (never in a URL), because the service checks
// them with the code in one call and keeps no half-signed-in state.
type loginForm struct {
	Email    string
	Password string
	OrgID    keyward.OrgID
	ReturnTo string
	// SecondFactor asks for the authenticator's code.
	SecondFactor bool
	// SSO is set when OrgID signs in through its identity provider: the
	// page links to the provider's sign-in.
	SSO bool
}

// handleHome is the organization's start page.
func (c *Console) handleHome(w http.ResponseWriter, r *http.Request, s *session) {
	c.render(w, r, "home.html", view{Title: s.OrgName, Me: s}, nil)
}

// handleLoginForm shows the sign-in form. return_to is where to go after
// signing in; organization_id, from the organization switcher, signs in
// to that organization rather than the account's first.
func (c *Console) handleLoginForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := loginForm{OrgID: keyward.OrgID(q.Get("organization_id")), ReturnTo: service.LocalPath(q.Get("return_to"))}
	c.showLogin(w, r, f, nil)
}

// showLogin renders the sign-in page for f, with err's problem if any.
func (c *Console) showLogin(w http.ResponseWriter, r *http.Request, f loginForm, err error) {
	if f.OrgID != "" {
		sso, serr := c.svc.UsesSSO(r.Context(), f.OrgID)
		if serr != nil {
			c.log.WarnContext(r.Context(), "console: identity provider lookup", "err", serr)
		}
		f.SSO = sso
	}
	if !f.SecondFactor {
		f.Password = ""
	}
	c.render(w, r, "login.html", view{Title: "Sign in", Data: f}, err)
}

// handleLogin signs in with a password (and, when the account has an
// authenticator, its code), sets the session cookie and sends the browser
// to return_to when it is a path on this server, else to the start page.
func (c *Console) handleLogin(w http.ResponseWriter, r *http.Request) {
	f := loginForm{Email: r.PostFormValue("email"), Password: r.PostFormValue("password"),
		OrgID: keyward.OrgID(r.PostFormValue("organization_id")), ReturnTo: service.LocalPath(r.PostFormValue("return_to"))}
	in := service.LoginInput{Email: f.Email, Password: f.Password, OrgID: f.OrgID,
		MFA: service.SecondFactor{TOTPCode: r.PostFormValue("totp_code"), RecoveryCode: r.PostFormValue("recovery_code")}}
	_, token, err := c.svc.Login(r.Context(), in)
	switch {
	case keyward.ErrorCode(err) == keyward.CodeMFARequired:
		f.SecondFactor = true
		c.showLogin(w, r, f, nil)
		return
	case err != nil:
		// A wrong code keeps the second step; anything else starts over.
		if e := keyward.AsError(err); e != nil && (e.Field == "totp_code" || e.Field == "recovery_code") {
			f.SecondFactor = true
		}
		c.showLogin(w, r, f, err)
		return
	}
	c.endSession(r)
	setSession(w, r, token)
	seeOther(w, r, f.ReturnTo)
}

// endSession ends the login session the request's cookie carries, if it
// is still live: signing in again, as the organization switcher does,
// replaces the browser's session rather than leaving it open.
func (c *Console) endSession(r *http.Request) {
	ck, err := r.Cookie(keyward.SessionCookie)
	if err != nil {
		return
	}
	ctx, _, err := c.asMember(r.Context(), ck.Value)
	if err != nil {
		return
	}
	if err := c.svc.Logout(ctx, ck.Value); err != nil {
		c.log.WarnContext(r.Context(), "console: end the replaced session", "err", err)
	}
}

// handleLogout ends the login session and removes the cookie.
func (c *Console) handleLogout(w http.ResponseWriter, r *http.Request, s *session) {
	ck, _ := r.Cookie(keyward.SessionCookie)
	if err := c.svc.Logout(r.Context(), ck.Value); err != nil {
		c.render(w, r, "home.html", view{Title: s.OrgName, Me: s}, err)
		return
	}
	clearSession(w, r)
	seeOther(w, r, "/login")
}
