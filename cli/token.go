package cli

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// tokenCommand returns `keyward token` and its subcommands.
func (a *app) tokenCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "token",
		Aliases: []string{"tokens", "key", "keys"},
		Short:   "Manage API keys",
		Long: `Manage the API keys of a user in your organization. --user takes a user ID,
or "me" for yourself. A key's secret (kw_<key id>_<secret>) is shown only
when it is created.`,
	}
	return group(cmd, a.tokenCreateCommand(), a.tokenListCommand(), a.tokenGetCommand(), a.tokenRevokeCommand())
}

func (a *app) tokenCreateCommand() *cobra.Command {
	var user, name, policyFile string
	var grid []string
	var ef expiryFlags
	cmd := &cobra.Command{
		Use:   "create --user USER_ID [--name NAME] [--expires-at TIME | --expires-in DURATION] [--policy FILE | --grid GROUP=LEVEL...]",
		Short: "Create an API key for a user, optionally narrowed",
		Long: `Create an API key for a user; its secret is printed once. A narrowed key
(--policy, a policy document file or - for stdin; or --grid, permissions as
the View/Manage/Delete grid) acts with the intersection of its owner's
current permissions and that: never more than the owner.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			body, err := keyReq(name, &ef, time.Now())
			if err != nil {
				return err
			}
			switch {
			case policyFile != "" && len(grid) > 0:
				return errors.New("pass --policy or --grid, not both")
			case policyFile != "":
				var doc map[string]any
				if err := readJSONFile(a, "--policy", policyFile, &doc); err != nil {
					return err
				}
				body.Policy = &doc
			case len(grid) > 0:
				g, err := parseGrid(grid)
				if err != nil {
					return err
				}
				body.Grid = &g
			}
			c, uid, err := a.clientForUser(cmd.Context(), user)
			if err != nil {
				return err
			}
			resp, err := c.CreateAPIKeyWithResponse(cmd.Context(), uid, body)
			if err := check(resp, err, http.StatusCreated); err != nil {
				return err
			}
			return a.printNewKey(&resp.JSON201.APIKey, resp.Body)
		},
	}
	addUserFlag(cmd, &user)
	cmd.Flags().StringVar(&name, "name", "", "a label for the key")
	cmd.Flags().StringVar(&policyFile, "policy", "", "narrow the key to this policy document (a file, or - for stdin)")
	cmd.Flags().StringArrayVar(&grid, "grid", nil, "narrow the key to this permission grid: "+gridUsage)
	ef.add(cmd)
	return cmd
}

func (a *app) tokenListCommand() *cobra.Command {
	var user string
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "list --user USER_ID",
		Short: "List a user's API keys, revoked and expired ones included",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, uid, err := a.clientForUser(cmd.Context(), user)
			if err != nil {
				return err
			}
			return listPages(a, &pf, func(perPage *int, cursor *string) (page[client.APIKey], error) {
				resp, err := c.ListAPIKeysWithResponse(cmd.Context(), uid, &client.ListAPIKeysParams{PerPage: perPage, Cursor: cursor})
				return checkedPage(resp, err, "api_keys", func() ([]client.APIKey, string) { return resp.JSON200.APIKeys, resp.JSON200.Meta.Links.Next })
			}, func(raw []json.RawMessage, keys []client.APIKey) error {
				rows := make([][]string, len(keys))
				for i, k := range keys {
					rows[i] = []string{k.ID.String(), k.Name, string(k.Status), formatTime(k.DateCreated), expiry(k.DateExpire)}
				}
				return a.printList(raw, []string{"ID", "NAME", "STATUS", "CREATED", "EXPIRES"}, rows)
			})
		},
	}
	addUserFlag(cmd, &user)
	pf.add(cmd)
	return cmd
}

func (a *app) tokenGetCommand() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "get --user USER_ID KEY_ID",
		Short: "Show an API key (never its secret)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, uid, kid, err := a.clientForKey(cmd.Context(), user, args[0])
			if err != nil {
				return err
			}
			resp, err := c.GetAPIKeyWithResponse(cmd.Context(), uid, kid)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return a.printKey(&resp.JSON200.APIKey, resp.Body)
		},
	}
	addUserFlag(cmd, &user)
	return cmd
}

func (a *app) tokenRevokeCommand() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "revoke --user USER_ID KEY_ID",
		Short: "Revoke an API key at once",
		Long:  "Revoke an API key at once. Revoking a revoked key succeeds too.",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, uid, kid, err := a.clientForKey(cmd.Context(), user, args[0])
			if err != nil {
				return err
			}
			resp, err := c.DeleteAPIKeyWithResponse(cmd.Context(), uid, kid)
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone("Revoked API key %s.", kid)
			return nil
		},
	}
	addUserFlag(cmd, &user)
	return cmd
}

// addUserFlag adds the required --user flag.
func addUserFlag(cmd *cobra.Command, user *string) {
	cmd.Flags().StringVar(user, "user", "", `the user's ID, or "me" (required)`)
	_ = cmd.MarkFlagRequired("user")
}

// clientFor returns a client and the ID of a thing ("policy", "role",
// ...) given as s: its ID or, for the kinds idOf resolves, its name (or
// "me" for a user).
func (a *app) clientFor(ctx context.Context, thing, s string) (*client.ClientWithResponses, uuid.UUID, error) {
	c, err := a.client()
	if err != nil {
		return nil, uuid.UUID{}, err
	}
	id, err := a.idOf(ctx, c, thing, s)
	return c, id, err
}

// clientForUser is clientFor for a user: an ID, an email, a name or "me".
func (a *app) clientForUser(ctx context.Context, user string) (*client.ClientWithResponses, uuid.UUID, error) {
	return a.clientFor(ctx, "user", user)
}

// clientForKey returns a client, the id of user (--user) and the id of
// key, KEY_ID.
func (a *app) clientForKey(ctx context.Context, user, key string) (*client.ClientWithResponses, uuid.UUID, uuid.UUID, error) {
	kid, err := parseID("API key", key)
	if err != nil {
		return nil, uuid.UUID{}, kid, err
	}
	c, uid, err := a.clientForUser(ctx, user)
	return c, uid, kid, err
}

// keyReq returns the body of create API key.
func keyReq(name string, ef *expiryFlags, now time.Time) (client.APIKeyReq, error) {
	var req client.APIKeyReq
	if name != "" {
		req.Name = &name
	}
	exp, err := ef.expiresAt(now)
	req.ExpiresAt = exp
	return req, err
}

// printNewKey prints a key just created, with its secret; body is the
// response, {"api_key": {...}}.
func (a *app) printNewKey(k *client.APIKey, body []byte) error {
	if err := a.printKey(k, body); err != nil {
		return err
	}
	a.noteSecret()
	return nil
}

// printKey prints a key; body is the response, {"api_key": {...}}.
func (a *app) printKey(k *client.APIKey, body []byte) error {
	raw, err := member(body, "api_key")
	if err != nil {
		return err
	}
	fields := []field{
		{"id", k.ID.String()},
		{"name", k.Name},
		{"user_id", k.UserID.String()},
		{"org_id", k.OrgID.String()},
		{"status", string(k.Status)},
		{"date_created", formatTime(k.DateCreated)},
		{"date_expire", expiry(k.DateExpire)},
		{"date_revoked", k.DateRevoked},
	}
	if k.Key != nil {
		fields = append(fields, field{"key", *k.Key})
	}
	return a.printObject(raw, fields)
}

// expiry formats a key's date_expire for a table.
func expiry(s string) string {
	if s == "" {
		return "never"
	}
	return s
}
