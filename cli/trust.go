package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// trustCommand returns `keyward trust` and its subcommands.
func (a *app) trustCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "trust",
		Aliases: []string{"trusts"},
		Short:   "Manage role trusts: who may take on an assumable role",
		Long: `Manage the trusts of your organization's assumable roles. A trust names
a user, a group (every member) or an OIDC issuer, how the role is taken on
(manual: the entity runs "keyward assume"; automatic: it holds the role's
policies whenever the trust holds), until when, and under which conditions:
a daily window of UTC hours, days of the week and source address ranges.`,
	}
	return group(cmd, a.trustListCommand(), a.trustGetCommand(), a.trustCreateCommand(), a.trustUpdateCommand(),
		a.trustDeleteCommand(), a.trustRestoreCommand())
}

// trustFlags are the flags of trust create and update.
type trustFlags struct {
	role, typ, mode, user, group, issuer, hours, validUntil, validFor string
	days, ips                                                         []string
	claims                                                            map[string]string
}

func (f *trustFlags) add(cmd *cobra.Command, create bool) {
	fl := cmd.Flags()
	if create {
		fl.StringVar(&f.role, "role", "", "the assumable role's ID")
		fl.StringVar(&f.typ, "type", "TemporaryAssumption", "TemporaryAssumption, IAMAssumption or FederatedAssumption")
	} else {
		fl.StringVar(&f.typ, "type", "", "TemporaryAssumption, IAMAssumption or FederatedAssumption")
	}
	fl.StringVar(&f.mode, "mode", "", "manual or automatic (default: manual for TemporaryAssumption)")
	fl.StringVar(&f.user, "user", "", "the trusted user's ID")
	fl.StringVar(&f.group, "group", "", "the trusted group's ID")
	fl.StringVar(&f.issuer, "oidc-issuer", "", "the trusted OIDC issuer's ID")
	fl.StringToStringVar(&f.claims, "claim", nil, "an OIDC claim condition, NAME=VALUE (VALUE may use *); repeatable")
	fl.StringVar(&f.hours, "hours", "", "a daily window of UTC hours, START-END, e.g. 8-18")
	fl.StringSliceVar(&f.days, "days", nil, "days of the week, e.g. mon,tue,wed")
	fl.StringSliceVar(&f.ips, "ip", nil, "source CIDR ranges, e.g. 203.0.113.0/24")
	fl.StringVar(&f.validUntil, "valid-until", "", `when the trust ends, RFC 3339 or YYYY-MM-DD; "" never`)
	fl.StringVar(&f.validFor, "valid-for", "", "how long the trust lasts from now: 1m, 3m, 6m, 1y or 2y (months, years); instead of --valid-until")
}

// validFor turns a --valid-for preset (Vultr's console offers 1, 3 and 6
// months and 1 and 2 years) into the RFC 3339 time it ends, from now.
func validFor(preset string, now time.Time) (string, error) {
	months := map[string]int{"1m": 1, "3m": 3, "6m": 6, "1y": 12, "2y": 24}[preset]
	if months == 0 {
		return "", fmt.Errorf("invalid --valid-for %q: want 1m, 3m, 6m, 1y or 2y", preset)
	}
	return now.UTC().AddDate(0, months, 0).Truncate(time.Second).Format(time.RFC3339), nil
}

// req builds the body from the flags that were given.
func (f *trustFlags) req(cmd *cobra.Command) (client.RoleTrustReq, error) {
	var req client.RoleTrustReq
	fl := cmd.Flags()
	str := func(name, v string) *string {
		if fl.Changed(name) || name == "type" && v != "" {
			return &v
		}
		return nil
	}
	if f.role != "" {
		id, err := parseID("role", f.role)
		if err != nil {
			return req, err
		}
		req.RoleID = &id
	}
	if t := str("type", f.typ); t != nil {
		req.TrustType = ptr(client.RoleTrustReqTrustType(*t))
	}
	req.AssumptionMode, req.TrustedUserID = str("mode", f.mode), str("user", f.user)
	req.TrustedGroupID, req.TrustedOidcIssuerID, req.ValidUntil = str("group", f.group), str("oidc-issuer", f.issuer), str("valid-until", f.validUntil)
	if fl.Changed("valid-for") {
		if fl.Changed("valid-until") {
			return req, fmt.Errorf("give --valid-until or --valid-for, not both")
		}
		until, err := validFor(f.validFor, time.Now())
		if err != nil {
			return req, err
		}
		req.ValidUntil = &until
	}
	if fl.Changed("claim") {
		req.ClaimConditions = &f.claims
	}
	if fl.Changed("hours") || fl.Changed("days") || fl.Changed("ip") {
		c := &client.TrustConditions{}
		if f.hours != "" {
			start, end, ok := strings.Cut(f.hours, "-")
			s, err1 := strconv.Atoi(start)
			e, err2 := strconv.Atoi(end)
			if !ok || err1 != nil || err2 != nil {
				return req, fmt.Errorf("invalid --hours %q: want START-END in whole UTC hours, e.g. 8-18", f.hours)
			}
			c.TimeOfDay = &struct {
				DaysOfWeek *[]string `json:"days_of_week,omitempty"`
				End        int       `json:"end"`
				Start      int       `json:"start"`
				Timezone   *string   `json:"timezone,omitempty"`
			}{End: e, Start: s}
		}
		if len(f.days) > 0 {
			c.DaysOfWeek = &f.days
		}
		if len(f.ips) > 0 {
			c.IPAddress = &f.ips
		}
		req.Conditions = c
	}
	return req, nil
}

func (a *app) trustListCommand() *cobra.Command {
	var role, user string
	var deleted bool
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--role ROLE_ID | --user USER_ID] [--deleted]",
		Short: "List role trusts, of one role or of one user",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			var rid, uid uuid.UUID
			if role != "" {
				if rid, err = parseID("role", role); err != nil {
					return err
				}
			}
			if user != "" {
				if _, uid, err = a.clientForUser(cmd.Context(), user); err != nil {
					return err
				}
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.RoleTrust], error) {
				switch {
				case role != "":
					resp, err := c.ListRoleTrustsByRoleWithResponse(cmd.Context(), rid, &client.ListRoleTrustsByRoleParams{PerPage: perPage, Cursor: cursor})
					return checkedPage(resp, err, "role_trusts", func() ([]client.RoleTrust, string) { return resp.JSON200.RoleTrusts, resp.JSON200.Meta.Links.Next })
				case user != "":
					resp, err := c.ListRoleTrustsByUserWithResponse(cmd.Context(), uid, &client.ListRoleTrustsByUserParams{PerPage: perPage, Cursor: cursor})
					return checkedPage(resp, err, "assumable_roles", func() ([]client.RoleTrust, string) { return resp.JSON200.AssumableRoles, resp.JSON200.Meta.Links.Next })
				}
				params := &client.ListRoleTrustsParams{PerPage: perPage, Cursor: cursor}
				if deleted {
					params.Deleted = ptr(true)
				}
				resp, err := c.ListRoleTrustsWithResponse(cmd.Context(), params)
				return checkedPage(resp, err, "role_trusts", func() ([]client.RoleTrust, string) { return resp.JSON200.RoleTrusts, resp.JSON200.Meta.Links.Next })
			}, a.printTrusts)
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "only the trusts of this role")
	cmd.Flags().StringVar(&user, "user", "", `only the trusts through which this user ("me" for you) can assume roles`)
	cmd.Flags().BoolVar(&deleted, "deleted", false, "list the deleted trusts, which can be restored, instead")
	cmd.MarkFlagsMutuallyExclusive("role", "user", "deleted")
	pf.add(cmd)
	return cmd
}

func (a *app) trustGetCommand() *cobra.Command {
	return a.idCommand("get TRUST_ID", "Show a role trust", "trust", func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		resp, err := c.GetRoleTrustWithResponse(ctx, id)
		return printMember(resp, err, http.StatusOK, "role_trust", func(raw []byte) error {
			return a.printTrust(&resp.JSON200.RoleTrust, raw)
		})
	})
}

func (a *app) trustCreateCommand() *cobra.Command {
	var tf trustFlags
	cmd := &cobra.Command{
		Use:   "create --role ROLE_ID (--user USER_ID | --group GROUP_ID | --oidc-issuer ISSUER_ID) [flags]",
		Short: "Trust a user, group or OIDC issuer with an assumable role",
		Example: `  keyward trust create --role $ROLE --user $USER --hours 8-18 --days mon,tue,wed,thu,fri --ip 203.0.113.0/24 --valid-until 2027-01-01
  keyward trust create --role $ROLE --group $GROUP --mode automatic`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := tf.req(cmd)
			if err != nil {
				return err
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.CreateRoleTrustWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printTrust(resp.JSON201, resp.Body)
		},
	}
	tf.add(cmd, true)
	_ = cmd.MarkFlagRequired("role")
	return cmd
}

func (a *app) trustUpdateCommand() *cobra.Command {
	var tf trustFlags
	cmd := &cobra.Command{
		Use:   "update TRUST_ID [flags]",
		Short: "Change a role trust; only the flags given change",
		Long: `Change a role trust. Only the flags given change anything. Naming a
trusted entity replaces the current one; --hours, --days and --ip replace
the conditions together. A change of trustee, type or conditions, or an
earlier --valid-until, ends the sessions made through the trust.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().NFlag() == 0 {
				return errors.New("nothing to change: pass at least one flag")
			}
			req, err := tf.req(cmd)
			if err != nil {
				return err
			}
			c, id, err := a.clientFor(cmd.Context(), "trust", args[0])
			if err != nil {
				return err
			}
			resp, err := c.UpdateRoleTrustWithResponse(cmd.Context(), id, req)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printTrust(resp.JSON200, resp.Body)
		},
	}
	tf.add(cmd, false)
	return cmd
}

func (a *app) trustDeleteCommand() *cobra.Command {
	return a.actionCommand(action{use: "delete TRUST_ID", short: "Delete a role trust (it can be restored); its sessions end",
		thing: "trust", call: func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
			return c.DeleteRoleTrustWithResponse(ctx, id)
		}, done: "Deleted role trust %s."})
}

func (a *app) trustRestoreCommand() *cobra.Command {
	return restoreCommand(a, "trust", "Restore a deleted role trust",
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (*client.RestoreRoleTrustResponse, error) {
			return c.RestoreRoleTrustWithResponse(ctx, id)
		}, func(resp *client.RestoreRoleTrustResponse) error {
			raw, err := member(resp.Body, "role_trust")
			if err != nil {
				return err
			}
			return a.printTrust(&resp.JSON200.RoleTrust, raw)
		})
}

// trustee names a trust's trusted entity.
func trustee(t *client.RoleTrust) string {
	switch {
	case deref(t.TrustedUserID) != "":
		return "user:" + deref(t.TrustedUserID)
	case deref(t.TrustedGroupID) != "":
		return "group:" + deref(t.TrustedGroupID)
	}
	return "oidc-issuer:" + deref(t.TrustedOidcIssuerID)
}

// conditionsText formats a trust's conditions for a table.
func conditionsText(c client.TrustConditions) string {
	var parts []string
	if w := c.TimeOfDay; w != nil {
		parts = append(parts, fmt.Sprintf("hours %02d-%02d UTC", w.Start, w.End))
	}
	if c.DaysOfWeek != nil && len(*c.DaysOfWeek) > 0 {
		parts = append(parts, "days "+strings.Join(*c.DaysOfWeek, ","))
	}
	if c.IPAddress != nil && len(*c.IPAddress) > 0 {
		parts = append(parts, "ip "+strings.Join(*c.IPAddress, ","))
	}
	return strings.Join(parts, "; ")
}

func (a *app) printTrust(t *client.RoleTrust, raw []byte) error {
	return a.printObject(raw, []field{
		{"id", t.ID.String()},
		{"role", t.RoleName + " (" + t.RoleID.String() + ")"},
		{"trust_type", t.TrustType},
		{"assumption_mode", t.AssumptionMode},
		{"trusted", trustee(t)},
		{"conditions", conditionsText(t.Conditions)},
		{"valid_until", t.ValidUntil},
		{"date_created", t.DateCreated},
		{"date_deleted", deref(t.DateDeleted)},
	})
}

func (a *app) printTrusts(raw []json.RawMessage, ts []client.RoleTrust) error {
	rows := make([][]string, len(ts))
	for i, t := range ts {
		rows[i] = []string{t.ID.String(), t.RoleName, t.AssumptionMode, trustee(&t), orDash(t.ValidUntil)}
	}
	return a.printList(raw, []string{"ID", "ROLE", "MODE", "TRUSTED", "VALID_UNTIL"}, rows)
}

// assumeCommand returns `keyward assume`.
func (a *app) assumeCommand() *cobra.Command {
	var user, name, policyFile string
	var duration int
	var wi webIdentityFlags
	cmd := &cobra.Command{
		Use:   "assume ROLE_ID [--session-name NAME] [--duration SECONDS] [--user USER_ID] [--session-policy FILE]",
		Short: "Assume a role and print the session token",
		Long: `Assume an assumable role through a trust and print the session, with its
token, once. Use the token as --token (or KEYWARD_TOKEN) to act as the role.
--session-policy narrows the session to a policy document (a file, or - for
standard input). --user assumes for another member, which needs
iam.role.AssumeRole on the role.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if wi.set() {
				return a.assumeWithWebIdentity(cmd, &wi, args[0], name, duration)
			}
			c, id, err := a.clientFor(cmd.Context(), "role", args[0])
			if err != nil {
				return err
			}
			req := client.AssumeRoleReq{RoleID: id, SessionName: &name}
			if user != "" {
				req.UserID = &user
			}
			if duration != 0 {
				req.Duration = &duration
			}
			if policyFile != "" {
				var doc client.PolicyDocument
				if err := readJSONFile(a, "--session-policy", policyFile, &doc); err != nil {
					return err
				}
				req.SessionPolicy = &doc
			}
			resp, err := c.AssumeRoleWithResponse(cmd.Context(), req)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printNewSession(resp.JSON201, resp.Body)
		},
	}
	cmd.Flags().StringVar(&name, "session-name", "cli", "a name for the session, shown in listings and audit")
	cmd.Flags().IntVar(&duration, "duration", 0, "the session's length in seconds, 900 to the role's maximum (default 3600 or the maximum)")
	cmd.Flags().StringVar(&user, "user", "", "assume for this member instead of yourself")
	cmd.Flags().StringVar(&policyFile, "session-policy", "", "a policy document file (- for stdin) that narrows the session")
	wi.add(cmd)
	return cmd
}

// sessionCommand returns `keyward session` and its subcommands.
func (a *app) sessionCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "session",
		Aliases: []string{"sessions"},
		Short:   "Show, list and terminate assumed-role sessions",
	}
	return group(cmd, a.sessionGetCommand(), a.sessionListCommand(), a.sessionTerminateCommand())
}

func (a *app) sessionGetCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "get SESSION_TOKEN",
		Short: "Show a session, live or ended",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.GetRoleSessionWithResponse(cmd.Context(), args[0])
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printSession(resp.JSON200, resp.Body)
		},
	}
}

func (a *app) sessionListCommand() *cobra.Command {
	var user, role string
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list (--user USER_ID | --role ROLE_ID)",
		Short: "List the live sessions of a user or of a role",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (user == "") == (role == "") {
				return errors.New("pass exactly one of --user and --role")
			}
			var c *client.ClientWithResponses
			var id uuid.UUID
			var err error
			if user != "" {
				c, id, err = a.clientForUser(cmd.Context(), user)
			} else {
				c, id, err = a.clientFor(cmd.Context(), "role", role)
			}
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.RoleSession], error) {
				var body []byte
				var list *client.RoleSessionList
				if user != "" {
					resp, err := c.ListUserRoleSessionsWithResponse(cmd.Context(), id, &client.ListUserRoleSessionsParams{PerPage: perPage, Cursor: cursor})
					if err := check(resp, err, http.StatusOK); err != nil {
						return page[client.RoleSession]{}, err
					}
					body, list = resp.Body, resp.JSON200
				} else {
					resp, err := c.ListRoleSessionsWithResponse(cmd.Context(), id, &client.ListRoleSessionsParams{PerPage: perPage, Cursor: cursor})
					if err := check(resp, err, http.StatusOK); err != nil {
						return page[client.RoleSession]{}, err
					}
					body, list = resp.Body, resp.JSON200
				}
				return newPage(body, "sessions", list.Sessions, list.Meta.Links.Next)
			}, a.printSessions)
		},
	}
	cmd.Flags().StringVar(&user, "user", "", `the user ("me" for you)`)
	cmd.Flags().StringVar(&role, "role", "", "the role")
	pf.add(cmd)
	return cmd
}

func (a *app) sessionTerminateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "terminate SESSION_TOKEN",
		Short: "End a session at once",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			resp, err := c.TerminateRoleSessionWithResponse(cmd.Context(), args[0])
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Terminated the session.")
			return nil
		},
	}
}

// printNewSession prints a session just made, and warns that its token is
// not shown again.
func (a *app) printNewSession(s *client.RoleSession, raw []byte) error {
	if err := a.printSession(s, raw); err != nil {
		return err
	}
	a.noteSecret()
	return nil
}

func (a *app) printSession(s *client.RoleSession, raw []byte) error {
	return a.printObject(raw, []field{
		{"session_token", s.SessionToken},
		{"id", s.ID.String()},
		{"role", deref(s.RoleName) + " (" + s.RoleID.String() + ")"},
		{"user_id", s.UserID},
		{"session_name", s.SessionName},
		{"state", string(s.State)},
		{"remaining_duration", strconv.Itoa(s.RemainingDuration) + "s"},
		{"conditions_met", strings.Join(s.ConditionsMet, ",")},
		{"assumed_at", s.AssumedAt},
		{"expires_at", s.ExpiresAt},
	})
}

func (a *app) printSessions(raw []json.RawMessage, ss []client.RoleSession) error {
	rows := make([][]string, len(ss))
	for i, s := range ss {
		rows[i] = []string{s.ID.String(), deref(s.RoleName), s.UserID, s.SessionName, string(s.State), s.ExpiresAt}
	}
	return a.printList(raw, []string{"ID", "ROLE", "USER", "NAME", "STATE", "EXPIRES"}, rows)
}
