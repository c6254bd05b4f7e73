package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
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
			return a.userTags(cmd.Context(), args[0], func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
				return c.TagUserWithResponse(ctx, id, body)
			})
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
			return a.userTags(cmd.Context(), args[0], func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
				return c.UntagUserWithResponse(ctx, id, &client.UntagUserParams{Key: args[1:]})
			})
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
			return a.userTags(cmd.Context(), args[0], func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error) {
				return c.ListUserTagsWithResponse(ctx, id)
			})
		},
	}
}

// userTags makes call on user (an ID, an email, a name or "me") and
// prints the tags of its answer, {"tags": [...]}.
func (a *app) userTags(ctx context.Context, user string, call func(context.Context, *client.ClientWithResponses, uuid.UUID) (response, error)) error {
	c, id, err := a.clientForUser(ctx, user)
	if err != nil {
		return err
	}
	resp, err := call(ctx, c, id)
	if err := check(resp, err, http.StatusOK); err != nil {
		return err
	}
	var body client.Tags
	if err := json.Unmarshal(resp.GetBody(), &body); err != nil {
		return err
	}
	raw, err := members(resp.GetBody(), "tags")
	if err != nil {
		return err
	}
	rows := make([][]string, len(body.Tags))
	for i, t := range body.Tags {
		rows[i] = []string{t.Key, t.Value}
	}
	return a.printList(raw, []string{"KEY", "VALUE"}, rows)
}
