package console

import (
	"context"
	"net/http"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// handleCreateServiceUser creates a service user with its first API key
// (a service user acts through keys alone), whose secret the page shows
// this once.
func (c *Console) handleCreateServiceUser(w http.ResponseWriter, r *http.Request, s *session) {
	apiEnabled := true
	u, secret, err := c.svc.CreateUser(r.Context(), service.UserInput{Name: r.PostFormValue("name"), ServiceUser: true, APIEnabled: &apiEnabled})
	c.showSecret(w, r, s, u, secret, err)
}

// handleCreateKey creates an API key of a service user and shows its
// secret this once: it is in no URL and in no later page.
func (c *Console) handleCreateKey(w http.ResponseWriter, r *http.Request, s *session) {
	id := keyward.UserID(r.PathValue("user_id"))
	secret, err := c.createKey(r.Context(), r, id)
	var u *keyward.User
	if err == nil {
		u, err = c.svc.GetUser(r.Context(), id)
	}
	c.showSecret(w, r, s, u, secret, err)
}

// showSecret ends a key's creation: the Team page with the secret of u's
// new key, if there is one, or with err.
func (c *Console) showSecret(w http.ResponseWriter, r *http.Request, s *session, u *keyward.User, secret string, err error) {
	if err != nil || secret == "" {
		if err == nil {
			seeOther(w, r, "/team")
			return
		}
		c.showTeam(w, r, s, nil, err)
		return
	}
	// The page answers the POST itself (no redirect that could carry the
	// secret); the address bar goes back to the Team page's.
	w.Header().Set("HX-Replace-Url", "/team")
	c.showTeam(w, r, s, &newKey{Owner: u.Account.Name, Secret: secret}, nil)
}

// revokeServiceKey revokes an API key of a service user.
func (c *Console) revokeServiceKey(ctx context.Context, r *http.Request, s *session) error {
	return c.revokeKey(ctx, r, keyward.UserID(r.PathValue("user_id")))
}
