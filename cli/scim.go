package cli

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// scimCommand returns `keyward scim` and its subcommands.
func (a *app) scimCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scim",
		Short: "Manage the SCIM tokens of the organization's identity provider",
		Long: `SCIM 2.0 lets the organization's identity provider (Okta, Entra ID)
create, update and deactivate its users and groups in keyward without
waiting for them to sign in. The provider calls the organization's SCIM
endpoint with a SCIM token; see docs/identity.md, "SCIM provisioning".`,
	}
	token := &cobra.Command{Use: "token", Short: "Create, list and delete SCIM tokens"}
	return group(cmd, group(token, a.scimTokenCreateCommand(), a.scimTokenListCommand(), a.scimTokenDeleteCommand()))
}

func (a *app) scimTokenCreateCommand() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "create [--name NAME]",
		Short: "Create a SCIM token; the token is shown once",
		Long: `Create a SCIM token and print it with the SCIM base URL's path. Give the
provider the server's origin followed by that path, and the token as its
bearer token. The token is shown once; keyward keeps only its hash.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateSCIMTokenWithResponse(cmd.Context(), client.SCIMTokenReq{Name: &name})
			err = printMember(resp, err, http.StatusCreated, "scim_token", func(raw []byte) error {
				t := &resp.JSON201.ScimToken
				fields := scimTokenFields(t)
				if t.Token != nil {
					fields = append(fields, field{"token", *t.Token})
				}
				return a.printObject(raw, fields)
			})
			if err != nil {
				return err
			}
			a.noteSecret()
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "a label for the token, e.g. the provider's name")
	return cmd
}

func (a *app) scimTokenListCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List SCIM tokens (without their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.SCIMToken], error) {
				resp, err := c.ListSCIMTokensWithResponse(cmd.Context(), &client.ListSCIMTokensParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "scim_tokens", func() ([]client.SCIMToken, string) { return resp.JSON200.ScimTokens, resp.JSON200.Meta.Links.Next })
			}, a.printSCIMTokens)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) scimTokenDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete TOKEN_ID", short: "Delete a SCIM token",
		long:  `Delete a SCIM token: the provider's next SCIM call with it is refused (401).`,
		thing: "token", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteSCIMTokenWithResponse(ctx, id)
		}, done: "Deleted SCIM token %s."})
}

func scimTokenFields(t *client.SCIMToken) []field {
	return []field{
		{"id", t.ID.String()},
		{"name", t.Name},
		{"scim_base_url", t.ScimBaseURL},
		{"date_created", formatTime(t.DateCreated)},
	}
}

// printSCIMTokens prints a list of SCIM tokens.
func (a *app) printSCIMTokens(raw []json.RawMessage, tokens []client.SCIMToken) error {
	rows := make([][]string, len(tokens))
	for i, t := range tokens {
		rows[i] = []string{t.ID.String(), t.Name, t.ScimBaseURL, formatTime(t.DateCreated)}
	}
	return a.printList(raw, []string{"ID", "NAME", "SCIM BASE URL", "CREATED"}, rows)
}
