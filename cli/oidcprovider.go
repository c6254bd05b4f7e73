package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// providerCommand returns `keyward oidc provider`.
func (a *app) providerCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "provider",
		Aliases: []string{"providers", "app", "apps"},
		Short:   "Register, show, list and remove applications that sign in with keyward",
		Long: `Manage the applications (Vultr's "providers") of your organization for which
keyward is the OpenID provider. An application's id is its client id and
names its issuer, <server>/v2/oidc/<id>; its workloads' tokens carry that
issuer ("keyward oidc token create").`,
	}
	return group(cmd, a.providerCreateCommand(), a.providerGetCommand(), a.providerListCommand(), a.providerDeleteCommand())
}

func (a *app) providerCreateCommand() *cobra.Command {
	var name string
	var redirects, scopes, audiences []string
	var pairwise bool
	cmd := &cobra.Command{
		Use:   "create --name NAME [--redirect-uri URI]... [--scope SCOPE]... [--audience AUD]... [--pairwise]",
		Short: "Register an application; prints its client secret once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			req := client.ProviderReq{Name: &name, RedirectUris: &redirects, Audiences: &audiences, Pairwise: &pairwise}
			sc := make([]client.ProviderReqScopes, len(scopes))
			for i, s := range scopes {
				sc[i] = client.ProviderReqScopes(s)
			}
			req.Scopes = &sc
			resp, err := c.CreateOIDCProviderWithResponse(cmd.Context(), req)
			err = printMember(resp, err, http.StatusCreated, "provider", func(raw []byte) error {
				return a.printProvider(&resp.JSON201.Provider, raw)
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(a.stderr, "Save the client secret now: it is not shown again.")
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the application's name (required)")
	cmd.Flags().StringArrayVar(&redirects, "redirect-uri", nil, "an exact redirect URI of the authorization-code flow (repeatable)")
	cmd.Flags().StringArrayVar(&scopes, "scope", nil, "an allowed scope (repeatable; default all: openid, email, profile, groups, offline_access)")
	cmd.Flags().StringArrayVar(&audiences, "audience", nil, "an aud value the application's workload tokens may carry besides its id (repeatable)")
	cmd.Flags().BoolVar(&pairwise, "pairwise", false, "give the application a subject per member that no other application sees")
	_ = cmd.MarkFlagRequired("name")
	return cmd
}

func (a *app) providerGetCommand() *cobra.Command {
	return a.idCommand("get PROVIDER_ID", "Show an application", "provider", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetOIDCProviderWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "provider", func(raw []byte) error {
			return a.printProvider(&resp.JSON200.Provider, raw)
		})
	})
}

func (a *app) providerListCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List applications",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.Provider], error) {
				resp, err := c.ListOIDCProvidersWithResponse(cmd.Context(), &client.ListOIDCProvidersParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "providers", func() ([]client.Provider, string) { return resp.JSON200.Providers, resp.JSON200.Meta.Links.Next })
			}, a.printProviders)
		},
	}
	pf.add(cmd)
	return cmd
}

func (a *app) providerDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete PROVIDER_ID", short: "Remove an application",
		long: `Remove an application: its client credentials stop working at once; the
tokens it signed verify until they expire.`,
		thing: "provider", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteOIDCProviderWithResponse(ctx, id)
		}, done: "Removed OIDC provider %s."})
}

// workloadTokenCommand returns `keyward oidc token`.
func (a *app) workloadTokenCommand() *cobra.Command {
	var audience string
	var expiresIn int
	cmd := &cobra.Command{
		Use:   "token PROVIDER_ID [--audience AUD] [--expires-in SECONDS]",
		Short: "Print a workload token of an application for your credential",
		Long: `Print a short-lived JWT signed by keyward whose sub is your credential
(user:<id>, or session:<id> for a role session) and whose aud is --audience
(the application's id by default, else one of its audiences), to present to
another cloud's web-identity federation.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "provider", args[0])
			if err != nil {
				return err
			}
			req := client.TokenReq{GrantType: "client_credentials", ClientID: id.String()}
			if audience != "" {
				req.Audience = &audience
			}
			if expiresIn != 0 {
				req.ExpiresIn = &expiresIn
			}
			resp, err := c.CreateOIDCTokenWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			if a.output == formatJSON {
				raw, err := member(resp.Body, "token")
				if err != nil {
					return err
				}
				return writeJSON(a.stdout, raw)
			}
			_, err = fmt.Fprintln(a.stdout, resp.JSON201.Token.AccessToken)
			return err
		},
	}
	cmd.Flags().StringVar(&audience, "audience", "", "the token's aud")
	cmd.Flags().IntVar(&expiresIn, "expires-in", 0, "the token's lifetime in seconds, 60 to 3600 (default 900)")
	return cmd
}

// signInCommand returns `keyward oidc authorize`.
func (a *app) signInCommand() *cobra.Command {
	var redirect, state, nonce, challenge string
	var scopes []string
	cmd := &cobra.Command{
		Use:   "authorize PROVIDER_ID --redirect-uri URI [--scope S]... [--state S] [--nonce N] [--code-challenge C]",
		Short: "Sign in to an application as your credential and print where the code goes",
		Long: `Sign in to an application (the authorization-code flow's consent, which
needs oidc.provider.Authorize) as the member of your credential, and print
the redirect URI with the code and state: the URL a browser would be sent
to. The application exchanges the code, with its client secret, within a
minute. --code-challenge is a PKCE S256 challenge; without one the code is
bound to the client secret alone. A narrowed key or a role session cannot
sign in.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "provider", args[0])
			if err != nil {
				return err
			}
			p := client.AuthorizeOIDCParams{ClientID: id.String(), RedirectURI: redirect, ResponseType: client.Code,
				Scope: strings.Join(scopes, " ")}
			for _, v := range []struct {
				val string
				to  **string
			}{{state, &p.State}, {nonce, &p.Nonce}, {challenge, &p.CodeChallenge}} {
				if v.val != "" {
					*v.to = &v.val
				}
			}
			if challenge != "" {
				m := client.S256
				p.CodeChallengeMethod = &m
			}
			resp, err := c.AuthorizeOIDCWithResponse(cmd.Context(), &p)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			if a.output == formatJSON {
				return writeJSON(a.stdout, resp.Body)
			}
			_, err = fmt.Fprintln(a.stdout, resp.JSON200.RedirectURI)
			return err
		},
	}
	cmd.Flags().StringVar(&redirect, "redirect-uri", "", "one of the application's redirect URIs (required)")
	cmd.Flags().StringArrayVar(&scopes, "scope", []string{"openid"}, "a scope to grant (repeatable; default openid)")
	cmd.Flags().StringVar(&state, "state", "", "the state to hand back with the code")
	cmd.Flags().StringVar(&nonce, "nonce", "", "the nonce the ID token will carry")
	cmd.Flags().StringVar(&challenge, "code-challenge", "", "a PKCE S256 code challenge")
	_ = cmd.MarkFlagRequired("redirect-uri")
	return cmd
}

// rotateKeyCommand returns `keyward oidc rotate-key`.
func (a *app) rotateKeyCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "rotate-key",
		Short: "Rotate the key that signs keyward's tokens (fleet administrators)",
		Long: `Make a new signing key, which signs every token from now on. The old key
stays published until every token it signed has expired.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.RotateOIDCSigningKeyWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			if a.output == formatJSON {
				return writeJSON(a.stdout, resp.Body)
			}
			_, err = fmt.Fprintf(a.stdout, "Rotated the signing key; the new key is %s.\n", resp.JSON201.SigningKey.Kid)
			return err
		},
	}
}

// printProvider prints one application.
func (a *app) printProvider(p *client.Provider, raw []byte) error {
	secret := ""
	if p.ClientSecret != nil {
		secret = *p.ClientSecret
	}
	return a.printObject(raw, []field{
		{"id", p.ID},
		{"name", p.Name},
		{"client_id", p.ClientID},
		{"client_secret", secret},
		{"issuer", p.Issuer},
		{"redirect_uris", strings.Join(p.RedirectUris, ", ")},
		{"scopes", strings.Join(p.Scopes, ", ")},
		{"audiences", strings.Join(p.Audiences, ", ")},
		{"pairwise", strconv.FormatBool(p.Pairwise)},
		{"date_created", formatTime(p.DateCreated)},
	})
}

// printProviders prints a list of applications.
func (a *app) printProviders(raw []json.RawMessage, ps []client.Provider) error {
	rows := make([][]string, len(ps))
	for i, p := range ps {
		rows[i] = []string{p.ID, p.Name, p.Issuer, formatTime(p.DateCreated)}
	}
	return a.printList(raw, []string{"ID", "NAME", "ISSUER", "CREATED"}, rows)
}
