package cli

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// link describes a command that links two objects or unlinks them, such
// as "policy attach-user POLICY_ID USER_ID": its two arguments are the ID
// (or name, idOf) of a thing and of a target, kinds as parseID names them.
type link struct {
	use, short, long string
	thing, target    string
	// call makes the API call with the two IDs.
	call func(ctx context.Context, c *client.ClientWithResponses, id, target uuid.UUID) (response, error)
	// done is what printDone says after a 204 answer: %[1]s is the
	// thing's ID, %[2]s the target's.
	done string
	// fields, when set, wants a 201 answer instead, which is printed as
	// an object of these fields; r is what call returned.
	fields func(r response) []field
}

// linkCall adapts a generated call that takes the two IDs, named by its
// method expression (say (*client.ClientWithResponses).DetachRoleUserWithResponse),
// to link.call: the calls of the link commands differ only in the
// operation and the type of its answer. The expression keeps the
// operation's name in the source, where TestEveryOperationHasACommand
// looks for it.
func linkCall[R response](call func(*client.ClientWithResponses, context.Context, uuid.UUID, uuid.UUID, ...client.RequestEditorFn) (R, error)) func(context.Context, *client.ClientWithResponses, uuid.UUID, uuid.UUID) (response, error) {
	return func(ctx context.Context, c *client.ClientWithResponses, id, target uuid.UUID) (response, error) {
		return call(c, ctx, id, target)
	}
}

// linkCommands returns the commands of links.
func (a *app) linkCommands(links ...link) []*cobra.Command {
	cmds := make([]*cobra.Command, len(links))
	for i, l := range links {
		cmds[i] = a.linkCommand(l)
	}
	return cmds
}

// linkCommand returns the command of l.
func (a *app) linkCommand(l link) *cobra.Command {
	return &cobra.Command{
		Use:   l.use,
		Short: l.short,
		Long:  l.long,
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, id, err := a.clientFor(cmd.Context(), l.thing, args[0])
			if err != nil {
				return err
			}
			target, err := a.idOf(cmd.Context(), c, l.target, args[1])
			if err != nil {
				return err
			}
			resp, err := l.call(cmd.Context(), c, id, target)
			if l.fields != nil {
				if err := check(resp, err, http.StatusCreated); err != nil {
					return err
				}
				return a.printObject(resp.GetBody(), l.fields(resp))
			}
			if err := check(resp, err, http.StatusNoContent); err != nil {
				return err
			}
			a.printDone(l.done, id, target)
			return nil
		},
	}
}
