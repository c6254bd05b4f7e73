package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// inviteCommand returns `keyward invite` and its subcommands.
func (a *app) inviteCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "invite",
		Aliases: []string{"invites", "invitation"},
		Short:   "Invite people to your organization by email",
		Long: `Invite an email address to your organization. The invitee gets an email
with a signed link that works once and expires (72 hours by default);
"keyward invite accept" accepts it from the command line. With no SMTP
server configured on the server, find the email with "keyward mail list".`,
	}
	return group(cmd, a.inviteCreateCommand(), a.inviteGetCommand(), a.inviteListCommand(), a.inviteResendCommand(),
		a.inviteRevokeCommand(), a.inviteAcceptCommand())
}

func (a *app) inviteCreateCommand() *cobra.Command {
	var email string
	var apiEnabled bool
	var roles, groups []string
	cmd := &cobra.Command{
		Use:   "create --email EMAIL [--api-enabled] [--role ROLE_ID ...] [--group GROUP_ID ...]",
		Short: "Invite an email address",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := client.InvitationReq{EmailInvited: email, Permissions: &client.InvitationPermissions{APIEnabled: apiEnabled}}
			var err error
			if req.RoleIds, err = parseIDList("role", roles); err != nil {
				return err
			}
			if req.GroupIds, err = parseIDList("group", groups); err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateInvitationWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printInvitation(resp.JSON201, resp.Body)
		},
	}
	f := cmd.Flags()
	f.StringVar(&email, "email", "", "the address to invite (required)")
	f.BoolVar(&apiEnabled, "api-enabled", false, "let the new member use API keys (the acceptance returns one)")
	f.StringSliceVar(&roles, "role", nil, "an assignable role to grant on acceptance (repeatable)")
	f.StringSliceVar(&groups, "group", nil, "a group to join on acceptance (repeatable)")
	_ = cmd.MarkFlagRequired("email")
	return cmd
}

// parseIDList parses the IDs of things; none is nil.
func parseIDList(thing string, ss []string) (*[]uuid.UUID, error) {
	if len(ss) == 0 {
		return nil, nil
	}
	ids := make([]uuid.UUID, len(ss))
	for i, s := range ss {
		id, err := parseID(thing, s)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return &ids, nil
}

func (a *app) inviteGetCommand() *cobra.Command {
	return a.idCommand("get INVITATION_ID", "Show an invitation", "invitation", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetInvitationWithResponse(ctx, id)
		if err := check(resp, err, http.StatusOK); err != nil {
			return err
		}
		return a.printInvitation(resp.JSON200, resp.Body)
	})
}

func (a *app) inviteListCommand() *cobra.Command {
	var pf pageFlags
	var status, email string
	cmd := &cobra.Command{
		Use:   "list [--status pending|accepted|revoked] [--email EMAIL]",
		Short: "List your organization's invitations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			params := client.ListInvitationsParams{}
			if status != "" {
				params.Status = ptr(client.ListInvitationsParamsStatus(status))
			}
			if email != "" {
				params.Email = &email
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.InvitationItem], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListInvitationsWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "invites", func() ([]client.InvitationItem, string) { return resp.JSON200.Invites, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, invs []client.InvitationItem) error {
				rows := make([][]string, len(invs))
				for i, v := range invs {
					rows[i] = []string{v.ID.String(), v.EmailInvited, string(v.InviteStatus), deref(v.InviterEmail), v.ExpirationDate}
				}
				return a.printList(raw, []string{"ID", "EMAIL", "STATUS", "INVITED BY", "EXPIRES"}, rows)
			})
		},
	}
	pf.add(cmd)
	cmd.Flags().StringVar(&status, "status", "", "only invitations in this state: pending (expired ones included), accepted or revoked")
	cmd.Flags().StringVar(&email, "email", "", "only invitations of this address")
	return cmd
}

func (a *app) inviteResendCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "resend INVITATION_ID",
		Short: "Email a pending invitation again, with a new link",
		Long:  `Email a pending invitation (expired or not) again with a new link and a fresh expiry. The previous link stops working.`,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "invitation", args[0])
			if err != nil {
				return err
			}
			resp, err := c.ResendInvitationWithResponse(cmd.Context(), id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printInvitation(resp.JSON200, resp.Body)
		},
	}
}

func (a *app) inviteRevokeCommand() *cobra.Command {
	return a.actionCommand(action{use: "revoke INVITATION_ID", short: "Withdraw a pending invitation; its link stops working",
		thing: "invitation", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.RevokeInvitationWithResponse(ctx, id)
		}, done: "Revoked invitation %s.\n"})
}

func (a *app) printInvitation(v *client.Invitation, body []byte) error {
	perm := false
	if v.Permissions != nil {
		perm = v.Permissions.APIEnabled
	}
	return a.printObject(body, []field{
		{"id", v.ID.String()},
		{"email_invited", v.EmailInvited},
		{"invite_status", string(v.InviteStatus)},
		{"org_name", deref(v.OrgName)},
		{"inviter_email", deref(v.InviterEmail)},
		{"api_enabled", yesNo(perm)},
		{"expiration_date", v.ExpirationDate},
		{"date_responded", deref(v.DateResponded)},
	})
}

func (a *app) inviteAcceptCommand() *cobra.Command {
	var name string
	var passwordStdin bool
	cmd := &cobra.Command{
		Use:   "accept LINK|TOKEN [--name NAME [--password-stdin]]",
		Short: "Accept an invitation",
		Long: `Accept an invitation with the link from its email (or the link's token).

Without an API key (--token or KEYWARD_TOKEN) this creates your account:
give --name; the password is asked for (twice, not shown) when standard
input is a terminal, else read from it. With the API key of your
existing account, whose email is the invited one, it adds the membership.
When the invitation enables API access, the answer holds an API key for the
organization, shown once.`,
		Example: `  printf '%s' "$PASSWORD" | keyward invite accept 'http://keyward.example/invitation?token=...' --name "Ada Lovelace" --password-stdin
  KEYWARD_TOKEN=kw_... keyward invite accept 'http://keyward.example/invitation?token=...'`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			base, token, err := a.linkParts(args[0])
			if err != nil {
				return err
			}
			req := client.AcceptInvitationReq{Token: token}
			bearer := a.token
			if bearer == "" {
				bearer = a.getenv("KEYWARD_TOKEN")
			}
			if bearer == "" {
				if name == "" {
					return fmt.Errorf("a new account needs --name, and a password (asked for, or on standard input); or set KEYWARD_TOKEN to accept as your existing account")
				}
				pw, err := a.newPassword(passwordStdin)
				if err != nil {
					return err
				}
				req.Name, req.Password = &name, &pw
			}
			c, err := a.clientAt(base, bearer)
			if err != nil {
				return err
			}
			resp, err := c.AcceptInvitationWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			u := resp.JSON201.User
			raw, _ := json.Marshal(resp.JSON201)
			if err := a.printObject(raw, []field{
				{"org_id", resp.JSON201.OrgID.String()},
				{"user_id", u.ID.String()},
				{"email", u.Email},
				{"api_key", deref(u.APIKey)},
			}); err != nil {
				return err
			}
			if deref(u.APIKey) != "" {
				a.noteSecret()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "your name, for a new account")
	cmd.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the new account's password from standard input, even from a terminal")
	return cmd
}

// linkParts returns the server and the token of an invitation link, or
// the configured server and arg itself when arg is a bare token.
func (a *app) linkParts(arg string) (base, token string, err error) {
	if !strings.Contains(arg, "://") {
		base, err = a.serverURL()
		return base, arg, err
	}
	u, err := url.Parse(arg)
	if err != nil || u.Host == "" || u.Query().Get("token") == "" {
		return "", "", fmt.Errorf("invalid invitation link %q: want the link from the email, with its token", arg)
	}
	return u.Scheme + "://" + u.Host, u.Query().Get("token"), nil
}

// clientAt returns an API client for base that sends bearer, if any: an
// invitation link names its own server, and a new account has no key yet.
func (a *app) clientAt(base, bearer string) (*client.ClientWithResponses, error) {
	if _, err := a.format(); err != nil {
		return nil, err
	}
	edit := func(_ context.Context, req *http.Request) error {
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		req.Header.Set("User-Agent", "keyward-cli")
		return nil
	}
	return client.NewClientWithResponses(base,
		client.WithHTTPClient(&http.Client{Timeout: requestTimeout}),
		client.WithRequestEditorFn(edit))
}
