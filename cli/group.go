package cli

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// groupCommand returns `keyward group` and its subcommands.
func (a *app) groupCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "group",
		Aliases: []string{"groups"},
		Short:   "Manage groups, their members, policies and roles",
		Long: `Manage the groups of your organization. Members of a group hold the
policies attached to it and the roles assigned to it for as long as they are
members. A user argument takes a user ID, or "me" for yourself.`,
	}
	cmd.AddCommand(a.linkCommands(groupLinks...)...)
	return group(cmd, a.groupListCommand(), a.groupGetCommand(), a.groupCreateCommand(), a.groupUpdateCommand(),
		a.groupDeleteCommand(), a.groupRestoreCommand(), a.groupMembersCommand(), a.groupPoliciesCommand(), a.groupRolesCommand())
}

func (a *app) groupListCommand() *cobra.Command {
	var deleted bool
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--deleted]",
		Short: "List groups",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Group], error) {
				params := &client.ListGroupsParams{PerPage: perPage, Cursor: cursor}
				if deleted {
					params.Deleted = ptr(true)
				}
				resp, err := c.ListGroupsWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "groups", func() ([]client.Group, string) { return resp.JSON200.Groups, resp.JSON200.Meta.Links.Next })
			}, a.printGroups)
		},
	}
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted groups, which can be restored, instead")
	pf.add(cmd)
	return cmd
}

func (a *app) groupGetCommand() *cobra.Command {
	return a.idCommand("get GROUP_ID", "Show a group", "group", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetGroupWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "group", func(raw []byte) error {
			return a.printGroup(&resp.JSON200.Group, raw)
		})
	})
}

func (a *app) groupCreateCommand() *cobra.Command {
	var name, description string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--description TEXT]",
		Short: "Create a group",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateGroupWithResponse(cmd.Context(), client.GroupReq{DisplayName: name, Description: &description})
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printGroup(resp.JSON201, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the group's name, unique in the organization (required)")
	cmd.Flags().StringVar(&description, "description", "", "what the group is for")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) groupUpdateCommand() *cobra.Command {
	var name, description string
	cmd := &cobra.Command{
		Use:   "update GROUP_ID [--name NAME] [--description TEXT]",
		Short: "Rename a group or change its description",
		Long: `Rename a group or change its description. The API replaces both, so the
command reads the group first and sends the current value of the flag you
leave out. --description "" clears the description.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("group", args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if !f.Changed("name") && !f.Changed("description") {
				return errors.New("nothing to change: pass --name or --description")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			cur, err := c.GetGroupWithResponse(cmd.Context(), id)
			if err := check(cur, err, http.StatusOK); err != nil {
				return err
			}
			req := client.GroupReq{DisplayName: cur.JSON200.Group.DisplayName, Description: &cur.JSON200.Group.Description}
			if f.Changed("name") {
				req.DisplayName = name
			}
			if f.Changed("description") {
				req.Description = &description
			}
			resp, err := c.UpdateGroupWithResponse(cmd.Context(), id, req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printGroup(resp.JSON200, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new name")
	cmd.Flags().StringVar(&description, "description", "", "the new description")
	return cmd
}

func (a *app) groupDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete GROUP_ID", short: "Delete a group (it can be restored)",
		long: `Delete a group. Its members lose what they held through it at once; their
own grants stay. Its name is free for a new group. Its members, policies,
role assignments and trusts are kept, so that "keyward group restore" brings
it back as it was.`,
		thing: "group", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteGroupWithResponse(ctx, id)
		}, done: "Deleted group %s."})
}

func (a *app) groupRestoreCommand() *cobra.Command {
	return restoreCommand(a, "group", "Restore a deleted group with its members, policies and roles",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.RestoreGroupResponse, error) {
			return c.RestoreGroupWithResponse(ctx, id)
		}, func(resp *client.RestoreGroupResponse) error { return a.printGroup(resp.JSON200, resp.Body) })
}

func (a *app) groupMembersCommand() *cobra.Command {
	return listInCommand(a, "members GROUP_ID", "List a group's members", "group",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.OrganizationUser], error) {
			resp, err := c.ListGroupMembersWithResponse(ctx, id, &client.ListGroupMembersParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "members", func() ([]client.OrganizationUser, string) { return resp.JSON200.Members, resp.JSON200.Meta.Links.Next })
		}, func(raw []json.RawMessage, users []client.OrganizationUser) error {
			return a.printOrgUsers(raw, users, "ADDED")
		})
}

func (a *app) groupPoliciesCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "policies GROUP_ID",
		Short: "List the policies a group's members get through it",
		Long: `List the policies a group's members get through it: attached to the group
(VIA direct) or to a role assigned to it (VIA role:<role ID>). In JSON, the
API's object of lists: direct, from_roles and all.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "group", args[0])
			if err != nil {
				return err
			}
			return listSets(a, &pf, func(perPage *int, cursor *string) (sets[client.Policy], error) {
				params := &client.ListGroupPoliciesParams{PerPage: perPage, Cursor: cursor}
				resp, err := c.ListGroupPoliciesWithResponse(cmd.Context(), id, params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return sets[client.Policy]{}, err
				}
				ps := resp.JSON200.Policies
				lists := map[string][]client.Policy{"all": ps.All, "direct": ps.Direct, "from_roles": ps.FromRoles}
				return newSets(resp.Body, "policies", lists, resp.JSON200.Meta.Links.Next)
			}, a.printPolicySets)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) groupRolesCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "roles GROUP_ID",
		Short: "List the roles assigned to a group",
		Long: `List the roles assigned to a group. In JSON, the API's object of lists:
direct, inherited and all.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "group", args[0])
			if err != nil {
				return err
			}
			return listSets(a, &pf, func(perPage *int, cursor *string) (sets[client.GroupRole], error) {
				params := &client.ListGroupRolesParams{PerPage: perPage, Cursor: cursor}
				resp, err := c.ListGroupRolesWithResponse(cmd.Context(), id, params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return sets[client.GroupRole]{}, err
				}
				rs := resp.JSON200.Roles
				lists := map[string][]client.GroupRole{"all": rs.All, "direct": rs.Direct, "inherited": rs.Inherited}
				return newSets(resp.Body, "roles", lists, resp.JSON200.Meta.Links.Next)
			}, func(v sets[client.GroupRole]) error {
				via := v.via(func(r client.GroupRole) string { return r.ID.String() }, func(list string, _ client.GroupRole) string {
					return list
				})
				rows := make([][]string, len(v.lists["all"]))
				for i, r := range v.lists["all"] {
					rows[i] = []string{r.ID.String(), r.DisplayName, string(r.RoleType), via[r.ID.String()], formatTime(r.DateAssigned)}
				}
				return a.printSets(v.raw, []string{"ID", "NAME", "TYPE", "VIA", "ASSIGNED"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}

// groupLinks are the commands that add a member to a group and remove it.
var groupLinks = []link{
	{use: "add-member GROUP_ID USER_ID", short: "Add a user or service user to a group", thing: "group", target: "user",
		call: func(ctx context.Context, c *client.ClientWithResponses, id, uid uuid.UUID) (response, error) {
			return c.AddGroupMemberWithResponse(ctx, id, client.GroupMemberReq{UserID: uid})
		}, done: "Added user %[2]s to group %[1]s."},
	{use: "remove-member GROUP_ID USER_ID", short: "Remove a member from a group",
		long: `Remove a member from a group. The user loses what it held through the group
at once; its own grants stay.`,
		thing: "group", target: "user",
		call: linkCall((*client.ClientWithResponses).RemoveGroupMemberWithResponse), done: "Removed user %[2]s from group %[1]s."},
}

// printGroup prints a group; raw is the bare object as sent.
func (a *app) printGroup(g *client.Group, raw []byte) error {
	count := ""
	switch {
	case g.MemberCount != nil:
		count = strconv.Itoa(*g.MemberCount)
	case g.Members != nil:
		count = strconv.Itoa(len(*g.Members))
	}
	return a.printObject(raw, []field{
		{"id", g.ID.String()},
		{"display_name", g.DisplayName},
		{"description", g.Description},
		{"members", count},
		{"date_created", formatTime(g.DateCreated)},
		{"date_deleted", deref(g.DateDeleted)},
	})
}

// printGroups prints a list of groups.
func (a *app) printGroups(raw []json.RawMessage, groups []client.Group) error {
	rows := make([][]string, len(groups))
	for i, g := range groups {
		rows[i] = []string{g.ID.String(), g.DisplayName, g.Description, formatTime(g.DateCreated)}
	}
	return a.printList(raw, []string{"ID", "NAME", "DESCRIPTION", "CREATED"}, rows)
}

// printOrgUsers prints a list of users as Vultr's organization endpoints
// show them; the last column, headed since, is their assigned_date.
func (a *app) printOrgUsers(raw []json.RawMessage, users []client.OrganizationUser, since string) error {
	rows := make([][]string, len(users))
	for i, u := range users {
		rows[i] = []string{u.ID.String(), u.Email, u.Name, deref(u.AssignedDate)}
	}
	return a.printList(raw, []string{"ID", "EMAIL", "NAME", since}, rows)
}

// deref returns *p, or the zero value ("", the zero time) for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
