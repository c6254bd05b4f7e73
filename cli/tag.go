package cli

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// userTagCommand returns `keyward user tag`.
func (a *app) userTagCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tag USER KEY=VALUE...",
		Short: "Add or change a user's tags",
		Long: `Add tags to a user (an ID, an email, a name or "me"), as AWS's TagUser: a
key the user already has, in any case, takes the new value; its other tags
stay. Each tag is KEY=VALUE, split at the first "=" (so a key given here
holds none; the value may be empty: KEY=). Policies read a user's tags
through keyward:PrincipalTag/KEY conditions. Prints the user's tags.`,
		Example: `  keyward user tag ada@example.com team=payments cost-center=42`,
		Args:    cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var body client.Tags
			for _, arg := range args[1:] {
				key, value, ok := strings.Cut(arg, "=")
				if !ok {
					return fmt.Errorf("tag %q: want KEY=VALUE", arg)
				}
				body.Tags = append(body.Tags, client.Tag{Key: key, Value: value})
			}
			c, id, err := a.clientForUser(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			resp, err := c.TagUserWithResponse(cmd.Context(), id, body)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printTags(resp.Body, resp.JSON200.Tags)
		},
	}
}

// userUntagCommand returns `keyward user untag`.
func (a *app) userUntagCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "untag USER KEY...",
		Short: "Remove tags from a user",
		Long: `Remove the tags with the given keys (compared ignoring case) from a user, as
AWS's UntagUser; a key the user does not have is no error. Prints the
user's tags.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientForUser(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			resp, err := c.UntagUserWithResponse(cmd.Context(), id, &client.UntagUserParams{Key: args[1:]})
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printTags(resp.Body, resp.JSON200.Tags)
		},
	}
}

// userTagsCommand returns `keyward user tags`.
func (a *app) userTagsCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "tags USER",
		Short: "List a user's tags",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientForUser(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			resp, err := c.ListUserTagsWithResponse(cmd.Context(), id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printTags(resp.Body, resp.JSON200.Tags)
		},
	}
}

// printTags prints tags; body is the response, {"tags": [...]}.
func (a *app) printTags(body []byte, tags []client.Tag) error {
	raw, err := members(body, "tags")
	if err != nil {
		return err
	}
	rows := make([][]string, len(tags))
	for i, t := range tags {
		rows[i] = []string{t.Key, t.Value}
	}
	return a.printList(raw, []string{"KEY", "VALUE"}, rows)
}
