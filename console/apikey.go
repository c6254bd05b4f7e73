package console

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/keyward-iam/keyward"
	"github.com/keyward-iam/keyward/service"
)

// keyList is one user's API keys with the forms that act on them, as the
// Team page shows a service user's and the Security page the member's
// own: its "api-keys" template (layout.html) posts to Path+"/keys" to
// create one and to Path+"/keys/{key_id}/revoke" to revoke one.
type keyList struct {
	Owner keyward.UserID
	Path  string
	Keys  []*keyward.APIKey
	// Listed, Create and Revoke are what the engine lets the member do
	// with Owner's keys (iam.apikey.List, Create, Delete).
	Listed, Create, Revoke bool
}

// loadKeys returns the keys of owner, with the forms at path, as the
// member of ctx may see them and act on them. The list holds the first
// keyward.MaxPerPage keys: a user's keys are few.
func (c *Console) loadKeys(ctx context.Context, owner keyward.UserID, path string) (keyList, error) {
	id := string(owner)
	l := keyList{Owner: owner, Path: path, Listed: c.allowed(ctx, "iam.apikey.List", id),
		Create: c.allowed(ctx, "iam.apikey.Create", id), Revoke: c.allowed(ctx, "iam.apikey.Delete", id)}
	var err error
	if l.Listed {
		l.Keys, _, err = c.svc.ListAPIKeys(ctx, owner, keyward.Page{Limit: keyward.MaxPerPage})
	}
	return l, err
}

// newKey is a key just created, with its secret, which the page that
// answers its creation shows once.
type newKey struct {
	Owner  string
	Secret string
}

// createKey creates an API key of owner from the "api-keys" form of r.
func (c *Console) createKey(ctx context.Context, r *http.Request, owner keyward.UserID) (string, error) {
	in, err := keyInput(r)
	if err != nil {
		return "", err
	}
	_, secret, err := c.svc.CreateAPIKey(ctx, owner, in)
	return secret, err
}

// keyInput reads the "api-keys" form: the key's name, the UTC day it
// expires at the start of (empty: never), and the inline policy that
// narrows it (empty: it may do all its owner may). The service checks the
// policy and the day, naming the field.
func keyInput(r *http.Request) (service.APIKeyInput, error) {
	in := service.APIKeyInput{Name: r.PostFormValue("name")}
	if day := strings.TrimSpace(r.PostFormValue("expires")); day != "" {
		t, err := time.Parse(time.DateOnly, day)
		if err != nil {
			return in, keyward.FieldError("expires_at", "The expiry %q is not a day (YYYY-MM-DD).", day)
		}
		in.ExpiresAt = &t
	}
	if doc := strings.TrimSpace(r.PostFormValue("policy")); doc != "" {
		in.Policy = json.RawMessage(doc)
	}
	return in, nil
}

// revokeKey revokes the path's API key of owner.
func (c *Console) revokeKey(ctx context.Context, r *http.Request, owner keyward.UserID) error {
	return c.svc.RevokeAPIKey(ctx, owner, keyward.APIKeyID(r.PathValue("key_id")))
}
