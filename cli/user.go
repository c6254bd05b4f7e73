package cli

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// userCommand returns `keyward user` and its subcommands.
func (a *app) userCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "user",
		Aliases: []string{"users"},
		Short:   "Manage the users of your organization",
		Long: `Manage the users of the organization your API key belongs to: human
members and service users (API-only identities). Passwords are read from
standard input with --password-stdin, never from a flag.`,
	}
	return group(cmd, a.userListCommand(), a.userGetCommand(), a.userMeCommand("me"), a.userCreateCommand(),
		a.userUpdateCommand(), a.userDeleteCommand(), a.userGroupsCommand(), a.userRolesCommand(), a.userPoliciesCommand(), a.userAccessCommand(),
		a.userUnlockCommand(), a.userResetMFACommand(), a.userTagCommand(), a.userUntagCommand(), a.userTagsCommand())
}

// whoamiCommand returns `keyward whoami`, the same as `keyward user me`.
func (a *app) whoamiCommand() *cobra.Command {
	return a.userMeCommand("whoami")
}

func (a *app) userListCommand() *cobra.Command {
	var kind, status, email string
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--kind KIND] [--status STATUS] [--email EMAIL]",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.User], error) {
				params := &client.ListUsersParams{PerPage: perPage, Cursor: cursor}
				if kind != "" {
					params.Kind = ptr(client.UserKind(kind))
				}
				if status != "" {
					params.Status = ptr(client.UserStatus(status))
				}
				if email != "" {
					params.Email = &email
				}
				resp, err := c.ListUsersWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "users", func() ([]client.User, string) { return resp.JSON200.Users, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, users []client.User) error {
				rows := make([][]string, len(users))
				for i, u := range users {
					rows[i] = []string{u.ID.String(), u.Email, u.Name, string(u.Kind), string(u.Status),
						yesNo(u.APIEnabled), formatTime(u.DateCreated)}
				}
				return a.printList(raw, []string{"ID", "EMAIL", "NAME", "KIND", "STATUS", "API", "CREATED"}, rows)
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "", "only users of this kind: root_owner, normal or service")
	cmd.Flags().StringVar(&status, "status", "", "only users in this state: active or suspended")
	cmd.Flags().StringVar(&email, "email", "", "only the user with this email")
	pf.add(cmd)
	return cmd
}

func (a *app) userGetCommand() *cobra.Command {
	return a.idCommand("get USER_ID", "Show a user", "user", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetUserWithResponse(ctx, id)
		if err := check(resp, err, http.StatusOK); err != nil {
			return err
		}
		return a.printUser(&resp.JSON200.User, resp.Body)
	})
}

// userMeCommand returns a command, named use, that shows the caller.
func (a *app) userMeCommand(use string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: "Show the user your API key belongs to",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetCurrentUserWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printUser(&resp.JSON200.User, resp.Body)
		},
	}
}

func (a *app) userCreateCommand() *cobra.Command {
	var email, name string
	var acls []string
	var apiEnabled, service, passwordStdin bool
	cmd := &cobra.Command{
		Use:   "create --email EMAIL [--name NAME] [--password-stdin] [--api-enabled[=BOOL]] [--acl ACL ...] | create --service --name NAME",
		Short: "Add a user or a service user to your organization",
		Long: `Add a user to your organization. A human user needs --email (its name
defaults to the part before the @); a service user (--service) is API-only,
needs --name and no email, and cannot have a password.

API access (--api-enabled) defaults to on for a service user and off for a
human. When it is on, an API key is minted for the new user and its secret
is shown once.`,
		Example: `  printf '%s' "$PASSWORD" | keyward user create --email ada@example.com --name "Ada Lovelace" --password-stdin
  keyward user create --service --name deployer --api-enabled`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var req client.UserReq
			if name != "" {
				req.Name = &name
			}
			if email != "" {
				req.Email = &email
			}
			if passwordStdin {
				pw, err := readPassword(a.stdin)
				if err != nil {
					return err
				}
				req.Password = &pw
			}
			if cmd.Flags().Changed("api-enabled") {
				req.APIEnabled = &apiEnabled
			}
			if service {
				req.ServiceUser = ptr(true)
			}
			if len(acls) > 0 {
				req.ACLs = &acls
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			others := nameInUse(cmd.Context(), c, "user", name)
			resp, err := c.CreateUserWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			if err := a.printUser(&resp.JSON201.User, resp.Body); err != nil {
				return err
			}
			if resp.JSON201.User.APIKey != nil {
				a.noteSecret()
			}
			a.warnNameInUse("user", name, others)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the user's name (required for a service user)")
	f.StringVar(&email, "email", "", "the user's email (required for a human user)")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read the user's password from standard input")
	f.BoolVar(&apiEnabled, "api-enabled", false, "allow API access and mint a first API key (default: on for a service user)")
	f.BoolVar(&service, "service", false, "create a service user (API-only, no password)")
	f.StringSliceVar(&acls, "acl", nil, "a legacy Vultr ACL name; repeat or separate with commas")
	cmd.MarkFlagsMutuallyExclusive("service", "password-stdin")
	return cmd
}

func (a *app) userUpdateCommand() *cobra.Command {
	var email, name string
	var acls []string
	var apiEnabled, passwordStdin bool
	cmd := &cobra.Command{
		Use:   "update USER_ID [--name NAME] [--email EMAIL] [--api-enabled=BOOL] [--acl ACL ...] [--password-stdin]",
		Short: "Change a user",
		Long: `Change a user. Only the flags given change anything. --acl replaces the list
of ACLs (--acl "" clears it); --password-stdin sets a new password.`,
		Example: `  keyward user update 0192f4a0-7c1e-7b3a-9f10-2d4c5e6f7a81 --name "Ada King" --api-enabled=false`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("user", args[0])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			var req client.UserReq
			if f.Changed("name") {
				req.Name = &name
			}
			if f.Changed("email") {
				req.Email = &email
			}
			if f.Changed("api-enabled") {
				req.APIEnabled = &apiEnabled
			}
			if f.Changed("acl") {
				acls = nonEmpty(acls)
				req.ACLs = &acls
			}
			if passwordStdin {
				pw, err := readPassword(a.stdin)
				if err != nil {
					return err
				}
				req.Password = &pw
			}
			if req == (client.UserReq{}) {
				return errors.New("nothing to change: pass --name, --email, --api-enabled, --acl or --password-stdin")
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.UpdateUserWithResponse(cmd.Context(), id, req)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Updated user %s.", id)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the new name")
	f.StringVar(&email, "email", "", "the new email")
	f.BoolVar(&apiEnabled, "api-enabled", false, "allow (true) or forbid (false) API access")
	f.StringSliceVar(&acls, "acl", nil, "the legacy Vultr ACL names, replacing the current ones")
	f.BoolVar(&passwordStdin, "password-stdin", false, "read a new password from standard input")
	return cmd
}

func (a *app) userDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete USER_ID", short: "Remove a user from your organization",
		long: `Remove a user from your organization, with all its API keys there. The
account and its other memberships stay.`,
		thing: "user", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteUserWithResponse(ctx, id)
		}, done: "Removed user %s."})
}

// printUser prints a user; body is the response, {"user": {...}}.
func (a *app) printUser(u *client.User, body []byte) error {
	raw, err := member(body, "user")
	if err != nil {
		return err
	}
	fields := []field{
		{"id", u.ID.String()},
		{"name", u.Name},
		{"email", u.Email},
		{"kind", string(u.Kind)},
		{"status", string(u.Status)},
		{"api_enabled", yesNo(u.APIEnabled)},
		{"acls", strings.Join(u.ACLs, ",")},
		{"service_user", yesNo(u.ServiceUser)},
		{"has_password", yesNo(u.HasPassword)},
		{"date_created", formatTime(u.DateCreated)},
		{"date_updated", formatTime(u.DateUpdated)},
		{"date_suspended", u.DateSuspended},
	}
	if u.APIKey != nil {
		fields = append(fields, field{"api_key", *u.APIKey})
	}
	return a.printObject(raw, fields)
}

// nonEmpty returns s without empty strings, and never nil, so that
// `--acl ""` sends [] (clear) rather than [""].
func nonEmpty(s []string) []string {
	out := []string{}
	for _, v := range s {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// userGroupsCommand returns `keyward user groups`.
func (a *app) userGroupsCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "groups USER_ID|me",
		Short: "List the groups a user is a member of",
		Args:  exactArgs(1),
		RunE: a.viewRunE(func(cmd *cobra.Command, c *client.ClientWithResponses, uid *uuid.UUID) error {
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Group], error) {
				body, list, err := meOrUser[client.GroupList](uid, func() (response, error) {
					return c.ListCurrentUserGroupsWithResponse(cmd.Context(), &client.ListCurrentUserGroupsParams{PerPage: perPage, Cursor: cursor})
				}, func(id uuid.UUID) (response, error) {
					return c.ListUserGroupsWithResponse(cmd.Context(), id, &client.ListUserGroupsParams{PerPage: perPage, Cursor: cursor})
				})
				if err != nil {
					return page[client.Group]{}, err
				}
				return newPage(body, "groups", list.Groups, list.Meta.Links.Next)
			}, a.printGroups)
		}),
	}
	pf.add(cmd)
	return cmd
}

// userRolesCommand returns `keyward user roles`.
func (a *app) userRolesCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "roles USER_ID|me",
		Short: "List a user's roles, assigned directly or through groups",
		Long: `List a user's roles: assigned to the user (VIA direct) or to a group the
user is a member of (VIA group:<name>). In JSON, the API's object of lists:
direct, inherited and all.`,
		Args: exactArgs(1),
		RunE: a.viewRunE(func(cmd *cobra.Command, c *client.ClientWithResponses, uid *uuid.UUID) error {
			return listSets(a, &pf, func(perPage *int, cursor *string) (sets[client.Role], error) {
				body, list, err := meOrUser[client.UserRoleList](uid, func() (response, error) {
					return c.ListCurrentUserRolesWithResponse(cmd.Context(), &client.ListCurrentUserRolesParams{PerPage: perPage, Cursor: cursor})
				}, func(id uuid.UUID) (response, error) {
					return c.ListUserRolesWithResponse(cmd.Context(), id, &client.ListUserRolesParams{PerPage: perPage, Cursor: cursor})
				})
				if err != nil {
					return sets[client.Role]{}, err
				}
				rs := list.Roles
				lists := map[string][]client.Role{"all": rs.All, "direct": rs.Direct, "inherited": rs.Inherited}
				return newSets(body, "roles", lists, list.Meta.Links.Next)
			}, func(v sets[client.Role]) error {
				via := v.via(func(r client.Role) string { return r.ID.String() }, func(list string, r client.Role) string {
					return orElse(deref(r.Source), list)
				})
				rows := make([][]string, len(v.lists["all"]))
				for i, r := range v.lists["all"] {
					rows[i] = []string{r.ID.String(), r.Name, string(r.RoleType), via[r.ID.String()]}
				}
				return a.printSets(v.raw, []string{"ID", "NAME", "TYPE", "VIA"}, rows)
			})
		}),
	}
	pf.add(cmd)
	return cmd
}

// userPoliciesCommand returns `keyward user policies`.
func (a *app) userPoliciesCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "policies USER_ID|me",
		Short: "List a user's policies, attached directly or inherited",
		Long: `List the policies that apply to a user: attached to the user (VIA direct) or
inherited through a group, a role, or a group's role (VIA names the path,
e.g. "group:ops → role:deployer"). In JSON, the API's object of lists:
direct, inherited and all.`,
		Args: exactArgs(1),
		RunE: a.viewRunE(func(cmd *cobra.Command, c *client.ClientWithResponses, uid *uuid.UUID) error {
			return listSets(a, &pf, func(perPage *int, cursor *string) (sets[client.Policy], error) {
				body, list, err := meOrUser[client.UserPolicyList](uid, func() (response, error) {
					return c.ListCurrentUserPoliciesWithResponse(cmd.Context(), &client.ListCurrentUserPoliciesParams{PerPage: perPage, Cursor: cursor})
				}, func(id uuid.UUID) (response, error) {
					return c.ListUserPoliciesWithResponse(cmd.Context(), id, &client.ListUserPoliciesParams{PerPage: perPage, Cursor: cursor})
				})
				if err != nil {
					return sets[client.Policy]{}, err
				}
				ps := list.Policies
				lists := map[string][]client.Policy{"all": ps.All, "direct": ps.Direct, "inherited": ps.Inherited}
				return newSets(body, "policies", lists, list.Meta.Links.Next)
			}, a.printPolicySets)
		}),
	}
	pf.add(cmd)
	return cmd
}
