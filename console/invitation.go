package console

import (
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// invitationForm is the invitation page's data. Token is the link's
// token: the page carries it in a hidden field of its form, so that it
// leaves the URL after the first request.
type invitationForm struct {
	Token   string
	Preview *service.InvitationPreview
	Name    string
}

// MinPassword is the shortest password the service accepts, which the
// page states.
func (invitationForm) MinPassword() int { return keyward.MinPasswordLen }

// handleInvitation is the page behind every invitation link: who invites
// whom to which organization, and a form to accept it, with a name and a
// password for a new account or the password of the invited email's
// account.
func (c *Console) handleInvitation(w http.ResponseWriter, r *http.Request) {
	f := invitationForm{Token: r.URL.Query().Get("token")}
	var err error
	f.Preview, err = c.svc.DescribeInvitation(r.Context(), f.Token)
	c.render(w, r, "invitation.html", view{Title: "Invitation", Data: f}, err)
}

// handleAcceptInvitation accepts the invitation of the posted token and
// signs the invitee in to the organization that invited it.
func (c *Console) handleAcceptInvitation(w http.ResponseWriter, r *http.Request) {
	f := invitationForm{Token: r.PostFormValue("token"), Name: r.PostFormValue("name")}
	password := r.PostFormValue("password")
	var err error
	if f.Preview, err = c.svc.DescribeInvitation(r.Context(), f.Token); err != nil {
		c.render(w, r, "invitation.html", view{Title: "Invitation", Data: f}, err)
		return
	}
	if f.Preview.AccountExists {
		err = c.acceptAsAccount(r, f.Token, f.Preview.Email, password)
	} else {
		_, err = c.svc.AcceptInvitation(r.Context(), service.AcceptInput{Token: f.Token, Name: f.Name, Password: password})
	}
	if err != nil {
		c.render(w, r, "invitation.html", view{Title: "Invitation", Data: f}, err)
		return
	}
	_, token, err := c.svc.Login(r.Context(), service.LoginInput{Email: f.Preview.Email, Password: password, OrgID: f.Preview.OrgID})
	if err != nil {
		// Accepted, but this sign-in needs more (a second factor): the
		// sign-in page asks for it.
		c.showLogin(w, r, loginForm{Email: f.Preview.Email, OrgID: f.Preview.OrgID, ReturnTo: "/"}, err)
		return
	}
	setSession(w, r, token)
	seeOther(w, r, "/")
}

// acceptAsAccount accepts the invitation for the existing account of
// email, proving it holds the account with its password: it signs in,
// accepts as that account, as the API's bearer acceptance does, and ends
// that sign-in.
func (c *Console) acceptAsAccount(r *http.Request, token, email, password string) error {
	_, session, err := c.svc.Login(r.Context(), service.LoginInput{Email: email, Password: password})
	if err != nil {
		return err
	}
	ctx, _, err := c.asMember(r.Context(), session)
	if err != nil {
		return err
	}
	defer func() {
		if err := c.svc.Logout(ctx, session); err != nil {
			c.log.WarnContext(ctx, "console: end the sign-in of an acceptance", "err", err)
		}
	}()
	_, err = c.svc.AcceptInvitation(ctx, service.AcceptInput{Token: token})
	return err
}
