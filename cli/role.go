package cli

import (
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
	return group(cmd, a.roleListCommand(), a.roleGetCommand(), a.roleCreateCommand(), a.roleUpdateCommand(),
		a.roleDeleteCommand(), a.roleRestoreCommand(),
		a.rolePoliciesCommand(), a.roleAttachPolicyCommand(), a.roleDetachPolicyCommand(),
		a.roleUsersCommand(), a.roleAttachUserCommand(), a.roleDetachUserCommand(),
		a.roleGroupsCommand(), a.roleAttachGroupCommand(), a.roleDetachGroupCommand())
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
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.Role], error) {
				params := &client.ListRolesParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				if typ != "" {
					params.RoleType = ptr(client.RoleType(typ))
				}
				if deleted {
					params.Deleted = ptr(true)
				}
				resp, err := c.ListRolesWithResponse(cmd.Context(), params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.Role]{}, err
				}
				raw, err := members(resp.Body, "roles")
				return page[client.Role]{resp.JSON200.Roles, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			a.noteMore(p.next)
			return a.printRoles(p.raw, p.items)
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "only roles of this type: assignable or assumable")
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted roles, which can be restored, instead")
	pf.add(cmd)
	return cmd
}

func (a *app) roleGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get ROLE_ID",
		Short: "Show a role with its policies",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetRoleWithResponse(cmd.Context(), id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			raw, err := member(resp.Body, "role")
			if err != nil {
				return err
			}
			return a.printRole(&resp.JSON200.Role, raw)
		},
	}
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

func (a *app) roleCreateCommand() *cobra.Command {
	var rf roleFlags
	cmd := &cobra.Command{
		Use:   "create --name NAME [--description TEXT] [--type TYPE] [--max-session-duration DURATION]",
		Short: "Create a role",
		Example: `  keyward role create --name deployer --description "Deploys the web tier"
  keyward role create --name break-glass --type assumable --max-session-duration 1h`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secs, err := rf.maxSessionSeconds()
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			req := client.RoleReq{Name: rf.name, Description: &rf.description, RoleType: &rf.typ, MaxSessionDuration: &secs}
			resp, err := c.CreateRoleWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printRole(resp.JSON201, resp.Body)
		},
	}
	rf.add(cmd, true)
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
			secs, err := rf.maxSessionSeconds()
			if err != nil {
				return err
			}
			c, err := a.client()
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
	return &cobra.Command{
		Use:   "delete ROLE_ID",
		Short: "Delete a role (it can be restored)",
		Long: `Delete a role. It stops granting at once. Its policies and assignments are
kept, so that "keyward role restore" brings it back as it was.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.DeleteRoleWithResponse(cmd.Context(), id)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Deleted role %s.", id)
			return nil
		},
	}
}

func (a *app) roleRestoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore ROLE_ID",
		Short: "Restore a deleted role with its policies and assignments",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.RestoreRoleWithResponse(cmd.Context(), id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printRole(resp.JSON200, resp.Body)
		},
	}
}

func (a *app) rolePoliciesCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "policies ROLE_ID",
		Short: "List the policies attached to a role",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.Policy], error) {
				params := &client.ListRolePoliciesParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				resp, err := c.ListRolePoliciesWithResponse(cmd.Context(), id, params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.Policy]{}, err
				}
				raw, err := members(resp.Body, "policies")
				return page[client.Policy]{resp.JSON200.Policies, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			a.noteMore(p.next)
			return a.printPolicies(p.raw, p.items)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) roleAttachPolicyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "attach-policy ROLE_ID POLICY_ID",
		Short: "Attach a policy to a role",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, pid, err := parseIDs("role", args[0], "policy", args[1])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.AttachRolePolicyWithResponse(cmd.Context(), id, pid)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			at := resp.JSON201
			return a.printObject(resp.Body, []field{
				{"role_id", at.RoleID.String()},
				{"role_type", string(at.RoleType)},
				{"policy_id", at.PolicyID.String()},
				{"policy_name", at.PolicyName},
				{"date_assigned", formatTime(at.DateAssigned)},
				{"assigned_by", deref(at.AssignedBy)},
			})
		},
	}
}

func (a *app) roleDetachPolicyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "detach-policy ROLE_ID POLICY_ID",
		Short: "Detach a policy from a role",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, pid, err := parseIDs("role", args[0], "policy", args[1])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.DetachRolePolicyWithResponse(cmd.Context(), id, pid)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Detached policy %s from role %s.", pid, id)
			return nil
		},
	}
}

func (a *app) roleUsersCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "users ROLE_ID",
		Short: "List the users a role is assigned to",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.RoleUserAssignment], error) {
				params := &client.ListRoleUsersParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				resp, err := c.ListRoleUsersWithResponse(cmd.Context(), id, params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.RoleUserAssignment]{}, err
				}
				raw, err := members(resp.Body, "assignments")
				return page[client.RoleUserAssignment]{resp.JSON200.Assignments, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			rows := make([][]string, len(p.items))
			for i, as := range p.items {
				rows[i] = []string{as.UserID.String(), as.RoleName, formatTime(as.DateAssigned)}
			}
			a.noteMore(p.next)
			return a.printList(p.raw, []string{"USER_ID", "ROLE", "ASSIGNED"}, rows)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) roleAttachUserCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "attach-user ROLE_ID USER_ID",
		Short: "Assign an assignable role to a user or service user",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, uid, err := a.clientForUser(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			resp, err := c.AttachRoleUserWithResponse(cmd.Context(), id, uid)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			as := resp.JSON201
			return a.printObject(resp.Body, []field{
				{"role_id", as.RoleID.String()},
				{"role_name", as.RoleName},
				{"role_type", string(as.RoleType)},
				{"user_id", as.UserID.String()},
				{"date_assigned", formatTime(as.DateAssigned)},
			})
		},
	}
}

func (a *app) roleDetachUserCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "detach-user ROLE_ID USER_ID",
		Short: "Unassign a role from a user",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, uid, err := a.clientForUser(cmd.Context(), args[1])
			if err != nil {
				return err
			}
			resp, err := c.DetachRoleUserWithResponse(cmd.Context(), id, uid)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Unassigned role %s from user %s.", id, uid)
			return nil
		},
	}
}

func (a *app) roleGroupsCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "groups ROLE_ID",
		Short: "List the groups a role is assigned to",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("role", args[0])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.RoleGroupAssignment], error) {
				params := &client.ListRoleGroupsParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				resp, err := c.ListRoleGroupsWithResponse(cmd.Context(), id, params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.RoleGroupAssignment]{}, err
				}
				raw, err := members(resp.Body, "assignments")
				return page[client.RoleGroupAssignment]{resp.JSON200.Assignments, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			rows := make([][]string, len(p.items))
			for i, as := range p.items {
				rows[i] = []string{as.GroupID.String(), as.GroupName, as.RoleName, formatTime(as.DateAssigned)}
			}
			a.noteMore(p.next)
			return a.printList(p.raw, []string{"GROUP_ID", "GROUP", "ROLE", "ASSIGNED"}, rows)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) roleAttachGroupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "attach-group ROLE_ID GROUP_ID",
		Short: "Assign an assignable role to a group",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, gid, err := parseIDs("role", args[0], "group", args[1])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.AttachRoleGroupWithResponse(cmd.Context(), id, gid)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			as := resp.JSON201
			return a.printObject(resp.Body, []field{
				{"role_id", as.RoleID.String()},
				{"role_name", as.RoleName},
				{"role_type", string(as.RoleType)},
				{"group_id", as.GroupID.String()},
				{"group_name", as.GroupName},
				{"date_assigned", formatTime(as.DateAssigned)},
			})
		},
	}
}

func (a *app) roleDetachGroupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "detach-group ROLE_ID GROUP_ID",
		Short: "Unassign a role from a group",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, gid, err := parseIDs("role", args[0], "group", args[1])
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.DetachRoleGroupWithResponse(cmd.Context(), id, gid)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Unassigned role %s from group %s.", id, gid)
			return nil
		},
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

// parseIDs parses two IDs of the things named.
func parseIDs(thing1, s1, thing2, s2 string) (id1, id2 uuid.UUID, err error) {
	if id1, err = parseID(thing1, s1); err != nil {
		return id1, id2, err
	}
	id2, err = parseID(thing2, s2)
	return id1, id2, err
}
