package cli

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// listPages runs a list command: it gets the page at --cursor from get
// (and with --all every page after it), notes the next cursor on stderr
// and prints the items with print. get sends the per_page and cursor it
// is given: --per-page (500 with --all) and, for the first page, --cursor.
func listPages[T any](a *app, pf *pageFlags, get func(perPage *int, cursor *string) (page[T], error),
	print func(raw []json.RawMessage, items []T) error) error {
	p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[T], error) {
		return get(pf.perPageParam(), cursorParam(cursor))
	})
	if err != nil {
		return err
	}
	a.noteMore(p.next)
	return print(p.raw, p.items)
}

// checkedPage checks the answer r, err of a list call for a 200, as
// check does, and returns its page: the items and next cursor that list
// reads from the decoded answer, and the same items as sent, under key.
func checkedPage[T any](r response, err error, key string, list func() (items []T, next string)) (page[T], error) {
	if err := check(r, err, http.StatusOK); err != nil {
		return page[T]{}, err
	}
	items, next := list()
	return newPage(r.GetBody(), key, items, next)
}

// newPage returns one page of a list: items, decoded by the generated
// client, and the same items as sent, under key in body.
func newPage[T any](body []byte, key string, items []T, next string) (page[T], error) {
	raw, err := members(body, key)
	return page[T]{items, raw, next}, err
}

// listInCommand returns a command that lists what belongs to one object,
// such as "policy groups POLICY_ID": its one argument is the ID of a
// thing, as parseID names it, and it lists with get and prints with print
// as listPages does.
func listInCommand[T any](a *app, use, short, thing string,
	get func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID, perPage *int, cursor *string) (page[T], error),
	print func(raw []json.RawMessage, items []T) error) *cobra.Command {
	var pf pageFlags
	cmd := a.idCommand(use, short, thing, func(ctx context.Context, c *client.ClientWithResponses, id uuid.UUID) error {
		return listPages(a, &pf, func(perPage *int, cursor *string) (page[T], error) {
			return get(ctx, c, id, perPage, cursor)
		}, print)
	})
	pf.add(cmd)
	return cmd
}
