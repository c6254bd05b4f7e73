package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// oidcCommand returns `keyward oidc` and its subcommands.
func (a *app) oidcCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "oidc",
		Short: "Manage OIDC: the issuers whose tokens may assume roles, and keyward as an OpenID provider",
	}
	issuer := &cobra.Command{
		Use:     "issuer",
		Aliases: []string{"issuers"},
		Short:   "Register, show, list and remove OIDC issuers",
		Long: `Manage the external OpenID Connect issuers of your organization (GitHub
Actions, GitLab, a Kubernetes cluster, an IdP). A role trust names an issuer
and pins claims of its tokens; a workload holding such a token can then
assume the role with "keyward assume --web-identity-token-file".`,
	}
	return group(cmd, group(issuer, a.issuerCreateCommand(), a.issuerGetCommand(), a.issuerListCommand(), a.issuerDeleteCommand()),
		a.providerCommand(), a.workloadTokenCommand(), a.signInCommand(), a.rotateKeyCommand())
}

func (a *app) issuerCreateCommand() *cobra.Command {
	var uri, name string
	var audiences []string
	cmd := &cobra.Command{
		Use:   "create --uri ISSUER_URL [--audience AUD]... [--name NAME]",
		Short: "Register an OIDC issuer",
		Long: `Register an OIDC issuer. --uri is the issuer URL exactly as its tokens' iss
claim spells it (https://token.actions.githubusercontent.com for GitHub
Actions). Each --audience is an aud value accepted from it; without any,
every trust of the issuer must pin aud in its claim conditions.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			var req client.IssuerReq
			req.Issuer.URI = uri
			req.Issuer.Source = ptr("external")
			if name != "" {
				req.Issuer.Name = &name
			}
			if len(audiences) > 0 {
				req.Issuer.Audiences = &audiences
			}
			resp, err := c.CreateOIDCIssuerWithResponse(cmd.Context(), req)
			return printMember(resp, err, http.StatusCreated, "issuer", func(raw []byte) error {
				return a.printIssuer(&resp.JSON201.Issuer, raw)
			})
		},
	}
	cmd.Flags().StringVar(&uri, "uri", "", "the issuer URL, as its tokens' iss claim spells it (required)")
	cmd.Flags().StringArrayVar(&audiences, "audience", nil, "an aud value accepted from the issuer (repeatable)")
	cmd.Flags().StringVar(&name, "name", "", "a name to recognise the issuer by")
	_ = cmd.MarkFlagRequired("uri")
	return cmd
}

func (a *app) issuerGetCommand() *cobra.Command {
	return a.idCommand("get ISSUER_ID", "Show an OIDC issuer", "issuer", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetOIDCIssuerWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "issuer", func(raw []byte) error {
			return a.printIssuer(&resp.JSON200.Issuer, raw)
		})
	})
}

func (a *app) issuerListCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List OIDC issuers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Issuer], error) {
				resp, err := c.ListOIDCIssuersWithResponse(cmd.Context(), &client.ListOIDCIssuersParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "issuers", func() ([]client.Issuer, string) { return resp.JSON200.Issuers, resp.JSON200.Meta.Links.Next })
			}, a.printIssuers)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) issuerDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete ISSUER_ID", short: "Remove an OIDC issuer",
		long: `Remove an OIDC issuer. Trusts that name it admit no token any more;
sessions already made through it last until they expire or are terminated.`,
		thing: "issuer", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteOIDCIssuerWithResponse(ctx, id)
		}, done: "Removed OIDC issuer %s."})
}

// printIssuer prints one issuer.
func (a *app) printIssuer(i *client.Issuer, raw []byte) error {
	return a.printObject(raw, []field{
		{"id", i.ID.String()},
		{"name", i.Name},
		{"uri", i.URI},
		{"audiences", strings.Join(i.Audiences, ", ")},
		{"source", string(i.Source)},
		{"kid", i.Kid},
		{"date_created", formatTime(i.DateCreated)},
	})
}

// printIssuers prints a list of issuers.
func (a *app) printIssuers(raw []json.RawMessage, issuers []client.Issuer) error {
	rows := make([][]string, len(issuers))
	for i, iss := range issuers {
		rows[i] = []string{iss.ID.String(), iss.Name, iss.URI, strings.Join(iss.Audiences, ","), formatTime(iss.DateCreated)}
	}
	return a.printList(raw, []string{"ID", "NAME", "URI", "AUDIENCES", "CREATED"}, rows)
}
