package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// mailCommand returns `keyward mail`.
func (a *app) mailCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mail",
		Short: "Show your organization's mail outbox",
		Long: `Show the mail the server sent or queued for your organization, such as
invitations. With no SMTP server configured nothing is sent, and this is
where the invitation links are (the development outbox).`,
	}
	return group(cmd, a.mailListCommand())
}

func (a *app) mailListCommand() *cobra.Command {
	var pf pageFlags
	var to string
	var full bool
	cmd := &cobra.Command{
		Use:   "list [--to EMAIL] [--full]",
		Short: "List the outbox, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			params := client.ListMailParams{}
			if to != "" {
				params.To = &to
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.MailMessage], error) {
				params.PerPage, params.Cursor = perPage, cursor
				resp, err := c.ListMailWithResponse(cmd.Context(), &params)
				return checkedPage(resp, err, "messages", func() ([]client.MailMessage, string) { return resp.JSON200.Messages, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, msgs []client.MailMessage) error {
				if full {
					if f, _ := a.format(); f == "table" {
						for _, m := range msgs {
							fmt.Fprintf(a.stdout, "To: %s\nSubject: %s\nState: %s\nDate: %s\n\n%s\n", m.To, m.Subject, m.State, deref(m.DateCreated), m.Text)
						}
						return nil
					}
				}
				rows := make([][]string, len(msgs))
				for i, m := range msgs {
					rows[i] = []string{m.ID, m.To, string(m.State), m.Subject, deref(m.DateCreated)}
				}
				return a.printList(raw, []string{"ID", "TO", "STATE", "SUBJECT", "CREATED"}, rows)
			})
		},
	}
	pf.add(cmd)
	cmd.Flags().StringVar(&to, "to", "", "only messages to this address")
	cmd.Flags().BoolVar(&full, "full", false, "print each message in full, links included")
	return cmd
}
