package cli

import (
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// idpCommand returns `keyward idp` and its subcommands.
func (a *app) idpCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "idp",
		Short: "Manage the organization's identity provider (OpenID Connect)",
		Long: `Read, set or remove the OpenID provider through which the organization's
people sign in ("keyward login --sso ORG_ID") once a fleet administrator
sets its identity mode to idp. See docs/identity.md for Okta, Entra ID,
Google and Keycloak.`,
	}
	return group(cmd, a.idpGetCommand(), a.idpSetCommand(), a.idpDeleteCommand())
}

func (a *app) idpGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get",
		Short: "Show the identity provider, with the redirect URI to register at it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetIdentityProviderWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printIdP(&resp.JSON200.IdentityProvider, resp.Body)
		},
	}
}

func (a *app) idpSetCommand() *cobra.Command {
	var body client.IdentityProviderReq
	var scopes, domains []string
	var groups, email, name string
	var secretStdin bool
	cmd := &cobra.Command{
		Use:   "set --issuer URL --client-id ID [--client-secret-stdin] [flags]",
		Short: "Set the identity provider",
		Long: `Set (create or replace) the organization's OpenID provider. The client
secret is read from standard input with --client-secret-stdin (required the
first time; left out, the stored one is kept), sealed by the server and
never shown again. Empty claims and scopes take the defaults: groups claim
"groups", email claim "email", name claim "name", scopes "email profile".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if secretStdin {
				s, err := readSecret(a.stdin, "--client-secret-stdin")
				if err != nil {
					return err
				}
				body.ClientSecret = &s
			}
			if cmd.Flags().Changed("scopes") {
				body.Scopes = &scopes
			}
			if cmd.Flags().Changed("allowed-domain") {
				body.AllowedDomains = &domains
			}
			for _, f := range []struct {
				v   string
				dst **string
			}{{groups, &body.GroupsClaim}, {email, &body.EmailClaim}, {name, &body.NameClaim}} {
				if f.v != "" {
					*f.dst = &f.v
				}
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.PutIdentityProviderWithResponse(cmd.Context(), body)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printIdP(&resp.JSON200.IdentityProvider, resp.Body)
		},
	}
	f := cmd.Flags()
	f.StringVar(&body.Issuer, "issuer", "", "the issuer URL, e.g. https://example.okta.com")
	f.StringVar(&body.ClientID, "client-id", "", "keyward's client (application) id at the provider")
	f.BoolVar(&secretStdin, "client-secret-stdin", false, "read the client secret from standard input")
	f.StringSliceVar(&scopes, "scopes", nil, "scopes to ask for besides openid (default email,profile)")
	f.StringVar(&groups, "groups-claim", "", `the ID token claim listing the user's groups (default "groups")`)
	f.StringVar(&email, "email-claim", "", `the claim with the user's email (default "email")`)
	f.StringVar(&name, "name-claim", "", `the claim with the user's name (default "name")`)
	f.StringSliceVar(&domains, "allowed-domain", nil, "an email domain whose people may sign in (repeat; default any)")
	return cmd
}

func (a *app) idpDeleteCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "delete",
		Short: "Remove the identity provider; its users and groups stay",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.DeleteIdentityProviderWithResponse(cmd.Context())
			return check(resp, err, http.StatusNoContent)
		},
	}
}

// printIdP prints an identity provider in its envelope body.
func (a *app) printIdP(p *client.IdentityProvider, body []byte) error {
	raw, err := member(body, "identity_provider")
	if err != nil {
		return err
	}
	return a.printObject(raw, []field{
		{"issuer", p.Issuer},
		{"client_id", p.ClientID},
		{"client_secret_set", yesNo(p.ClientSecretSet)},
		{"scopes", strings.Join(p.Scopes, ",")},
		{"groups_claim", p.GroupsClaim},
		{"email_claim", p.EmailClaim},
		{"name_claim", p.NameClaim},
		{"allowed_domains", orDash(strings.Join(p.AllowedDomains, ","))},
		{"redirect_uri", p.RedirectURI},
		{"date_updated", formatTime(p.DateUpdated)},
	})
}
