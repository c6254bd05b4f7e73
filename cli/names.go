package cli

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/keyward-iam/keyward/api/client"
)

// named is an object as a name finds it: its ID and the names it answers
// to (a user's email and name; another object's name).
type named struct {
	id    uuid.UUID
	names []string
}

// nameLists lists, for each kind of thing that may be named instead of
// given by ID, every object of the kind in the caller's organization.
var nameLists = map[string]func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error){
	"user": func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error) {
		resp, err := c.ListUsersWithResponse(ctx, &client.ListUsersParams{PerPage: ptr(500), Cursor: cursor})
		return namedPage(resp, err, func() ([]client.User, string) { return resp.JSON200.Users, resp.JSON200.Meta.Links.Next },
			func(u client.User) named { return named{u.ID, []string{u.Email, u.Name}} })
	},
	"group": func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error) {
		resp, err := c.ListGroupsWithResponse(ctx, &client.ListGroupsParams{PerPage: ptr(500), Cursor: cursor})
		return namedPage(resp, err, func() ([]client.Group, string) { return resp.JSON200.Groups, resp.JSON200.Meta.Links.Next },
			func(g client.Group) named { return named{g.ID, []string{g.DisplayName}} })
	},
	"role": func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error) {
		resp, err := c.ListRolesWithResponse(ctx, &client.ListRolesParams{PerPage: ptr(500), Cursor: cursor})
		return namedPage(resp, err, func() ([]client.Role, string) { return resp.JSON200.Roles, resp.JSON200.Meta.Links.Next },
			func(r client.Role) named { return named{r.ID, []string{r.Name}} })
	},
	"policy": func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error) {
		resp, err := c.ListPoliciesWithResponse(ctx, &client.ListPoliciesParams{PerPage: ptr(500), Cursor: cursor})
		return namedPage(resp, err, func() ([]client.Policy, string) { return resp.JSON200.Policies, resp.JSON200.Meta.Links.Next },
			func(p client.Policy) named { return named{p.ID, []string{p.Name}} })
	},
	"project": func(ctx context.Context, c *client.ClientWithResponses, cursor *string) (page[named], error) {
		resp, err := c.ListProjectsWithResponse(ctx, &client.ListProjectsParams{PerPage: ptr(500), Cursor: cursor})
		return namedPage(resp, err, func() ([]client.Project, string) { return resp.JSON200.Projects, resp.JSON200.Meta.Links.Next },
			func(p client.Project) named { return named{p.ID, []string{p.Name}} })
	},
}

// namedPage checks the answer r, err of a list call for a 200, as check
// does, and returns its page of named: the items and next cursor that
// list reads from the decoded answer, each named by name.
func namedPage[T any](r response, err error, list func() (items []T, next string), name func(T) named) (page[named], error) {
	if err := check(r, err, http.StatusOK); err != nil {
		return page[named]{}, err
	}
	items, next := list()
	out := page[named]{next: next}
	for _, x := range items {
		out.items = append(out.items, name(x))
	}
	return out, nil
}

// idOf returns the ID of the thing s names: s itself if it is a UUID; for
// a user, "me" (the caller, one request); for a kind in nameLists, the one
// object of the organization whose name (a user's email or name) is s,
// ignoring case. No match, or several, is an error naming the candidates
// and their IDs, so the person can pick one.
func (a *app) idOf(ctx context.Context, c *client.ClientWithResponses, thing, s string) (uuid.UUID, error) {
	if id, err := uuid.Parse(s); err == nil {
		return id, nil
	}
	if thing == "user" && s == "me" {
		resp, err := c.GetCurrentUserWithResponse(ctx)
		if err := check(resp, err, http.StatusOK); err != nil {
			return uuid.UUID{}, err
		}
		return resp.JSON200.User.ID, nil
	}
	if _, ok := nameLists[thing]; !ok {
		return parseID(thing, s)
	}
	found, err := namedAs(ctx, c, thing, s)
	if err != nil {
		return uuid.UUID{}, err
	}
	switch len(found) {
	case 1:
		return found[0].id, nil
	case 0:
		return uuid.UUID{}, fmt.Errorf("no %s is named %q (give its name or ID)", thing, s)
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = n.id.String()
	}
	return uuid.UUID{}, fmt.Errorf("%d %ss are named %q: give the ID of one of %s", len(found), thing, s, strings.Join(ids, ", "))
}

// namedAs returns the objects of kind thing (a key of nameLists) one of
// whose names is s, ignoring case.
func namedAs(ctx context.Context, c *client.ClientWithResponses, thing, s string) ([]named, error) {
	all, err := fetch("", true, func(cursor string) (page[named], error) {
		var cur *string
		if cursor != "" {
			cur = &cursor
		}
		return nameLists[thing](ctx, c, cur)
	})
	if err != nil {
		return nil, err
	}
	var found []named
	for _, n := range all.items {
		for _, name := range n.names {
			if name != "" && strings.EqualFold(name, s) {
				found = append(found, n)
				break
			}
		}
	}
	return found, nil
}

// nameInUse returns the IDs of the objects of kind thing already named
// name ("" for none), so that a command about to make another can warn
// once it is made (warnNameInUse): the name then no longer picks one of
// them out (idOf asks for an ID). A failed lookup returns none; it must
// not stop the command.
func nameInUse(ctx context.Context, c *client.ClientWithResponses, thing, name string) []string {
	if name == "" {
		return nil
	}
	found, err := namedAs(ctx, c, thing, name)
	if err != nil {
		return nil
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = n.id.String()
	}
	return ids
}

// warnNameInUse warns, on stderr, that the object of kind thing just made
// shares its name with the objects others (nameInUse's answer).
func (a *app) warnNameInUse(thing, name string, others []string) {
	if len(others) > 0 {
		fmt.Fprintf(a.stderr, "warning: another %s is also named %q (%s): refer to them by ID\n", thing, name, strings.Join(others, ", "))
	}
}
