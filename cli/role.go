package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// roleCommand returns `keyward role` and its subcommands.
func (a *app) roleCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "role",
		Aliases: []string{"roles"},
		Short:   "Manage roles and what they are attached to",
		Long: `Manage the roles of your organization. A role bundles policies. An
assignable role is assigned to users, service users and groups, who hold its
policies while assigned; an assumable role is taken on through a trust, for
a session of at most its maximum session duration. A user argument takes a
user ID, or "me" for yourself.`,
	}
	cmd.AddCommand(a.linkCommands(a.roleLinks()...)...)
	return group(cmd, a.roleListCommand(), a.roleGetCommand(), a.roleCreateCommand(), a.roleUpdateCommand(),
		a.roleDeleteCommand(), a.roleRestoreCommand(), a.rolePoliciesCommand(), a.roleUsersCommand(), a.roleGroupsCommand())
}

func (a *app) roleListCommand() *cobra.Command {
	var typ string
	var deleted bool
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--type TYPE] [--deleted]",
		Short: "List roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Role], error) {
				params := &client.ListRolesParams{PerPage: perPage, Cursor: cursor}
				if typ != "" {
					params.RoleType = ptr(client.RoleType(typ))
				}
				if deleted {
					params.Deleted = ptr(true)
				}
				resp, err := c.ListRolesWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "roles", func() ([]client.Role, string) { return resp.JSON200.Roles, resp.JSON200.Meta.Links.Next })
			}, a.printRoles)
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "only roles of this type: assignable or assumable")
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted roles, which can be restored, instead")
	pf.add(cmd)
	return cmd
}

func (a *app) roleGetCommand() *cobra.Command {
	return a.idCommand("get ROLE_ID", "Show a role with its policies", "role", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetRoleWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "role", func(raw []byte) error {
			return a.printRole(&resp.JSON200.Role, raw)
		})
	})
}

// roleFlags are the flags of role create and update.
type roleFlags struct {
	name, description, typ string
	maxSession             time.Duration
}

func (f *roleFlags) add(cmd *cobra.Command, create bool) {
	def := " (default: unchanged)"
	if create {
		def = " (default assignable)"
	}
	cmd.Flags().StringVar(&f.name, "name", "", "the role's name, unique in the organization")
	cmd.Flags().StringVar(&f.description, "description", "", "what the role is for")
	cmd.Flags().StringVar(&f.typ, "type", "", "assignable or assumable"+def)
	if create {
		def = " (default 1h)"
	}
	cmd.Flags().DurationVar(&f.maxSession, "max-session-duration", 0,
		"the longest session of an assumable role, 15m to 12h, in whole seconds"+def)
}

// maxSessionSeconds returns --max-session-duration in seconds, 0 when not
// given.
func (f *roleFlags) maxSessionSeconds() (int, error) {
	if f.maxSession < 0 || f.maxSession%time.Second != 0 {
		return 0, fmt.Errorf("invalid --max-session-duration %s: want a positive whole number of seconds, e.g. 1h", f.maxSession)
	}
	return int(f.maxSession / time.Second), nil
}

// secondsAndClient returns maxSessionSeconds and a client of a, the flag
// first: a bad duration fails before the command asks for a login.
func (f *roleFlags) secondsAndClient(a *app) (int, *client.ClientWithResponses, error) {
	secs, err := f.maxSessionSeconds()
	if err != nil {
		return 0, nil, err
	}
	c, err := a.client()
	return secs, c, err
}

func (a *app) roleCreateCommand() *cobra.Command {
	var rf roleFlags
	var grid []string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--description TEXT] [--type TYPE] [--max-session-duration DURATION] [--grid GROUP=LEVELS]...",
		Short: "Create a role",
		Example: `  keyward role create --name deployer --description "Deploys the web tier"
  keyward role create --name break-glass --type assumable --max-session-duration 1h
  keyward role create --name support --grid compute_instances=view,manage --grid billing=view`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secs, c, err := rf.secondsAndClient(a)
			if err != nil {
				return err
			}
			req := client.RoleReq{Name: rf.name, Description: &rf.description, RoleType: &rf.typ, MaxSessionDuration: &secs}
			if len(grid) > 0 {
				g, err := parseGrid(grid)
				if err != nil {
					return err
				}
				req.Grid = &g
			}
			resp, err := c.CreateRoleWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printRole(resp.JSON201, resp.Body)
		},
	}
	rf.add(cmd, true)
	cmd.Flags().StringArrayVar(&grid, "grid", nil, "define the role by the permission grid: "+gridUsage)
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) roleUpdateCommand() *cobra.Command {
	var rf roleFlags
	cmd := &cobra.Command{
		Use:   "update ROLE_ID [--name NAME] [--description TEXT] [--type TYPE] [--max-session-duration DURATION]",
		Short: "Change a role, or convert it between assignable and assumable",
		Long: `Change a role. Only the flags given change anything: the API replaces the
name and description, so the command reads the role first and sends the
current values of those you leave out.

--type converts the role. Converting an assignable role to assumable is
refused while it is assigned to users or groups: unassign them first.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			if !f.Changed("name") && !f.Changed("description") && !f.Changed("type") && !f.Changed("max-session-duration") {
				return errors.New("nothing to change: pass --name, --description, --type or --max-session-duration")
			}
			secs, c, err := rf.secondsAndClient(a)
			if err != nil {
				return err
			}
			cur, err := c.GetRoleWithResponse(cmd.Context(), id)
			if err := check(cur, err, http.StatusOK); err != nil {
				return err
			}
			// "" and 0 keep the current type and duration.
			req := client.RoleReq{Name: cur.JSON200.Role.Name, Description: &cur.JSON200.Role.Description,
				RoleType: &rf.typ, MaxSessionDuration: &secs}
			if f.Changed("name") {
				req.Name = rf.name
			}
			if f.Changed("description") {
				req.Description = &rf.description
			}
			resp, err := c.UpdateRoleWithResponse(cmd.Context(), id, req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printRole(resp.JSON200, resp.Body)
		},
	}
	rf.add(cmd, false)
	return cmd
}

func (a *app) roleDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete ROLE_ID", short: "Delete a role (it can be restored)",
		long: `Delete a role. It stops granting at once. Its policies and assignments are
kept, so that "keyward role restore" brings it back as it was.`,
		thing: "role", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteRoleWithResponse(ctx, id)
		}, done: "Deleted role %s."})
}

func (a *app) roleRestoreCommand() *cobra.Command {
	return restoreCommand(a, "role", "Restore a deleted role with its policies and assignments",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.RestoreRoleResponse, error) {
			return c.RestoreRoleWithResponse(ctx, id)
		}, func(resp *client.RestoreRoleResponse) error { return a.printRole(resp.JSON200, resp.Body) })
}

func (a *app) rolePoliciesCommand() *cobra.Command {
	return listInCommand(a, "policies ROLE_ID", "List the policies attached to a role", "role",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.Policy], error) {
			resp, err := c.ListRolePoliciesWithResponse(ctx, id, &client.ListRolePoliciesParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "policies", func() ([]client.Policy, string) { return resp.JSON200.Policies, resp.JSON200.Meta.Links.Next })
		}, a.printPolicies)
}

func (a *app) roleUsersCommand() *cobra.Command {
	return listInCommand(a, "users ROLE_ID", "List the users a role is assigned to", "role",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.RoleUserAssignment], error) {
			resp, err := c.ListRoleUsersWithResponse(ctx, id, &client.ListRoleUsersParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "assignments", func() ([]client.RoleUserAssignment, string) {
				return resp.JSON200.Assignments, resp.JSON200.Meta.Links.Next
			})
		}, func(raw []json.RawMessage, as []client.RoleUserAssignment) error {
			rows := make([][]string, len(as))
			for i, x := range as {
				rows[i] = []string{x.UserID.String(), x.RoleName, formatTime(x.DateAssigned)}
			}
			return a.printList(raw, []string{"USER_ID", "ROLE", "ASSIGNED"}, rows)
		})
}

func (a *app) roleGroupsCommand() *cobra.Command {
	return listInCommand(a, "groups ROLE_ID", "List the groups a role is assigned to", "role",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[client.RoleGroupAssignment], error) {
			resp, err := c.ListRoleGroupsWithResponse(ctx, id, &client.ListRoleGroupsParams{PerPage: perPage, Cursor: cursor})
			return checkedPage(resp, err, "assignments", func() ([]client.RoleGroupAssignment, string) {
				return resp.JSON200.Assignments, resp.JSON200.Meta.Links.Next
			})
		}, func(raw []json.RawMessage, as []client.RoleGroupAssignment) error {
			rows := make([][]string, len(as))
			for i, x := range as {
				rows[i] = []string{x.GroupID.String(), x.GroupName, x.RoleName, formatTime(x.DateAssigned)}
			}
			return a.printList(raw, []string{"GROUP_ID", "GROUP", "ROLE", "ASSIGNED"}, rows)
		})
}

// roleLinks are the commands that attach a policy to a role, assign a role
// to a user or group, and undo that.
func (a *app) roleLinks() []link {
	return []link{
		{use: "attach-policy ROLE_ID POLICY_ID", short: "Attach a policy to a role", thing: "role", target: "policy",
			call: linkCall((*client.ClientWithResponses).AttachRolePolicyWithResponse), fields: func(r response) []field {
				at := r.(*client.AttachRolePolicyResponse).JSON201
				return []field{
					{"role_id", at.RoleID.String()},
					{"role_type", string(at.RoleType)},
					{"policy_id", at.PolicyID.String()},
					{"policy_name", at.PolicyName},
					{"date_assigned", formatTime(at.DateAssigned)},
					{"assigned_by", deref(at.AssignedBy)},
				}
			}},
		{use: "detach-policy ROLE_ID POLICY_ID", short: "Detach a policy from a role", thing: "role", target: "policy",
			call: linkCall((*client.ClientWithResponses).DetachRolePolicyWithResponse), done: "Detached policy %[2]s from role %[1]s."},
		{use: "attach-user ROLE_ID USER_ID", short: "Assign an assignable role to a user or service user", thing: "role", target: "user",
			call: linkCall((*client.ClientWithResponses).AttachRoleUserWithResponse), fields: func(r response) []field {
				as := r.(*client.AttachRoleUserResponse).JSON201
				return []field{
					{"role_id", as.RoleID.String()},
					{"role_name", as.RoleName},
					{"role_type", string(as.RoleType)},
					{"user_id", as.UserID.String()},
					{"date_assigned", formatTime(as.DateAssigned)},
				}
			}},
		{use: "detach-user ROLE_ID USER_ID", short: "Unassign a role from a user", thing: "role", target: "user",
			call: linkCall((*client.ClientWithResponses).DetachRoleUserWithResponse), done: "Unassigned role %s from user %s."},
		{use: "attach-group ROLE_ID GROUP_ID", short: "Assign an assignable role to a group", thing: "role", target: "group",
			call: linkCall((*client.ClientWithResponses).AttachRoleGroupWithResponse), fields: func(r response) []field {
				as := r.(*client.AttachRoleGroupResponse).JSON201
				return []field{
					{"role_id", as.RoleID.String()},
					{"role_name", as.RoleName},
					{"role_type", string(as.RoleType)},
					{"group_id", as.GroupID.String()},
					{"group_name", as.GroupName},
					{"date_assigned", formatTime(as.DateAssigned)},
				}
			}},
		{use: "detach-group ROLE_ID GROUP_ID", short: "Unassign a role from a group", thing: "role", target: "group",
			call: linkCall((*client.ClientWithResponses).DetachRoleGroupWithResponse), done: "Unassigned role %s from group %s."},
	}
}

// printRole prints a role; raw is the bare object as sent.
func (a *app) printRole(r *client.Role, raw []byte) error {
	var policies []string
	if r.Policies != nil {
		for _, p := range *r.Policies {
			policies = append(policies, p.Name)
		}
	}
	return a.printObject(raw, []field{
		{"id", r.ID.String()},
		{"name", r.Name},
		{"description", r.Description},
		{"role_type", string(r.RoleType)},
		{"max_session_duration", strconv.Itoa(r.MaxSessionDuration)},
		{"policies", strings.Join(policies, ",")},
		{"date_created", formatTime(r.DateCreated)},
		{"date_deleted", deref(r.DateDeleted)},
	})
}

// printRoles prints a list of roles.
func (a *app) printRoles(raw []json.RawMessage, roles []client.Role) error {
	rows := make([][]string, len(roles))
	for i, r := range roles {
		rows[i] = []string{r.ID.String(), r.Name, string(r.RoleType), strconv.Itoa(r.MaxSessionDuration), formatTime(r.DateCreated)}
	}
	return a.printList(raw, []string{"ID", "NAME", "TYPE", "MAX_SESSION", "CREATED"}, rows)
}
