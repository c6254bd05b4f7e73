package console

import (
	"context"
	"strings"

	"github.com/keyward-iam/keyward"
)

// identityLabel names the user or group a row of a page holds (a role
// assignment's holder): "User <name> (<email>)" or "Group <name>" when
// the member may read it, its kind and id otherwise.
func (c *Console) identityLabel(ctx context.Context, kind keyward.PrincipalType, id string) string {
	switch kind {
	case keyward.PrincipalUser:
		if u, err := c.svc.GetUser(ctx, keyward.UserID(id)); err == nil {
			return "User " + accountLabel(u.Account)
		}
	case keyward.PrincipalGroup:
		if g, err := c.svc.GetGroup(ctx, keyward.GroupID(id)); err == nil {
			return "Group " + g.Name
		}
	}
	return string(kind) + " " + id
}

// identityOf reads value, the "user:<id>" or "group:<id>" of the form's
// field: a user or a group, and its id.
func identityOf(value, field string) (keyward.PrincipalType, string, error) {
	kind, id, _ := strings.Cut(value, ":")
	switch kind {
	case "user":
		return keyward.PrincipalUser, id, nil
	case "group":
		return keyward.PrincipalGroup, id, nil
	}
	return "", "", keyward.FieldError(field, "Choose a user or a group.")
}
