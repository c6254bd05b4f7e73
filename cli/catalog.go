package cli

import (
	"net/http"

	"github.com/spf13/cobra"

	"github.com/keyward-iam/keyward/api/client"
)

// catalogCommand returns `keyward catalog` and its subcommands.
func (a *app) catalogCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "catalog",
		Aliases: []string{"actions"},
		Short:   "List the actions policies grant and the endpoints that need them",
		Long: `List the action catalog: every service.resource.Operation a policy document
may name, with its access level (read, write, delete or admin), and the
endpoints of the API with the action each needs.`,
	}
	return group(cmd, a.catalogListCommand(), a.catalogEndpointsCommand())
}

func (a *app) catalogListCommand() *cobra.Command {
	var pf pageFlags
	var service, level, query string
	cmd := &cobra.Command{
		Use:   "list [--service SERVICE] [--level LEVEL] [--query TEXT]",
		Short: "List the actions of the catalog",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.CatalogAction], error) {
				params := &client.ListActionsParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				if service != "" {
					params.Service = &service
				}
				if level != "" {
					params.Level = ptr(client.ActionLevel(level))
				}
				if query != "" {
					params.Q = &query
				}
				resp, err := c.ListActionsWithResponse(cmd.Context(), params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.CatalogAction]{}, err
				}
				raw, err := members(resp.Body, "actions")
				return page[client.CatalogAction]{resp.JSON200.Actions, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			rows := make([][]string, len(p.items))
			for i, x := range p.items {
				rows[i] = []string{x.Name, string(x.Level), x.Description}
			}
			a.noteMore(p.next)
			return a.printList(p.raw, []string{"ACTION", "LEVEL", "DESCRIPTION"}, rows)
		},
	}
	cmd.Flags().StringVar(&service, "service", "", "only actions of this service, e.g. compute")
	cmd.Flags().StringVar(&level, "level", "", "only actions of this level: read, write, delete or admin")
	cmd.Flags().StringVarP(&query, "query", "q", "", "only actions whose name or description contains this text (any case)")
	pf.add(cmd)
	return cmd
}

func (a *app) catalogEndpointsCommand() *cobra.Command {
	var pf pageFlags
	cmd := &cobra.Command{
		Use:   "endpoints",
		Short: "List the endpoints of the API and the action each needs",
		Long: `List the endpoint action maps: every endpoint of the API that needs an
action, with the action a policy must allow to call it and the path
parameter naming the object it acts on ("*" for none).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.client()
			if err != nil {
				return err
			}
			p, err := fetch(pf.cursor, pf.all, func(cursor string) (page[client.EndpointActionMap], error) {
				params := &client.ListEndpointActionMapsParams{PerPage: pf.perPageParam(), Cursor: cursorParam(cursor)}
				resp, err := c.ListEndpointActionMapsWithResponse(cmd.Context(), params)
				if err := check(resp, err, http.StatusOK); err != nil {
					return page[client.EndpointActionMap]{}, err
				}
				raw, err := members(resp.Body, "endpoint_action_maps")
				return page[client.EndpointActionMap]{resp.JSON200.EndpointActionMaps, raw, resp.JSON200.Meta.Links.Next}, err
			})
			if err != nil {
				return err
			}
			rows := make([][]string, len(p.items))
			for i, m := range p.items {
				rows[i] = []string{m.HTTPMethod, m.EndpointPattern, m.RequiredAction, m.ResourcePattern, m.ID.String()}
			}
			a.noteMore(p.next)
			return a.printList(p.raw, []string{"METHOD", "PATH", "ACTION", "RESOURCE", "ID"}, rows)
		},
	}
	pf.add(cmd)
	return cmd
}
