package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// loginSessionsCommand returns `keyward login sessions`.
func (a *app) loginSessionsCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List your live login sessions: where you are signed in",
		Long: `List the live login sessions of your account in this organization: the
sign-ins (keyward login, the console) whose tokens still work, with the
address each came from and when it verified a second factor. keyward
password change ends all but the one you call with; keyward logout ends
that one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.LoginSession], error) {
				resp, err := c.ListLoginSessionsWithResponse(cmd.Context(), &client.ListLoginSessionsParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "login_sessions", func() ([]client.LoginSession, string) {
					return resp.JSON200.LoginSessions, resp.JSON200.Meta.Links.Next
				})
			}, func(raw []json.RawMessage, ss []client.LoginSession) error {
				rows := make([][]string, len(ss))
				for i, s := range ss {
					mfa := "-"
					if s.DateMfa != nil {
						mfa = formatTime(*s.DateMfa)
					}
					rows[i] = []string{s.ID.String(), s.SourceIP, formatTime(s.DateCreated), formatTime(s.DateExpires), mfa}
				}
				return a.printList(raw, []string{"ID", "SOURCE IP", "CREATED", "EXPIRES", "MFA"}, rows)
			})
		},
	}
	pf.add(cmd)
	return cmd
}
