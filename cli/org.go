package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// orgCommand returns `keyward org` and its subcommands.
func (a *app) orgCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "org",
		Aliases: []string{"orgs", "organization"},
		Short:   "Manage organizations",
		Long: `Manage the organizations your account belongs to. An API key works in one
organization; "keyward org key" mints one for another organization you are
a member of.`,
	}
	subs := []*cobra.Command{a.orgListCommand(false), a.orgGetCommand(), a.orgCreateCommand(), a.orgUpdateCommand(), a.orgKeyCommand(), a.orgRequireMFACommand()}
	return group(cmd, append(subs, a.orgLifecycleCommands()...)...)
}

// orgListCommand returns `org list`, or with deleted `org deleted`: the
// deleted organizations the caller owns that can still be restored, with
// when they were deleted and when they will be purged.
func (a *app) orgListCommand(deleted bool) *cobra.Command {
	var pf pageFlags
	use, short, columns := "list", "List the organizations your account belongs to", []string{"ID", "NAME", "TYPE", "CREATED"}
	var onlyDeleted *bool
	if deleted {
		use, short, columns = "deleted", "List the deleted organizations you own that can still be restored", []string{"ID", "NAME", "DELETED", "PURGED AFTER"}
		onlyDeleted = ptr(true)
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Organization], error) {
				resp, err := c.ListOrganizationsWithResponse(cmd.Context(), &client.ListOrganizationsParams{PerPage: perPage, Cursor: cursor, Deleted: onlyDeleted})
				return checkedPage(resp, err, "orgs", func() ([]client.Organization, string) { return resp.JSON200.Orgs, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, orgs []client.Organization) error {
				rows := make([][]string, len(orgs))
				for i, o := range orgs {
					if deleted {
						rows[i] = []string{o.ID.String(), o.Name, formatTime(deref(o.DateDeleted)), formatTime(deref(o.DatePurge))}
					} else {
						rows[i] = []string{o.ID.String(), o.Name, string(o.Type), formatTime(o.DateCreated)}
					}
				}
				return a.printList(raw, columns, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) orgGetCommand() *cobra.Command {
	return a.idCommand("get ORG_ID", "Show an organization", "organization", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetOrganizationWithResponse(ctx, id)
		if err := check(resp, err, http.StatusOK); err != nil {
			return err
		}
		return a.printOrg(resp.JSON200, resp.Body)
	})
}

func (a *app) orgCreateCommand() *cobra.Command {
	var name, typ string
	cmd := &cobra.Command{
		Use:   "create --name NAME [--type TYPE]",
		Short: "Create an organization, with you as its root owner",
		Long: `Create an organization. Your account becomes its root owner. To work in it,
mint a key there with "keyward org key ORG_ID".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateOrganizationWithResponse(cmd.Context(), orgReq(name, typ))
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printOrg(resp.JSON201, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the organization's name (required)")
	cmd.Flags().StringVar(&typ, "type", "", "personal, team, business or enterprise (default team)")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) orgUpdateCommand() *cobra.Command {
	var name, typ string
	cmd := &cobra.Command{
		Use:   "update ORG_ID --name NAME [--type TYPE]",
		Short: "Rename an organization or change its type",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "organization", args[0])
			if err != nil {
				return err
			}
			resp, err := c.UpdateOrganizationWithResponse(cmd.Context(), id, orgReq(name, typ))
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printOrg(resp.JSON200, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the new name (required)")
	cmd.Flags().StringVar(&typ, "type", "", "personal, team, business or enterprise (default: unchanged)")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) orgKeyCommand() *cobra.Command {
	var name string
	var ef expiryFlags
	cmd := &cobra.Command{
		Use:   "key ORG_ID [--name NAME] [--expires-at TIME | --expires-in DURATION]",
		Short: "Mint an API key for yourself in an organization",
		Long: `Mint an API key for your own account in the given organization, which you
must be a member of. The key you call with may belong to any of your
organizations. The secret is shown once.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID("organization", args[0])
			if err != nil {
				return err
			}
			body, err := keyReq(name, &ef, time.Now())
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateOrganizationAPIKeyWithResponse(cmd.Context(), id, body)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printNewKey(&resp.JSON201.APIKey, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "a label for the key")
	ef.add(cmd)
	return cmd
}

// orgReq returns the body of create and update organization.
func orgReq(name, typ string) client.OrganizationReq {
	req := client.OrganizationReq{Name: name}
	if typ != "" {
		req.Type = ptr(client.OrganizationType(typ))
	}
	return req
}

// printOrg prints an organization; body is the bare object as sent.
func (a *app) printOrg(o *client.Organization, body []byte) error {
	return a.printObject(body, []field{
		{"id", o.ID.String()},
		{"name", o.Name},
		{"type", string(o.Type)},
		{"date_created", formatTime(o.DateCreated)},
	})
}
