package console

import (
	"context"
	"net/http"
	"strings"

	"github.com/keyward-iam/keyward"
)

// identity is a user or group a form offers (a trust's trustee, a role
// assignment's holder), its value "user:<id>" or "group:<id>".
type identity struct {
	Value, Label string
}

// identities are the members and groups the member may list, for the
// forms that name one (the first page of each).
func (c *Console) identities(ctx context.Context) ([]identity, error) {
	var out []identity
	first := keyward.Page{Limit: keyward.MaxPerPage}
	if ok, err := c.svc.Allowed(ctx, "iam.user.List", "", ""); err != nil {
		return nil, err
	} else if ok {
		users, _, err := c.svc.ListUsers(ctx, keyward.UserFilter{Page: first})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			out = append(out, identity{"user:" + string(u.Account.ID), "User " + u.Account.Name + " (" + u.Account.Email + ")"})
		}
	}
	if ok, err := c.svc.Allowed(ctx, "iam.group.List", "", ""); err != nil {
		return nil, err
	} else if ok {
		groups, _, err := c.svc.ListGroups(ctx, false, first)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			out = append(out, identity{"group:" + string(g.ID), "Group " + g.Name})
		}
	}
	return out, nil
}

// identityOf reads the identity the form's field names: a user or a
// group, and its id.
func identityOf(r *http.Request, field string) (keyward.PrincipalType, string, error) {
	kind, id, _ := strings.Cut(r.PostFormValue(field), ":")
	switch kind {
	case "user":
		return keyward.PrincipalUser, id, nil
	case "group":
		return keyward.PrincipalGroup, id, nil
	}
	return "", "", keyward.FieldError(field, "Choose a user or a group.")
}
