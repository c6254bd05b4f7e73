package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// publicClient is a client that sends no credential, for the login.
func (a *app) publicClient() (*client.ClientWithResponses, error) {
	if _, err := a.format(); err != nil {
		return nil, err
	}
	base, err := a.serverURL()
	if err != nil {
		return nil, err
	}
	ua := func(_ context.Context, req *http.Request) error {
		req.Header.Set("User-Agent", "keyward-cli")
		return nil
	}
	return client.NewClientWithResponses(base,
		client.WithHTTPClient(&http.Client{Timeout: requestTimeout}),
		client.WithRequestEditorFn(ua))
}

func (a *app) loginCommand() *cobra.Command {
	var email, org, sso string
	var f factorFlags
	cmd := &cobra.Command{
		Use:   "login --email EMAIL [--org ORG_ID] [--totp CODE | --recovery-code CODE] < password | login --sso ORG_ID",
		Short: "Log in with a password, or through your organization's identity provider, and print a session token",
		Long: `Log in with your email and the password read from standard input, and print
a login session token (kws_...). It works like an API key, as KEYWARD_TOKEN,
until it expires (12 hours by default) or you run "keyward logout". Nothing
is stored on disk.

Without --org, the session is for your first organization. An account with
multi-factor authentication also gives --totp CODE, the code its
authenticator app shows (or --recovery-code CODE); without it the server
answers that a code is required.

With --sso ORG_ID, for an organization whose people sign in through its
identity provider: it opens your browser at the sign-in URL ($BROWSER if
set, else the system's opener when run from a terminal) and prints the URL
too; sign in at the provider, and paste the "token" of the page keyward answers with; it is
checked and printed as a password login's is.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if sso != "" {
				return a.loginSSO(cmd.Context(), sso)
			}
			if email == "" {
				return errors.New(`required flag(s) "email" not set`)
			}
			body := client.LoginReq{Email: email}
			body.TotpCode, body.RecoveryCode = f.set()
			if org != "" {
				id, err := parseID("organization", org)
				if err != nil {
					return err
				}
				body.OrganizationID = &id
			}
			pw, err := readPassword(a.stdin)
			if err != nil {
				return err
			}
			body.Password = pw
			c, err := a.publicClient()
			if err != nil {
				return err
			}
			resp, err := c.LoginWithResponse(cmd.Context(), body)
			if err := check(resp, err, http.StatusCreated); err != nil {
				var e *APIError
				if errors.As(err, &e) && e.Code == "mfa_required" {
					return errors.New("this account uses multi-factor authentication: run keyward login again with --totp CODE, the code your authenticator app shows (or --recovery-code CODE)")
				}
				return err
			}
			if a.structured() {
				return a.writeData(resp.Body)
			}
			s := resp.JSON201.LoginSession
			if s.Token == nil {
				return errors.New("the server sent no token")
			}
			fmt.Fprintln(a.stdout, *s.Token)
			fmt.Fprintf(a.stderr, "Session %s for organization %s, until %s. Use it as KEYWARD_TOKEN.\n",
				s.ID, s.OrganizationID, formatTime(s.DateExpires))
			if s.MfaEnrollmentRequired != nil && *s.MfaEnrollmentRequired {
				fmt.Fprintln(a.stderr, `Your organization requires multi-factor authentication: this session may only set it up ("keyward mfa enroll").`)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "your account's email (required for a password login)")
	cmd.Flags().StringVar(&org, "org", "", "the organization to log in to")
	cmd.Flags().StringVar(&sso, "sso", "", "sign in to this organization through its identity provider, in a browser")
	cmd.MarkFlagsMutuallyExclusive("email", "sso")
	f.register(cmd)
	cmd.AddCommand(a.loginSessionsCommand())
	return cmd
}

// loginSSO opens (openBrowser) and prints the URL that starts a browser
// sign-in into org, reads
// the session token the browser ends with from standard input, checks it
// against the server and prints it. The token never passes through a
// loopback listener or the URL: the person carries it over.
func (a *app) loginSSO(ctx context.Context, org string) error {
	id, err := parseID("organization", org)
	if err != nil {
		return err
	}
	base, err := a.serverURL()
	if err != nil {
		return err
	}
	start := strings.TrimRight(base, "/") + "/v2/auth/sso/" + id.String()
	how := "Open this URL in your browser and sign in:"
	if a.openBrowser(ctx, start) {
		how = "Sign in in the browser that opened (or open this URL):"
	}
	fmt.Fprintf(a.stderr, "%s\n\n  %s\n\nThen paste the token it shows (kws_...): ", how, start)
	if a.stdin == nil {
		return errors.New("--sso: no standard input to read the token from")
	}
	line, err := bufio.NewReader(io.LimitReader(a.stdin, 1024)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	token := strings.TrimSpace(line)
	if !strings.HasPrefix(token, "kws_") {
		return errors.New("that is not a login session token (kws_...)")
	}
	a.token = token
	c, err := a.client()
	if err != nil {
		return err
	}
	resp, err := c.GetCurrentUserWithResponse(ctx)
	if err := check(resp, err, http.StatusOK); err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, token)
	fmt.Fprintf(a.stderr, "Signed in as %s. Use the token as KEYWARD_TOKEN.\n", resp.JSON200.User.Email)
	return nil
}

func (a *app) logoutCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "End the login session whose token you call with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.LogoutWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Logged out.")
			return nil
		},
	}
}

// passwordCommand returns `keyward password` and its subcommands.
func (a *app) passwordCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "password",
		Short: "Change your password, or set or invalidate a local user's",
		Long: `Passwords are read from standard input, never from flags. A password has at
least 10 characters, 8 of them not white space, no control characters (such as
a tab), and is not one of the most common passwords.`,
	}
	return group(cmd, a.passwordChangeCommand(), a.passwordSetCommand(), a.passwordInvalidateCommand())
}

func (a *app) passwordChangeCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "change < current-and-new",
		Short: "Change your own password (stdin: the current one, then the new one, one a line)",
		Long: `Change your own password. Standard input holds two lines: the current
password, then the new one. Your other login sessions end.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			current, next, err := readTwoPasswords(a.stdin)
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.ChangePasswordWithResponse(cmd.Context(), client.ChangePasswordReq{CurrentPassword: current, NewPassword: next})
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Password changed; your other login sessions ended.")
			return nil
		},
	}
}

// readTwoPasswords reads two lines from r: the current and the new
// password.
func readTwoPasswords(r io.Reader) (string, string, error) {
	if r == nil {
		return "", "", errors.New("no standard input")
	}
	sc := bufio.NewScanner(io.LimitReader(r, 2*maxPasswordBytes+4))
	sc.Buffer(make([]byte, 0, 1024), 2*maxPasswordBytes+4)
	var lines []string
	for sc.Scan() && len(lines) < 2 {
		lines = append(lines, strings.TrimSuffix(sc.Text(), "\r"))
	}
	if len(lines) != 2 || lines[0] == "" || lines[1] == "" {
		return "", "", errors.New("standard input must hold two lines: the current password, then the new one")
	}
	return lines[0], lines[1], nil
}

func (a *app) passwordSetCommand() *cobra.Command {
	return a.idCommand("set USER_ID < password", "Set a local user's password (ends its login sessions)", "user", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		pw, err := readPassword(a.stdin)
		if err != nil {
			return err
		}
		resp, err := c.SetUserPasswordWithResponse(ctx, id, client.SetPasswordReq{Password: pw})
		if err := check(resp, err, http.StatusNoContent); err != nil {
			return err
		}
		a.printDone("Set the password of user %s.", id)
		return nil
	})
}

func (a *app) passwordInvalidateCommand() *cobra.Command {
	return a.actionCommand(action{use: "invalidate USER_ID", short: "Remove a local user's password: no more logins (its API keys keep working)",
		thing: "user", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.InvalidateUserPasswordWithResponse(ctx, id)
		}, done: "Invalidated the password of user %s."})
}

func (a *app) userUnlockCommand() *cobra.Command {
	return a.actionCommand(action{use: "unlock USER_ID", short: "Clear a user's login lockout after repeated failed logins",
		thing: "user", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.UnlockUserWithResponse(ctx, id)
		}, done: "Unlocked user %s."})
}
