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
		Short: "Manage the organization's identity provider (OpenID Connect or SAML 2.0)",
		Long: `Read, set or remove the OpenID or SAML provider through which the
organization's people sign in ("keyward login --sso ORG_ID") once a fleet
administrator sets its identity mode to idp. See docs/identity.md for Okta,
Entra ID, Google and Keycloak.`,
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
	var kind, issuer, clientID, groups, email, name, metadataURL, metadataFile string
	var secretStdin, idpInitiated bool
	cmd := &cobra.Command{
		Use:   "set (--issuer URL --client-id ID [--client-secret-stdin] | --type saml --metadata-url URL | --type saml --metadata-file FILE) [flags]",
		Short: "Set the identity provider",
		Long: `Set (create or replace) the organization's identity provider.

An OpenID provider (--type oidc, the default): the client secret is read
from standard input with --client-secret-stdin (required the first time;
left out, the stored one is kept), sealed by the server and never shown
again. Empty claims and scopes take the defaults: groups claim "groups",
email claim "email", name claim "name", scopes "email profile".

A SAML 2.0 IdP (--type saml): its metadata by --metadata-url (read by the
server now) or --metadata-file ("-": standard input); the claims flags name
SAML attributes (defaults "email", "name", "groups"). IdP-initiated sign-in
is refused unless --allow-idp-initiated. "keyward idp get" shows keyward's
entity id and ACS URL to give the IdP.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if kind != "" {
				t := client.IdentityProviderReqType(kind)
				body.Type = &t
			}
			if metadataFile != "" {
				b, err := readFileOrStdin(a, metadataFile)
				if err != nil {
					return err
				}
				md := string(b)
				body.SamlMetadata = &md
			}
			if cmd.Flags().Changed("allow-idp-initiated") {
				body.AllowIdpInitiated = &idpInitiated
			}
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
			}{{groups, &body.GroupsClaim}, {email, &body.EmailClaim}, {name, &body.NameClaim}, {issuer, &body.Issuer},
				{clientID, &body.ClientID}, {metadataURL, &body.SamlMetadataURL}} {
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
	f.StringVar(&kind, "type", "", `the provider's protocol: "oidc" (default) or "saml"`)
	f.StringVar(&issuer, "issuer", "", "OIDC: the issuer URL, e.g. https://example.okta.com")
	f.StringVar(&clientID, "client-id", "", "OIDC: keyward's client (application) id at the provider")
	f.StringVar(&metadataURL, "metadata-url", "", "SAML: the https URL of the IdP's metadata")
	f.StringVar(&metadataFile, "metadata-file", "", `SAML: a file with the IdP's metadata XML ("-": standard input)`)
	f.BoolVar(&idpInitiated, "allow-idp-initiated", false, "SAML: take sign-ins started at the IdP (refused by default)")
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
		{"type", string(p.Type)},
		{"issuer", p.Issuer},
		{"client_id", p.ClientID},
		{"client_secret_set", yesNo(p.ClientSecretSet)},
		{"scopes", strings.Join(p.Scopes, ",")},
		{"groups_claim", p.GroupsClaim},
		{"email_claim", p.EmailClaim},
		{"name_claim", p.NameClaim},
		{"allowed_domains", orDash(strings.Join(p.AllowedDomains, ","))},
		{"allow_idp_initiated", yesNo(p.AllowIdpInitiated)},
		{"sp_entity_id", orDash(deref(p.SpEntityID))},
		{"redirect_uri", p.RedirectURI},
		{"date_updated", formatTime(p.DateUpdated)},
	})
}
