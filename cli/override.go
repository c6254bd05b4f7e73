package cli

import (
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// overrideCommand returns `keyward override`: members' permissions inside
// one project.
func (a *app) overrideCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "override",
		Aliases: []string{"overrides"},
		Short:   "Show, set or remove a member's override on a project",
		Long: `An override is a grid of permissions for one member in one project: inside
the project it replaces what the member's roles give (it may narrow them).
Remove it to go back to the member's roles.`,
	}
	return group(cmd, a.overrideGetCommand(), a.overrideSetCommand(), a.overrideDeleteCommand())
}

func (a *app) printOverride(raw []byte, o *client.Override) error {
	return a.printObject(raw, []field{
		{"project_id", o.ProjectID.String()}, {"user_id", o.UserID.String()}, {"grid", formatGrid(&o.Grid)},
		{"date_updated", formatTime(o.DateUpdated)},
	})
}

// overrideArgs reads PROJECT_ID USER_ID.
func overrideArgs(args []string) (uuid.UUID, uuid.UUID, error) {
	p, err := parseID("project", args[0])
	if err != nil {
		return p, p, err
	}
	u, err := parseID("user", args[1])
	return p, u, err
}

// clientForOverride returns a client and the IDs of PROJECT_ID USER_ID.
func (a *app) clientForOverride(args []string) (*client.ClientWithResponses, uuid.UUID, uuid.UUID, error) {
	p, u, err := overrideArgs(args)
	if err != nil {
		return nil, p, u, err
	}
	c, err := a.client()
	return c, p, u, err
}

func (a *app) overrideGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get PROJECT_ID USER_ID",
		Short: "Show a member's override on a project",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, u, err := a.clientForOverride(args)
			if err != nil {
				return err
			}
			resp, err := c.GetOverrideWithResponse(cmd.Context(), p, u)
			return printMember(resp, err, http.StatusOK, "override", func(raw []byte) error {
				return a.printOverride(raw, &resp.JSON200.Override)
			})
		},
	}
}

func (a *app) overrideSetCommand() *cobra.Command {
	var grid []string
	cmd := &cobra.Command{
		Use:     "set PROJECT_ID USER_ID --grid GROUP=LEVELS...",
		Short:   "Set a member's override on a project",
		Example: `  keyward override set 0193… 0193… --grid compute_instances=view --grid vpcs=view`,
		Args:    exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := parseGrid(grid)
			if err != nil {
				return err
			}
			c, p, u, err := a.clientForOverride(args)
			if err != nil {
				return err
			}
			resp, err := c.PutOverrideWithResponse(cmd.Context(), p, u, client.OverrideReq{Grid: g})
			return printMember(resp, err, http.StatusOK, "override", func(raw []byte) error {
				return a.printOverride(raw, &resp.JSON200.Override)
			})
		},
	}
	cmd.Flags().StringArrayVar(&grid, "grid", nil, gridUsage)
	return cmd
}

func (a *app) overrideDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "delete PROJECT_ID USER_ID",
		Short: "Remove a member's override on a project",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, p, u, err := a.clientForOverride(args)
			if err != nil {
				return err
			}
			resp, err := c.DeleteOverrideWithResponse(cmd.Context(), p, u)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Removed the override of user %s on project %s.", u, p)
			return nil
		},
	}
}
