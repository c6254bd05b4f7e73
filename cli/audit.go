package cli

import (
	"encoding/json"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// auditCommand returns `keyward audit` and its subcommands.
func (a *app) auditCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Read the audit trail",
		Long:  "Read the audit trail of your organization: one event per change, newest first.",
	}
	return group(cmd, a.auditListCommand())
}

func (a *app) auditListCommand() *cobra.Command {
	var actor, action, target, since, until string
	var refusals bool
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list [--actor USER_ID] [--action ACTION] [--target ID] [--since TIME] [--until TIME] [--refusals]",
		Short: "List audit events, newest first",
		Long: `List audit events, newest first. --since and --until take an RFC 3339 time
or a duration before now (--since 24h); --since is inclusive, --until
exclusive. --refusals lists the refused calls (403) instead of the changes.`,
		Example: `  keyward audit list --action iam.user.Create --since 168h`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			params, err := auditParams(actor, action, target, since, until, time.Now())
			if err != nil {
				return err
			}
			if refusals {
				params.Refusals = &refusals
			}
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.AuditEvent], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListAuditEventsWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "audit_events", func() ([]client.AuditEvent, string) { return resp.JSON200.AuditEvents, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, events []client.AuditEvent) error {
				rows := make([][]string, len(events))
				for i, e := range events {
					who := e.ActorID
					if e.ActorType == client.ActorTypeSystem {
						who = "system"
					}
					rows[i] = []string{formatTime(e.Time), e.Action, who, e.TargetType, e.TargetID, e.SourceIP}
				}
				return a.printList(raw, []string{"TIME", "ACTION", "ACTOR", "TARGET_TYPE", "TARGET_ID", "SOURCE_IP"}, rows)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&actor, "actor", "", "only events by this user ID")
	f.StringVar(&action, "action", "", "only events of this action, e.g. iam.user.Create")
	f.StringVar(&target, "target", "", "only events about this object ID")
	f.StringVar(&since, "since", "", "only events at or after this time")
	f.StringVar(&until, "until", "", "only events before this time")
	f.BoolVar(&refusals, "refusals", false, "list the refused calls instead of the changes")
	pf.add(cmd)
	return cmd
}

// auditParams returns the query of an audit listing from the filter flags.
func auditParams(actor, action, target, since, until string, now time.Time) (client.ListAuditEventsParams, error) {
	var params client.ListAuditEventsParams
	if actor != "" {
		id, err := parseID("actor", actor)
		if err != nil {
			return params, err
		}
		params.ActorID = &id
	}
	if action != "" {
		params.Action = &action
	}
	if target != "" {
		params.TargetID = &target
	}
	var err error
	if params.Since, err = parseSince("since", since, now); err != nil {
		return params, err
	}
	if params.Until, err = parseSince("until", until, now); err != nil {
		return params, err
	}
	return params, nil
}
