package cli

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// fleetCommand returns `keyward fleet` and its subcommands: the
// deployment's own layer, for fleet administrators and viewers.
func (a *app) fleetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fleet",
		Short: "Operate the deployment: fleet roles, every organization, local users, the fleet audit trail",
		Long: `Operate the deployment as a fleet administrator (fleet.admin) or viewer
(fleet.viewer). Fleet roles belong to accounts, not to an organization: any
key of your account works, unless it is narrowed to exclude fleet.* actions;
a role session never does.`,
	}
	role := group(&cobra.Command{Use: "role", Short: "Grant, revoke and list fleet roles"},
		a.fleetRoleListCommand(), a.fleetRoleChangeCommand(true), a.fleetRoleChangeCommand(false))
	return group(cmd, role, a.fleetOrgCommand(), a.fleetUserCommand(), a.fleetAuditCommand())
}

func (a *app) fleetRoleListCommand() *cobra.Command {
	var pf pageFlags
	var user, role string
	cmd := &cobra.Command{
		Use:   "list [--user USER_ID] [--role ROLE]",
		Short: "List the accounts that hold a fleet role",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var params client.ListFleetRolesParams
			if user != "" {
				id, err := parseID("user", user)
				if err != nil {
					return err
				}
				params.UserID = &id
			}
			if role != "" {
				params.Role = ptr(client.FleetRoleName(role))
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.FleetRole], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListFleetRolesWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "fleet_roles", func() ([]client.FleetRole, string) { return resp.JSON200.FleetRoles, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, gs []client.FleetRole) error {
				rows := make([][]string, len(gs))
				for i, g := range gs {
					rows[i] = []string{g.UserID.String(), g.Email, string(g.Role), orDash(g.GrantedBy), formatTime(g.DateGranted)}
				}
				return a.printList(raw, []string{"USER_ID", "EMAIL", "ROLE", "GRANTED_BY", "GRANTED"}, rows)
			})
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "only the grants of this account")
	cmd.Flags().StringVar(&role, "role", "", "only grants of this role: fleet.admin or fleet.viewer")
	pf.add(cmd)
	return cmd
}

// fleetRoleChangeCommand returns `fleet role grant` or, if !grant,
// `fleet role revoke`.
func (a *app) fleetRoleChangeCommand(grant bool) *cobra.Command {
	use, short := "grant USER_ID ROLE", "Grant fleet.admin or fleet.viewer to an account"
	if !grant {
		use, short = "revoke USER_ID ROLE", "Revoke a fleet role (the last fleet.admin stays)"
	}
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), "user", args[0])
			if err != nil {
				return err
			}
			role := client.FleetRoleName(args[1])
			if !grant {
				resp, err := c.RevokeFleetRoleWithResponse(cmd.Context(), role, id)
				if err := check(resp, err, http.StatusNoContent); err != nil {
					return err
				}
				a.printDone("Revoked %s from %s.", role, id)
				return nil
			}
			resp, err := c.GrantFleetRoleWithResponse(cmd.Context(), client.FleetRoleReq{UserID: id, Role: role})
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			a.printDone("Granted %s to %s.", role, id)
			return nil
		},
	}
}

func (a *app) fleetAuditCommand() *cobra.Command {
	var actor, action, target, since, until string
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "audit [--actor USER_ID] [--action ACTION] [--target ID] [--since TIME] [--until TIME]",
		Short: "List the fleet audit trail, newest first",
		Long: `List the events of every fleet action, newest first. The filters are those of
"keyward audit list".`,
		Example: `  keyward fleet audit --action fleet.organization.Suspend --since 168h`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q, err := auditParams(actor, action, target, since, until, time.Now())
			if err != nil {
				return err
			}
			params := client.ListFleetAuditEventsParams{ActorID: q.ActorID, Action: q.Action, TargetID: q.TargetID, Since: q.Since, Until: q.Until}
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.FleetAuditEvent], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListFleetAuditEventsWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "audit_events", func() ([]client.FleetAuditEvent, string) {
					return resp.JSON200.AuditEvents, resp.JSON200.Meta.Links.Next
				})
			}, func(raw []json.RawMessage, events []client.FleetAuditEvent) error {
				rows := make([][]string, len(events))
				for i, e := range events {
					who := e.ActorID
					if e.ActorType == client.ActorTypeSystem {
						who = "system"
					}
					rows[i] = []string{formatTime(e.Time), e.Action, who, orDash(e.OrganizationID), e.TargetType, e.TargetID}
				}
				return a.printList(raw, []string{"TIME", "ACTION", "ACTOR", "ORGANIZATION", "TARGET_TYPE", "TARGET_ID"}, rows)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "only events by this account")
	f.StringVar(&action, "action", "", "only events of this action, e.g. fleet.role.Grant")
	f.StringVar(&target, "target", "", "only events about this object ID")
	f.StringVar(&since, "since", "", "only events at or after this time")
	f.StringVar(&until, "until", "", "only events before this time")
	pf.add(cmd)
	return cmd
}
