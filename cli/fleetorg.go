package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// fleetOrgCommand returns `keyward fleet org` and its subcommands.
func (a *app) fleetOrgCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "org", Aliases: []string{"orgs"}, Short: "List, suspend and configure every organization"}
	return group(cmd, a.fleetOrgListCommand(),
		a.fleetOrgCallCommand("get ORG_ID", "Show any organization", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.FleetOrganization, []byte, error) {
			resp, err := c.FleetGetOrganizationWithResponse(ctx, id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return nil, nil, err
			}
			return &resp.JSON200.Organization, resp.Body, nil
		}),
		a.fleetOrgCallCommand("suspend ORG_ID", "Suspend an organization: every credential of it is refused", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.FleetOrganization, []byte, error) {
			resp, err := c.SuspendOrganizationWithResponse(ctx, id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return nil, nil, err
			}
			return &resp.JSON200.Organization, resp.Body, nil
		}),
		a.fleetOrgCallCommand("unsuspend ORG_ID", "Lift an organization's suspension", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.FleetOrganization, []byte, error) {
			resp, err := c.UnsuspendOrganizationWithResponse(ctx, id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return nil, nil, err
			}
			return &resp.JSON200.Organization, resp.Body, nil
		}),
		a.fleetIdentityModeCommand())
}

func (a *app) fleetOrgListCommand() *cobra.Command {
	var pf pageFlags
	var name, suspended string
	cmd := &cobra.Command{
		Use:   "list [--name TEXT] [--suspended true|false]",
		Short: "List every organization of the deployment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var params client.ListAllOrganizationsParams
			if name != "" {
				params.Name = &name
			}
			switch suspended {
			case "":
			case "true", "false":
				params.Suspended = ptr(suspended == "true")
			default:
				return fmt.Errorf("--suspended %q: want true or false", suspended)
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.FleetOrganization], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListAllOrganizationsWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "organizations", func() ([]client.FleetOrganization, string) {
					return resp.JSON200.Organizations, resp.JSON200.Meta.Links.Next
				})
			}, func(raw []json.RawMessage, orgs []client.FleetOrganization) error {
				rows := make([][]string, len(orgs))
				for i, o := range orgs {
					rows[i] = []string{o.ID.String(), o.Name, o.OwnerID.String(), yesNo(o.Suspended), string(o.IdentityMode), formatTime(o.DateCreated)}
				}
				return a.printList(raw, []string{"ID", "NAME", "OWNER_ID", "SUSPENDED", "IDENTITY_MODE", "CREATED"}, rows)
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "only organizations whose name contains this text")
	cmd.Flags().StringVar(&suspended, "suspended", "", "true: only suspended organizations; false: only the others")
	pf.add(cmd)
	return cmd
}

// fleetOrgCallCommand returns a command that makes call on the
// organization its one argument names and prints the organization.
func (a *app) fleetOrgCallCommand(use, short string, call func(context.Context, *client.ClientWithResponses, uuid.UUID) (*client.FleetOrganization, []byte, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			o, body, err := call(cmd.Context(), c, id)
			if err != nil {
				return err
			}
			return a.printFleetOrg(o, body)
		},
	}
}

func (a *app) fleetIdentityModeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "identity-mode ORG_ID local|idp",
		Short: "Set where an organization's people come from",
		Long: `Set an organization's identity mode. local: fleet administrators create its
users and set their passwords ("keyward fleet user"). idp: its identity
provider is the source of truth; local users and passwords are refused.`,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			resp, err := c.SetOrganizationIdentityModeWithResponse(cmd.Context(), id, client.IdentityModeReq{IdentityMode: client.IdentityModeReqIdentityMode(args[1])})
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printFleetOrg(&resp.JSON200.Organization, resp.Body)
		},
	}
}

// printFleetOrg prints an organization in its envelope body.
func (a *app) printFleetOrg(o *client.FleetOrganization, body []byte) error {
	raw, err := member(body, "organization")
	if err != nil {
		return err
	}
	return a.printObject(raw, []field{
		{"id", o.ID.String()},
		{"name", o.Name},
		{"owner_id", o.OwnerID.String()},
		{"suspended", yesNo(o.Suspended)},
		{"date_suspended", orDash(o.DateSuspended)},
		{"identity_mode", string(o.IdentityMode)},
		{"date_created", formatTime(o.DateCreated)},
	})
}

// fleetUserCommand returns `keyward fleet user` and its subcommands.
func (a *app) fleetUserCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the local users of an organization in the local identity mode",
		Long: `Create the local users of an organization in the local identity mode and set
or invalidate their passwords, as seed 004's fleet administrator does.
Passwords are read from standard input.`,
	}
	return group(cmd, a.fleetUserCreateCommand(), a.fleetSetPasswordCommand(), a.fleetInvalidatePasswordCommand())
}

func (a *app) fleetUserCreateCommand() *cobra.Command {
	var email, name string
	cmd := &cobra.Command{
		Use:     "create ORG_ID --email EMAIL [--name NAME] < password",
		Short:   "Create a local user with a password",
		Example: `  printf '%s\n' "$PASSWORD" | keyward fleet user create $ORG --email ada@example.com --name Ada`,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			pw, err := readPassword(a.stdin)
			if err != nil {
				return err
			}
			req := client.FleetUserReq{Email: email, Password: pw}
			if name != "" {
				req.Name = &name
			}
			resp, err := c.FleetCreateUserWithResponse(cmd.Context(), id, req)
			return printMember(resp, err, http.StatusCreated, "user", func(raw []byte) error {
				u := resp.JSON201.User
				return a.printObject(raw, []field{{"id", u.ID.String()}, {"email", u.Email}, {"name", u.Name}})
			})
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's email (required)")
	cmd.Flags().StringVar(&name, "name", "", "the user's name (default: the email's local part)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// fleetUserArgs parses ORG_ID USER_ID.
func (a *app) fleetUserArgs(args []string) (*client.ClientWithResponses, uuid.UUID, uuid.UUID, error) {
	org, err := parseID("organization", args[0])
	if err != nil {
		return nil, org, org, err
	}
	// An ID only: names are looked up in the caller's organization, and
	// this user is in another.
	user, err := parseID("user", args[1])
	if err != nil {
		return nil, org, user, err
	}
	c, err := a.client()
	return c, org, user, err
}

func (a *app) fleetSetPasswordCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "set-password ORG_ID USER_ID < password",
		Short: "Set a local user's password (ends its login sessions)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, org, user, err := a.fleetUserArgs(args)
			if err != nil {
				return err
			}
			pw, err := readPassword(a.stdin)
			if err != nil {
				return err
			}
			resp, err := c.FleetSetUserPasswordWithResponse(cmd.Context(), org, user, client.SetPasswordReq{Password: pw})
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Set the password of user %s.", user)
			return nil
		},
	}
}

func (a *app) fleetInvalidatePasswordCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "invalidate-password ORG_ID USER_ID",
		Short: "Remove a local user's password: no more logins (its API keys keep working)",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, org, user, err := a.fleetUserArgs(args)
			if err != nil {
				return err
			}
			resp, err := c.FleetInvalidateUserPasswordWithResponse(cmd.Context(), org, user)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Invalidated the password of user %s.", user)
			return nil
		},
	}
}
