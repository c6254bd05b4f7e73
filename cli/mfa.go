package cli

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// mfaCommand returns `keyward mfa` and its subcommands.
func (a *app) mfaCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mfa",
		Short: "Set up or remove your second factor (a TOTP authenticator app)",
		Long: `Multi-factor authentication for your own account. "keyward mfa enroll" prints
a secret and an otpauth:// URI for an authenticator app; "keyward mfa confirm
CODE" activates it with the code the app shows and prints 10 recovery codes,
once. From then on, "keyward login" needs --totp CODE (or --recovery-code).`,
	}
	return group(cmd, a.mfaStatusCommand(), a.mfaEnrollCommand(), a.mfaConfirmCommand(), a.mfaDisableCommand())
}

func (a *app) mfaStatusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show whether your authenticator is active and how many recovery codes are left",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetMyMFAWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			if a.output != formatTable {
				return writeJSON(a.stdout, resp.Body)
			}
			m := resp.JSON200.Mfa
			fmt.Fprintf(a.stdout, "TOTP: %s\nRecovery codes left: %d\n", m.Totp, m.RecoveryCodesLeft)
			return nil
		},
	}
}

func (a *app) mfaEnrollCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "enroll",
		Short: "Start enrolling an authenticator app: prints its secret and otpauth:// URI",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.EnrollTOTPWithResponse(cmd.Context())
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			if a.output != formatTable {
				return writeJSON(a.stdout, resp.Body)
			}
			t := resp.JSON201.Totp
			fmt.Fprintf(a.stdout, "Secret: %s\nURI:    %s\n", t.Secret, t.OtpauthURI)
			fmt.Fprintln(a.stderr, `Add it to your authenticator app, then run "keyward mfa confirm CODE" with the code it shows.`)
			return nil
		},
	}
}

func (a *app) mfaConfirmCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "confirm CODE",
		Short: "Activate the enrolled authenticator with a code it shows; prints recovery codes once",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.ConfirmTOTPWithResponse(cmd.Context(), client.ConfirmTOTPReq{TotpCode: args[0]})
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			if a.output != formatTable {
				return writeJSON(a.stdout, resp.Body)
			}
			for _, code := range resp.JSON200.RecoveryCodes {
				fmt.Fprintln(a.stdout, code)
			}
			fmt.Fprintln(a.stderr, "Multi-factor authentication is active. Save these recovery codes now: each works once, and they are not shown again.")
			return nil
		},
	}
}

// factorFlags are the flags that present a second factor.
type factorFlags struct{ totp, recovery string }

func (f *factorFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.totp, "totp", "", "the code your authenticator app shows")
	cmd.Flags().StringVar(&f.recovery, "recovery-code", "", "one of your recovery codes, instead of --totp")
}

// set returns the flags given, nil for those not.
func (f *factorFlags) set() (totp, recovery *string) {
	if f.totp != "" {
		totp = &f.totp
	}
	if f.recovery != "" {
		recovery = &f.recovery
	}
	return totp, recovery
}

func (a *app) mfaDisableCommand() *cobra.Command {
	var f factorFlags
	cmd := &cobra.Command{
		Use:   "disable --totp CODE | --recovery-code CODE",
		Short: "Remove your authenticator and recovery codes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			var body client.MFAFactorReq
			body.TotpCode, body.RecoveryCode = f.set()
			resp, err := c.DisableTOTPWithResponse(cmd.Context(), body)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Multi-factor authentication is off.")
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func (a *app) userResetMFACommand() *cobra.Command {
	return a.actionCommand(action{use: "reset-mfa USER_ID", short: "Remove a local user's lost authenticator and end its login sessions",
		thing: "user", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.ResetUserMFAWithResponse(ctx, id)
		}, done: "Reset the second factor of user %s."})
}

func (a *app) orgRequireMFACommand() *cobra.Command {
	return &cobra.Command{
		Use:   "require-mfa ORG_ID [on|off]",
		Short: "Show, or turn on or off, the organization's requirement of MFA for local members",
		Long: `While it is on, a local member without an authenticator who logs in gets a
session that may only set one up ("keyward mfa enroll"), and members cannot
disable theirs. API keys are not affected.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor("organization", args[0])
			if err != nil {
				return err
			}
			var raw []byte
			var pol *client.MFAPolicyResponse
			if len(args) == 1 {
				resp, err := c.GetMFAPolicyWithResponse(cmd.Context(), id)
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				raw, pol = resp.Body, resp.JSON200
			} else {
				if args[1] != "on" && args[1] != "off" {
					return fmt.Errorf("want on or off, not %q", args[1])
				}
				resp, err := c.SetMFAPolicyWithResponse(cmd.Context(), id, client.MFAPolicy{RequireMfa: args[1] == "on"})
				if err := check(resp, err, http.StatusOK); err != nil {
					return err
				}
				raw, pol = resp.Body, resp.JSON200
			}
			if a.output != formatTable {
				return writeJSON(a.stdout, raw)
			}
			state := map[bool]string{true: "on", false: "off"}[pol.MfaPolicy.RequireMfa]
			fmt.Fprintf(a.stdout, "Require MFA: %s\n", state)
			return nil
		},
	}
}
