package cli

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// action describes a command that does one thing to one object and
// prints a line, such as "role delete ROLE_ID": its one argument is the
// ID of a thing, as parseID names it.
type action struct {
	use, short, long, thing string
	// call makes the API call with the ID; the answer wanted is 204.
	call func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (response, error)
	// callID, set instead of call, takes the ID as typed: a provider's
	// own resource ids need not be UUIDs.
	callID func(ctx context.Context, c *client.ClientWithResponses, id string) (response, error)
	// done is what printDone says after it: %s is the ID.
	done string
}

// actionCommand returns the command of x.
func (a *app) actionCommand(x action) *cobra.Command {
	return &cobra.Command{
		Use:   x.use,
		Short: x.short,
		Long:  x.long,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var resp response
			shown := args[0]
			if x.callID != nil {
				c, err := a.client()
				if err != nil {
					return err
				}
				resp, err = x.callID(cmd.Context(), c, args[0])
				if err := check(resp, err, http.StatusNoContent); err != nil {
					return err
				}
			} else {
				c, id, err := a.clientFor(cmd.Context(), x.thing, args[0])
				if err != nil {
					return err
				}
				resp, err = x.call(cmd.Context(), c, id)
				if err := check(resp, err, http.StatusNoContent); err != nil {
					return err
				}
				shown = id.String()
			}
			a.printDone(x.done, shown)
			return nil
		},
	}
}

// restoreCommand returns "restore THING_ID" for a kind deleted softly
// (roles, policies, trusts, groups): restore makes the API call with the
// ID, whose answer wanted is 200, and print shows what it answered.
func restoreCommand[R response](a *app, thing, short string,
	restore func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) (R, error), print func(R) error) *cobra.Command {
	return a.idCommand("restore "+strings.ToUpper(thing)+"_ID", short, thing,
		func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
			resp, err := restore(ctx, c, id)
			if err := check(resp, err, http.StatusOK); err != nil {
				return err
			}
			return print(resp)
		})
}

// idCommand returns a command whose one argument is the ID of a thing, as
// clientFor reads it: run does the command's work with a client and the ID.
func (a *app) idCommand(use, short, thing string, run func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), thing, args[0])
			if err != nil {
				return err
			}
			return run(cmd.Context(), c, id)
		},
	}
}
