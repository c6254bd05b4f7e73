package cli

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// orgLifecycleCommands returns the `keyward org` subcommands that delete,
// restore and transfer organizations and remove or suspend their members.
func (a *app) orgLifecycleCommands() []*cobra.Command {
	return []*cobra.Command{
		a.actionCommand(action{use: "delete ORG_ID", short: "Delete an organization (restorable until purged)",
			long: `Delete an organization. Its members, keys and login sessions lose access at
once; nothing is destroyed until the server's retention window
(--org-retention, default 30 days) passes. Only the root owner may delete it.`,
			thing: "organization", call: func(ctx context.Context, c *client.ClientWithResponses, org uuid.UUID) (response, error) {
				return c.DeleteOrganizationWithResponse(ctx, org)
			}, done: "Deleted organization %s."}),
		a.actionCommand(action{use: "restore ORG_ID", short: "Restore a deleted organization",
			long: `Restore a deleted organization within its retention window: everything in it
works again as before. Only its root owner may, with a key of any of its
organizations.`,
			thing: "organization", call: func(ctx context.Context, c *client.ClientWithResponses, org uuid.UUID) (response, error) {
				return c.RestoreOrganizationWithResponse(ctx, org)
			}, done: "Restored organization %s."}),
		a.orgListCommand(true),
		a.orgUserCall("remove-user ORG_ID USER_ID", "Remove a user from an organization",
			func(ctx context.Context, c *client.ClientWithResponses, org, user uuid.UUID) (response, error) {
				return c.RemoveOrganizationUserWithResponse(ctx, org, user)
			}, "Removed user %s from organization %s."),
		a.orgUserCall("suspend ORG_ID USER_ID", "Suspend a user: its keys, sessions and logins stop working",
			func(ctx context.Context, c *client.ClientWithResponses, org, user uuid.UUID) (response, error) {
				return c.SuspendOrganizationUserWithResponse(ctx, org, user)
			}, "Suspended user %s in organization %s."),
		a.orgUserCall("unsuspend ORG_ID USER_ID", "Lift a user's suspension",
			func(ctx context.Context, c *client.ClientWithResponses, org, user uuid.UUID) (response, error) {
				return c.UnsuspendOrganizationUserWithResponse(ctx, org, user)
			}, "Unsuspended user %s in organization %s."),
		a.orgUserCall("transfer ORG_ID USER_ID", "Make another member the root owner (root owner only)",
			func(ctx context.Context, c *client.ClientWithResponses, org, user uuid.UUID) (response, error) {
				return c.TransferOrganizationOwnershipWithResponse(ctx, org, client.TransferOwnershipReq{UserID: user})
			}, "Transferred to user %s the ownership of organization %s."),
		a.orgSuspendedCommand(),
	}
}

// orgUserCall is a command on one user of one organization: call makes
// the API call, whose answer wanted is 204, and done is what printDone
// says after it (%[1]s is the user's ID, %[2]s the organization's).
func (a *app) orgUserCall(use, short string, call func(ctx context.Context, c *client.ClientWithResponses, org, user uuid.UUID) (response, error), done string) *cobra.Command {
	return &cobra.Command{
		Use: use, Short: short,
		Args: exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, org, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			user, err := parseID("user", args[1])
			if err != nil {
				return err
			}
			resp, err := call(cmd.Context(), c, org, user)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone(done, user, org)
			return nil
		},
	}
}

func (a *app) orgSuspendedCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "suspended ORG_ID",
		Short: "List the suspended users of an organization",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, org, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.OrganizationUser], error) {
				resp, err := c.ListSuspendedUsersWithResponse(cmd.Context(), org, &client.ListSuspendedUsersParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "users", func() ([]client.OrganizationUser, string) { return resp.JSON200.Users, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, users []client.OrganizationUser) error {
				rows := make([][]string, len(users))
				for i, u := range users {
					rows[i] = []string{u.ID.String(), u.Name, u.Email, u.DateSuspended}
				}
				return a.printList(raw, []string{"ID", "NAME", "EMAIL", "SUSPENDED"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}
