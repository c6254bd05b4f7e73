package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// viewRunE returns the RunE of a view command, whose one argument is a
// user ID, or "me", whose views have their own routes: run does the
// command's work with a client and the user's ID, nil for "me".
func (a *app) viewRunE(run func(cmd *cobra.Command, c *client.ClientWithResponses, uid *uuid.UUID) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		var uid *uuid.UUID
		if args[0] != "me" {
			id, err := parseID("user", args[0])
			if err != nil {
				return err
			}
			uid = &id
		}
		c, err := a.client()
		if err != nil {
			return err
		}
		return run(cmd, c, uid)
	}
}

// meOrUser makes a view command's call: me, on the caller's own route,
// for a nil uid ("me"), else user for the user uid. Both routes answer 200
// with the same body, which it returns as sent and decoded into a B. It
// decodes the body again because the generated client keeps its decoded
// copy in a field of each route's own response type, which a generic
// function cannot name.
func meOrUser[B any](uid *uuid.UUID, me func() (response, error), user func(id uuid.UUID) (response, error)) ([]byte, *B, error) {
	var r response
	var err error
	if uid == nil {
		r, err = me()
	} else {
		r, err = user(*uid)
	}
	if err = check(r, err, http.StatusOK); err != nil {
		return nil, nil, err
	}
	b := new(B)
	if err := json.Unmarshal(r.GetBody(), b); err != nil {
		return nil, nil, fmt.Errorf("server sent an unexpected response: %w", err)
	}
	return r.GetBody(), b, nil
}

// sets is a grouped view of roles or policies: Vultr's object of lists
// ("all" and some of "direct", "inherited", "from_roles") under one key,
// merged over the pages read. lists are decoded, raw are the items as sent.
type sets[T any] struct {
	lists map[string][]T
	raw   map[string][]json.RawMessage
	next  string
}

// newSets returns one page of a grouped view: lists, decoded by the
// generated client, and the same lists as sent, under key in body.
func newSets[T any](body []byte, key string, lists map[string][]T, next string) (sets[T], error) {
	v := sets[T]{lists: lists, raw: map[string][]json.RawMessage{}, next: next}
	obj, err := member(body, key)
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(obj, &v.raw); err != nil {
		return v, fmt.Errorf("server response %q is not an object of lists: %w", key, err)
	}
	for name := range lists {
		if v.raw[name] == nil {
			v.raw[name] = []json.RawMessage{}
		}
	}
	return v, nil
}

// listSets runs a grouped view command as listPages runs a list command:
// get gets one page of the view with the per_page and cursor it is given,
// and print prints the view, merged over the pages read.
func listSets[T any](a *app, pf *pageFlags, get func(perPage *int, cursor *string) (sets[T], error), print func(v sets[T]) error) error {
	v, err := fetchSets(pf.cursor, pf.all, func(cursor string) (sets[T], error) {
		return get(pf.perPageParam(), cursorParam(cursor))
	})
	if err != nil {
		return err
	}
	a.noteMore(v.next)
	return print(v)
}

// fetchSets gets the grouped view at cursor and, if all is set, every page
// after it, as fetch does, and merges the pages list by list.
func fetchSets[T any](cursor string, all bool, get func(cursor string) (sets[T], error)) (sets[T], error) {
	p, err := fetch(cursor, all, func(cursor string) (page[sets[T]], error) {
		v, err := get(cursor)
		return page[sets[T]]{items: []sets[T]{v}, next: v.next}, err
	})
	out := sets[T]{lists: map[string][]T{}, raw: map[string][]json.RawMessage{}, next: p.next}
	for _, v := range p.items {
		for name, l := range v.lists {
			out.lists[name] = append(out.lists[name], l...)
		}
		for name, l := range v.raw {
			out.raw[name] = append(nonNilRaw(out.raw[name]), l...)
		}
	}
	return out, err
}

func nonNilRaw(s []json.RawMessage) []json.RawMessage {
	if s == nil {
		return []json.RawMessage{}
	}
	return s
}

// via returns, for each item ID, how the item comes: the way of each of
// its entries in the lists but "all", in the order direct, inherited,
// from_roles, without repeats, joined by ", ". way names an entry: its
// source when the server sends one, else something derived from the list's
// name.
func (v sets[T]) via(id func(T) string, way func(list string, item T) string) map[string]string {
	seen := map[string][]string{}
	for _, name := range []string{"direct", "inherited", "from_roles"} {
		for _, item := range v.lists[name] {
			k, w := id(item), way(name, item)
			if !slices.Contains(seen[k], w) {
				seen[k] = append(seen[k], w)
			}
		}
	}
	out := make(map[string]string, len(seen))
	for k, ws := range seen {
		out[k] = strings.Join(ws, ", ")
	}
	return out
}

// printSets prints a grouped view: in JSON, its object of lists as sent
// (merged over pages); as a table, the rows.
func (a *app) printSets(raw map[string][]json.RawMessage, columns []string, rows [][]string) error {
	if a.structured() {
		b, err := json.Marshal(raw)
		if err != nil {
			return err
		}
		return a.writeData(b)
	}
	return a.printList(nil, columns, rows)
}

// orElse returns s, or def when s is "".
func orElse(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
